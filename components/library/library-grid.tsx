'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AssetView } from '@/lib/assets';
import type { AssetFilter } from '@/lib/filters';
import { stillProcessing } from '@/components/assets/asset-state';
import { AssetTile } from './asset-tile';
import { fetchAsset, fetchAssetPage, type AssetListPage, type BulkTarget } from './assets-api';
import { BulkBar, BulkResults, type BulkOutcome } from './bulk-bar';
import { DownloadBar, type PresetChoice } from './download-bar';
import { appendPage, mergeAssets } from './merge-assets';
import { usePollWhile } from '@/components/assets/use-poll-while';
import { plural } from '@/lib/words';

/** In-progress assets below the first page are looked up one by one; this caps how many per refresh. */
const MAX_SINGLE_REFRESHES = 12;

/**
 * The library: newest first, the next page loads when the end of the grid scrolls into view (or on "Load
 * more"), and assets still being processed refresh themselves. Everyone selects tiles (a checkbox each; Shift
 * selects the range from the last one clicked) or everything matching the filter, to download them as a ZIP;
 * editors also share them and act on them in bulk.
 */
export function LibraryGrid({
  initial,
  canUpload,
  filter = {},
  matching,
  presets = [],
}: {
  initial: AssetListPage;
  canUpload: boolean;
  filter?: AssetFilter;
  /** How many photos the filter matches; estimated past a size (lib/filters planCounts), said with "about". */
  matching: { total: number; totalEstimated: boolean };
  presets?: readonly PresetChoice[];
}) {
  const [assets, setAssets] = useState<AssetView[]>(initial.items);
  const [nextCursor, setNextCursor] = useState<string | null>(initial.nextCursor);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [matched, setMatched] = useState(matching);
  const total = `${matched.totalEstimated ? 'about ' : ''}${matched.total}`;
  const [outcome, setOutcome] = useState<BulkOutcome | null>(null);
  const anchor = useRef<number | null>(null);
  // Names for the results list: what was on screen when the action ran (deleted ones leave the grid).
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const router = useRouter();

  const toggle = (index: number, range: boolean) => {
    const id = assets[index].id;
    const select = !selected.has(id);
    const next = new Set(selected);
    const from = range && anchor.current !== null ? Math.min(anchor.current, index) : index;
    const to = range && anchor.current !== null ? Math.max(anchor.current, index) : index;
    for (let i = from; i <= to; i++) {
      if (select) next.add(assets[i].id);
      else next.delete(assets[i].id);
    }
    anchor.current = index;
    setAllMatching(false);
    setSelected(next);
  };
  const clearSelection = () => {
    setSelected(new Set());
    setAllMatching(false);
    anchor.current = null;
  };
  const target: BulkTarget = useMemo(() => (allMatching ? { filter } : { ids: [...selected] }), [allMatching, filter, selected]);

  /**
   * After a bulk action: the first page again (what was changed or deleted shows as it now is) and the new count,
   * and the page's own counts ("All photos (N)", "Failed (N)") from the server again.
   */
  const afterBulk = async (done: BulkOutcome) => {
    setNames(new Map(assets.map((asset) => [asset.id, asset.filename])));
    setOutcome(done);
    clearSelection();
    router.refresh();
    try {
      const page = await fetchAssetPage(null, undefined, filter, true);
      setAssets(page.items);
      setNextCursor(page.nextCursor);
      if (page.total !== undefined) setMatched({ total: page.total, totalEstimated: page.totalEstimated ?? false });
    } catch (error) {
      setLoadError(error instanceof Error ? error.message : 'Could not reload the library.');
    }
  };

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

  const results = outcome && <BulkResults outcome={outcome} names={names} onDismiss={() => setOutcome(null)} />;
  const filtered = Object.values(filter).some(Boolean);
  if (assets.length === 0 && filter.state && Object.values(filter).filter(Boolean).length === 1) {
    const empty = filter.state === 'failed' ? ['Nothing has failed', 'No photo needs a person to retry it.'] : ['Nothing to retry', 'No photo waits for Loupe to try a step again.'];
    return (
      <div className="flex flex-col gap-4">
        {results}
        <div className="rounded-lg border border-dashed border-neutral-300 bg-white px-6 py-16 text-center">
          <p className="text-base font-medium">{empty[0]}</p>
          <p className="mt-1 text-sm text-neutral-600">{empty[1]}</p>
        </div>
      </div>
    );
  }
  if (assets.length === 0 && filtered) {
    return (
      <div className="flex flex-col gap-4">
        {results}
        <p className="rounded-lg border border-dashed border-neutral-300 bg-white px-6 py-12 text-center text-sm text-neutral-600">No photos match this search or filter.</p>
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
      {results}
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <button
          type="button"
          onClick={() => {
            setSelected(new Set(assets.map((asset) => asset.id)));
            setAllMatching(false);
          }}
          className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 font-medium hover:bg-neutral-100"
        >
          Select the {assets.length} shown
        </button>
        <button
          type="button"
          aria-pressed={allMatching}
          onClick={() => {
            setSelected(new Set(assets.map((asset) => asset.id)));
            setAllMatching(true);
          }}
          className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 font-medium hover:bg-neutral-100 aria-pressed:bg-neutral-900 aria-pressed:text-white"
        >
          Select all {total} {filtered ? 'matching' : 'in the library'}
        </button>
        {/* Only where there is a mouse: a touch screen has no Shift key. */}
        <span data-shift-hint className="hidden text-neutral-600 pointer-fine:inline">Shift-click a checkbox to select a range.</span>
      </div>
      <ul aria-label="Assets" className="grid grid-cols-2 gap-3 sm:grid-cols-[repeat(auto-fill,minmax(11rem,1fr))] sm:gap-4">
        {assets.map((asset, index) => (
          <AssetTile
            key={asset.id}
            asset={asset}
            overlay={
              <label className="absolute left-1.5 top-1.5 flex h-8 w-8 cursor-pointer items-center justify-center rounded-md bg-white/90 shadow-sm">
                <input
                  type="checkbox"
                  aria-label={`Select ${asset.filename}`}
                  checked={allMatching || selected.has(asset.id)}
                  readOnly
                  onClick={(event) => toggle(index, event.shiftKey)}
                  className="h-4 w-4 cursor-pointer accent-neutral-900"
                />
              </label>
            }
          />
        ))}
      </ul>
      {(allMatching || selected.size > 0) && (
        <div className="sticky bottom-2 z-10 flex flex-col gap-2">
          <DownloadBar target={target} presets={presets} canShare={canUpload} />
          {canUpload ? (
            <BulkBar
              label={allMatching ? `All ${total} ${filtered ? 'matching' : 'photos'} selected` : `${selected.size} selected`}
              target={target}
              onDone={(done) => void afterBulk(done)}
              onClear={clearSelection}
            />
          ) : (
            <button type="button" onClick={clearSelection} className="self-start rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm hover:bg-neutral-100">
              Clear selection ({allMatching ? `all ${total}` : selected.size} selected)
            </button>
          )}
        </div>
      )}
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
            {assets.length === 1 ? 'The only photo is shown.' : `All ${plural(assets.length, 'photo')} shown.`}
          </p>
        )}
      </div>
    </div>
  );
}
