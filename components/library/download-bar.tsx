'use client';

import Link from 'next/link';
import { useState } from 'react';
import { readApiAnswer } from '@/components/alt';
import type { BulkTarget } from './assets-api';

const CONTROL = 'min-w-0 rounded-md border border-neutral-300 bg-white px-2.5 py-1.5 text-sm focus:border-neutral-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-neutral-900';
const BUTTON = 'rounded-md bg-neutral-900 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-neutral-700 disabled:opacity-60';

const EXPIRIES = [
  { days: 1, label: '1 day' },
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
] as const;

export interface PresetChoice {
  name: string;
  label: string;
}

/** What the person is told after asking: a ZIP being built in the background, or a share link to copy. */
type Notice = { kind: 'queued'; photos: number } | { kind: 'shared'; url: string };

/** The filename a streamed answer asked to be saved as (Content-Disposition), or a plain one. */
function savedName(response: Response): string {
  const header = response.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/.exec(header)?.[1];
  return encoded ? decodeURIComponent(encoded) : 'loupe-photos.zip';
}

/**
 * Download the selection as a ZIP (originals or a preset's renditions) and, for editors, make a share link.
 * A small selection streams straight into a saved file; a large one is built in the background and waits on
 * the Downloads page.
 */
export function DownloadBar({ target, presets, canShare }: { target: BulkTarget; presets: readonly PresetChoice[]; canShare: boolean }) {
  const [preset, setPreset] = useState('');
  const [days, setDays] = useState<number>(7);
  const [allowDownload, setAllowDownload] = useState(true);
  const [busy, setBusy] = useState<'download' | 'share' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  async function download() {
    setBusy('download');
    setProblem(null);
    setNotice(null);
    try {
      const response = await fetch('/api/downloads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...target, ...(preset ? { preset } : {}) }) });
      if (response.status === 202) {
        const queued = (await response.json()) as { photos: number };
        setNotice({ kind: 'queued', photos: queued.photos });
      } else if (response.ok) {
        const file = URL.createObjectURL(await response.blob());
        const link = document.createElement('a');
        link.href = file;
        link.download = savedName(response);
        link.click();
        // Released once the browser has surely taken the file (revoking at once can cancel the save).
        setTimeout(() => URL.revokeObjectURL(file), 60_000);
      } else {
        const answer = await readApiAnswer(response);
        setProblem(answer.ok ? 'The download could not be made.' : answer.problem.message);
      }
    } catch {
      setProblem('The download was interrupted: check the connection and try again.');
    } finally {
      setBusy(null);
    }
  }

  async function share() {
    setBusy('share');
    setProblem(null);
    setNotice(null);
    const expiresAt = new Date(Date.now() + days * 86_400_000).toISOString();
    const answer = await readApiAnswer<{ url: string }>(
      await fetch('/api/shares', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...target, expiresAt, allowDownload }) }),
    );
    setBusy(null);
    if (answer.ok) setNotice({ kind: 'shared', url: answer.value.url });
    else setProblem(answer.problem.message);
  }

  return (
    <section aria-label="Download or share" className="flex flex-col gap-2 rounded-lg border border-neutral-300 bg-white p-3 shadow-md">
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex min-w-0 flex-col gap-1 text-xs font-medium text-neutral-700">
          Download as
          <select value={preset} onChange={(event) => setPreset(event.target.value)} className={CONTROL}>
            <option value="">Originals</option>
            {presets.map((choice) => (
              <option key={choice.name} value={choice.name}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void download()} disabled={busy !== null} className={BUTTON}>
          {busy === 'download' ? 'Preparing…' : 'Download ZIP'}
        </button>
        {canShare && (
          <>
            <label className="flex min-w-0 flex-col gap-1 text-xs font-medium text-neutral-700 sm:ml-4">
              Share link expires in
              <select value={days} onChange={(event) => setDays(Number(event.target.value))} className={CONTROL}>
                {EXPIRIES.map((choice) => (
                  <option key={choice.days} value={choice.days}>
                    {choice.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex items-center gap-2 self-center text-sm">
              <input type="checkbox" checked={allowDownload} onChange={(event) => setAllowDownload(event.target.checked)} className="h-4 w-4 accent-neutral-900" />
              Allow downloads
            </label>
            <button type="button" onClick={() => void share()} disabled={busy !== null} className={BUTTON}>
              {busy === 'share' ? 'Creating…' : 'Create share link'}
            </button>
          </>
        )}
      </div>
      <div aria-live="polite">
        {notice?.kind === 'queued' && (
          <p className="text-sm">
            The ZIP of {notice.photos} photos is being prepared: it will be on your{' '}
            <Link href="/downloads" className="font-medium underline underline-offset-2">
              Downloads
            </Link>{' '}
            page when ready.
          </p>
        )}
        {notice?.kind === 'shared' && (
          <label className="flex flex-col gap-1 text-sm">
            Share link (anyone with it can see these photos until it expires or is revoked)
            <input readOnly value={notice.url} onFocus={(event) => event.target.select()} className={`${CONTROL} font-mono`} aria-label="Share link" />
          </label>
        )}
      </div>
      {problem && (
        <p role="alert" className="text-sm text-red-700">
          {problem}
        </p>
      )}
    </section>
  );
}
