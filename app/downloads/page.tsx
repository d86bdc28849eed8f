import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { requirePage } from '@/lib/auth';
import { listDownloads } from '@/lib/downloads';
import { getStorage } from '@/lib/storage';
import { formatDate, plural } from '@/lib/words';

export const metadata: Metadata = { title: 'Downloads' };
export const dynamic = 'force-dynamic';

const STATUS = { pending: 'Being prepared', ready: 'Ready', failed: 'Failed' } as const;

function megabytes(bytes: number | null): string {
  return bytes === null ? '' : `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** Your ZIPs too large to stream at once, built in the background: their status, and their links once ready. */
export default async function DownloadsPage() {
  const caller = await requirePage('viewer');
  const downloads = await listDownloads(await getDb(), await getStorage(), caller);
  return (
    <main className="mx-auto flex w-full max-w-3xl flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Downloads</h1>
          <p className="text-sm text-neutral-600">
            ZIPs of many photos are prepared in the background and kept here for a few days. Small ones download at once from the{' '}
            <Link href="/" className="underline underline-offset-2">
              library
            </Link>
            .
          </p>
        </div>
        <Link href="/downloads" className="rounded-md border border-neutral-300 bg-white px-4 py-2 text-sm font-medium shadow-sm hover:bg-neutral-100">
          Refresh
        </Link>
      </div>
      {downloads.length === 0 ? (
        <p className="rounded-lg border border-dashed border-neutral-300 bg-white px-6 py-12 text-center text-sm text-neutral-600">No downloads being prepared or ready.</p>
      ) : (
        <ul aria-label="Downloads" className="flex flex-col gap-3">
          {downloads.map((download) => (
            <li key={download.id} className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-neutral-200 bg-white p-4 text-sm shadow-sm">
              <div className="flex flex-col gap-0.5">
                <p className="font-medium">
                  {plural(download.photos, 'photo')}, {download.preset ?? 'originals'}
                </p>
                <p className="text-neutral-600">
                  Asked for {formatDate(download.createdAt)} · {STATUS[download.status]}
                  {download.status === 'ready' && ` · ${plural(download.entries ?? 0, 'file')}${download.skipped ? `, ${download.skipped} left out (see alt-text.csv)` : ''} · ${megabytes(download.sizeBytes)} · until ${formatDate(download.expiresAt)}`}
                </p>
                {download.status === 'failed' && <p className="text-red-700">{download.error}</p>}
                {download.status === 'pending' && download.job?.lastError && <p className="text-neutral-600">Trying again: {download.job.lastError}</p>}
              </div>
              {download.url && (
                <a href={download.url} className="rounded-md bg-neutral-900 px-4 py-2 font-medium text-white shadow-sm hover:bg-neutral-700">
                  Download ZIP
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
