'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { fetchSimilar, type SimilarPage } from './search-api';

/** "More like this" on the asset page: the asset's nearest neighbours by meaning, as a strip of thumbnails. */
export function MoreLikeThis({ assetId }: { assetId: string }) {
  const [page, setPage] = useState<SimilarPage | null | 'failed'>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchSimilar(assetId, controller.signal)
      .then((found) => setPage(found ?? 'failed'))
      .catch(() => {
        if (!controller.signal.aborted) setPage('failed');
      });
    return () => controller.abort();
  }, [assetId]);

  let body: React.ReactNode;
  if (page === null) body = <p className="text-sm text-neutral-500">Looking for similar photos…</p>;
  else if (page === 'failed') body = <p className="text-sm text-neutral-500">Similar photos could not be loaded.</p>;
  else if (page.results.length === 0) {
    body = <p className="text-sm text-neutral-500">{page.notice?.message ?? 'No similar photos in the library yet.'}</p>;
  } else {
    body = (
      <ul className="grid grid-cols-3 gap-3 sm:grid-cols-4 lg:grid-cols-6" data-testid="more-like-this">
        {page.results.map(({ asset, similarity }) => (
          <li key={asset.id}>
            <Link href={`/assets/${asset.id}`} className="block overflow-hidden rounded-lg border border-neutral-200 bg-white hover:border-neutral-400" title={`${asset.filename} (${Math.round(similarity * 100)}% similar)`}>
              <div className="flex aspect-square items-center justify-center bg-neutral-100">
                {asset.derivatives.grid ? (
                  // eslint-disable-next-line @next/next/no-img-element
                  <img src={asset.derivatives.grid.url} width={asset.derivatives.grid.width} height={asset.derivatives.grid.height} alt={asset.alt.text ?? `${asset.filename}, no alt text yet`} loading="lazy" className="h-full w-full object-contain" />
                ) : (
                  <span className="px-2 text-center text-xs text-neutral-500">{asset.filename}</span>
                )}
              </div>
            </Link>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <section className="rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
      <h2 className="mb-3 text-sm font-semibold uppercase tracking-wide text-neutral-500">More like this</h2>
      {body}
    </section>
  );
}
