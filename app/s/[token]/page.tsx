import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { clientAddress } from '@/lib/auth';
import { openShare, sharedPage } from '@/lib/shares';
import { getStorage } from '@/lib/storage';
import { formatDate, plural } from '@/lib/words';

/** The token in this page's address is sent to no other site, nor to storage with each image (no Referer at all). */
export const metadata: Metadata = { title: 'Shared photos', referrer: 'no-referrer', robots: { index: false, follow: false } };
export const dynamic = 'force-dynamic';

const CARD = 'mx-auto flex w-full max-w-5xl flex-col gap-5 p-6';

/**
 * Public: the unguessable token in the link is the credential (lib/shares), and this page shows only what the
 * link names: the photos, their alt text and, when allowed, their downloads. A wrong token is a 404 (counted
 * per address, then refused); a revoked or expired link says so (the API answers 410 for it).
 */
export default async function SharePage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<{ page?: string }> }) {
  const { token } = await params;
  const requested = Number((await searchParams).page ?? '1');
  const db = await getDb();
  const opened = await openShare(db, token.slice(0, 200), clientAddress(await headers()));
  if (!opened.ok) {
    if (opened.code === 'not_found') notFound();
    return (
      <main className={CARD}>
        <h1 className="text-2xl font-semibold tracking-tight">{opened.code === 'share_gone' ? 'This share link no longer works' : 'Too many tries'}</h1>
        <p role="alert" className="text-sm text-neutral-700">
          {opened.message}
        </p>
      </main>
    );
  }
  const shared = await sharedPage(db, await getStorage(), opened.share, Number.isInteger(requested) ? requested : 1);
  const base = `/s/${encodeURIComponent(token)}`;
  return (
    <main className={CARD}>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Shared photos</h1>
          <p className="text-sm text-neutral-600">
            {plural(shared.total, 'photo')} · link works until {formatDate(shared.expiresAt)}
          </p>
        </div>
        {shared.allowDownload && shared.total > 0 && (
          <a href={`/api/shared/${encodeURIComponent(token)}/download`} className="rounded-md bg-neutral-900 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-neutral-700" download>
            Download all (ZIP)
          </a>
        )}
      </div>
      {shared.total === 0 ? (
        <p className="text-sm text-neutral-600">No photo is in this share any more.</p>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Photos">
          {shared.photos.map((photo, index) => (
            <li key={`${index}-${photo.filename}`} className="flex flex-col gap-2 rounded-xl border border-neutral-200 bg-white p-3 shadow-sm">
              {photo.imageUrl ? (
                // eslint-disable-next-line @next/next/no-img-element -- a signed, expiring storage URL: not for Next's image optimiser
                <img src={photo.imageUrl} alt={photo.altText ?? ''} width={photo.width ?? undefined} height={photo.height ?? undefined} className="aspect-square w-full rounded-md bg-neutral-100 object-contain" />
              ) : (
                <div className="flex aspect-square w-full items-center justify-center rounded-md bg-neutral-100 text-sm text-neutral-600">No preview yet</div>
              )}
              <p className="truncate text-sm font-medium" title={photo.filename}>
                {photo.filename}
              </p>
              <p className="text-sm text-neutral-700">{photo.decorative ? <em>Decorative (no alt text needed)</em> : photo.altText || <em>No alt text yet</em>}</p>
              {photo.downloadUrl && (
                <a href={photo.downloadUrl} className="text-sm font-medium underline underline-offset-2" download>
                  Download {photo.filename}
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
      {shared.pages > 1 && (
        <nav aria-label="Pages" className="flex items-center gap-3 text-sm">
          {shared.page > 1 && <a href={`${base}?page=${shared.page - 1}`} className="underline underline-offset-2">Previous</a>}
          <span>
            Page {shared.page} of {shared.pages}
          </span>
          {shared.page < shared.pages && <a href={`${base}?page=${shared.page + 1}`} className="underline underline-offset-2">Next</a>}
        </nav>
      )}
    </main>
  );
}
