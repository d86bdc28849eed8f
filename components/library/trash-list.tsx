'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { TrashEntry } from '@/lib/library';
import { formatDate, plural } from '@/lib/words';
import { readApiAnswer } from '@/components/alt';
import { restoreFromTrash } from './assets-api';

/**
 * The trash: each deleted photo with who deleted it and when it will be purged, a Restore button each (editors),
 * and Empty trash (admins, after a second confirmation). What happened is said in a status line.
 */
export function TrashList({ items, canEmpty, total }: { items: TrashEntry[]; canEmpty: boolean; total: number }) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: 'info' | 'error'; text: string } | null>(null);
  const [confirmEmpty, setConfirmEmpty] = useState(false);

  async function restore(entry: TrashEntry) {
    setBusy(entry.id);
    const answer = await restoreFromTrash([entry.id]);
    setBusy(null);
    if (!answer.ok) setMessage({ tone: 'error', text: answer.problem.message });
    else {
      const [result] = answer.value.results;
      setMessage(result?.outcome === 'ok' ? { tone: 'info', text: `${entry.filename} is back in the library.` } : { tone: 'error', text: `${entry.filename}: ${result?.reason ?? 'not restored'}` });
      router.refresh();
    }
  }

  async function empty() {
    setBusy('empty');
    const answer = await readApiAnswer<{ purged: number; remaining: number }>(await fetch('/api/trash', { method: 'DELETE' }));
    setBusy(null);
    setConfirmEmpty(false);
    if (!answer.ok) setMessage({ tone: 'error', text: answer.problem.message });
    else {
      const { purged, remaining } = answer.value;
      setMessage({ tone: 'info', text: `Purged ${plural(purged, 'photo')} for good.${remaining ? ` ${remaining} remain: empty the trash again.` : ''}` });
      router.refresh();
    }
  }

  return (
    <div className="flex flex-col gap-4">
      {message && (
        <p role={message.tone === 'error' ? 'alert' : 'status'} className={`rounded-md border px-3 py-2 text-sm ${message.tone === 'error' ? 'border-red-200 bg-red-50 text-red-800' : 'border-neutral-200 bg-white text-neutral-800'}`}>
          {message.text}
        </p>
      )}
      {canEmpty && total > 0 && (
        <div className="flex flex-wrap items-center gap-2">
          {confirmEmpty ? (
            <>
              <p className="text-sm">
                Purge {total === 1 ? 'the photo' : `all ${plural(total, 'photo')}`} and {total === 1 ? 'its files' : 'their files'} now? This cannot be undone.
              </p>
              <button type="button" onClick={() => void empty()} disabled={busy !== null} className="rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60">
                {busy === 'empty' ? 'Purging…' : 'Purge for good'}
              </button>
              <button type="button" onClick={() => setConfirmEmpty(false)} className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-100">
                Cancel
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setConfirmEmpty(true)} className="rounded-md border border-red-200 bg-white px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50">
              Empty trash
            </button>
          )}
        </div>
      )}
      {items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-neutral-300 bg-white px-6 py-12 text-center text-sm text-neutral-600">
          The trash is empty. <Link href="/" className="font-medium underline underline-offset-2">Back to the library</Link>
        </p>
      ) : (
        <ul aria-label="Deleted photos" className="flex flex-col divide-y divide-neutral-200 rounded-lg border border-neutral-200 bg-white">
          {items.map((entry) => (
            <li key={entry.id} className="flex flex-wrap items-center gap-3 p-3">
              <div className="flex h-16 w-16 shrink-0 items-center justify-center overflow-hidden rounded bg-neutral-100">
                {entry.thumbnailUrl ? (
                  // eslint-disable-next-line @next/next/no-img-element
                  <img src={entry.thumbnailUrl} alt="" className="h-full w-full object-contain" loading="lazy" />
                ) : (
                  <span className="text-xs text-neutral-500">No preview</span>
                )}
              </div>
              <div className="min-w-0 flex-1 text-sm">
                <p className="break-words font-medium">{entry.filename}</p>
                <p className="text-neutral-600">
                  Deleted {formatDate(entry.deletedAt)}
                  {entry.deletedBy ? ` by ${entry.deletedBy}` : ''}; purged after {formatDate(entry.purgeAt)}.
                </p>
              </div>
              <button
                type="button"
                onClick={() => void restore(entry)}
                disabled={busy !== null}
                aria-label={`Restore ${entry.filename}`}
                className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-100 disabled:opacity-60"
              >
                {busy === entry.id ? 'Restoring…' : 'Restore'}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
