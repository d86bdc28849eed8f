'use client';

import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AssetView } from '@/lib/assets';
import { stillProcessing } from '@/components/assets/asset-state';
import { AssetTile } from './asset-tile';
import { fetchAsset, fetchAssetPage, type AssetListPage } from './assets-api';
import { appendPage, mergeAssets } from './merge-assets';
import { usePollWhile } from '@/components/assets/use-poll-while';

/** In-progress assets below the first page are looked up one by one; this caps how many per refresh. */
const MAX_SINGLE_REFRESHES = 12;

/**
 * The library: newest first, the next page loads when the end of the grid scrolls into view (or on "Load
 * more"), and assets still being processed refresh themselves.
 */
export function LibraryGrid({ initial, canUpload, filter = null }: { initial: AssetListPage; canUpload: boolean; filter?: 'failed' | null }) {
  const [assets, setAssets] = useState<AssetView[]>(initial.items);
  const [nextCursor, setNextCursor] = useState<string | null>(initial.nextCursor);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const sentinel = useRef<HTMLDivElement>(null);

  const loadMore = useCallback(async () => {
    if (!nextCursor || loading) return;
    setLoading(true);
    setLoadError(null);
    try {
      const page = await fetchAssetPage(nextCursor, undefined, filter);
      setAssets((current) => appendPage(current, page.items));
      setNextCursor(page.nextCursor);
    } catch (error) {
      setLoadError(error instanceof Error ? error.message : 'Could not load more assets.');
    } finally {
      setLoading(false);
    }
  }, [nextCursor, loading, filter]);

  useEffect(() => {
    const target = sentinel.current;
    if (!target || !nextCursor || loadError) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadMore();
    }, { rootMargin: '800px 0px' });
    observer.observe(target);
    return () => observer.disconnect();
  }, [loadMore, nextCursor, loadError]);

  const pending = assets.filter(stillProcessing);
  usePollWhile(pending.length > 0, async (signal) => {
    const head = await fetchAssetPage(null, signal, filter);
    const onHead = new Set(head.items.map((asset) => asset.id));
    const deeper = pending.filter((asset) => !onHead.has(asset.id)).slice(0, MAX_SINGLE_REFRESHES);
    const singles = await Promise.all(deeper.map(async (asset) => ({ id: asset.id, fresh: await fetchAsset(asset.id, signal) })));
    const removed = new Set(singles.filter((single) => single.fresh === null).map((single) => single.id));
    const found = singles.flatMap((single) => (single.fresh ? [single.fresh] : []));
    setAssets((current) => mergeAssets(current, [...head.items, ...found], removed));
  });

  if (assets.length === 0 && filter === 'failed') {
    return (
      <div className="rounded-lg border border-dashed border-neutral-300 bg-white px-6 py-16 text-center">
        <p className="text-base font-medium">Nothing has failed</p>
        <p className="mt-1 text-sm text-neutral-600">Every photo was processed.</p>
      </div>
    );
  }

  if (assets.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-neutral-300 bg-white px-6 py-16 text-center">
        <p className="text-base font-medium">No photos yet</p>
        <p className="mt-1 text-sm text-neutral-600">
          {canUpload ? (
            <>
              <Link href="/upload" className="font-medium text-neutral-900 underline underline-offset-2">
                Upload photos
              </Link>{' '}
              to start your library.
            </>
          ) : (
            'An editor has not uploaded anything yet.'
          )}
        </p>
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-6">
      <ul aria-label="Assets" className="grid grid-cols-2 gap-3 sm:grid-cols-[repeat(auto-fill,minmax(11rem,1fr))] sm:gap-4">
        {assets.map((asset) => (
          <AssetTile key={asset.id} asset={asset} />
        ))}
      </ul>
      <div ref={sentinel} className="flex flex-col items-center gap-2 pb-8">
        {loadError && (
          <p role="alert" className="text-sm text-red-700">
            {loadError}
          </p>
        )}
        {nextCursor ? (
          <button
            type="button"
            onClick={() => void loadMore()}
            disabled={loading}
            className="rounded-md border border-neutral-300 bg-white px-4 py-2 text-sm font-medium shadow-sm hover:bg-neutral-100 disabled:opacity-60"
          >
            {loading ? 'Loading…' : 'Load more'}
          </button>
        ) : (
          <p className="text-sm text-neutral-500">
            All {assets.length} {assets.length === 1 ? 'photo' : 'photos'} shown.
          </p>
        )}
      </div>
    </div>
  );
}
