import Link from 'next/link';
import { AltSourceBadge } from '@/components/assets/alt-source-badge';
import { HighlightedText } from './highlighted-text';
import type { SearchHitView } from './search-api';
import { SignalBadges } from './signal-badges';

/** One search result: thumbnail, filename and alt text with the query's words marked, tags, matched signals. */
export function ResultTile({ hit, terms }: { hit: SearchHitView; terms: readonly string[] }) {
  const { asset } = hit;
  const grid = asset.derivatives.grid;
  return (
    <li>
      <Link
        href={`/assets/${asset.id}`}
        data-asset-id={asset.id}
        className="group flex h-full flex-col overflow-hidden rounded-lg border border-neutral-200 bg-white shadow-sm transition hover:border-neutral-400 hover:shadow focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-neutral-900"
      >
        <div className="flex aspect-square items-center justify-center bg-neutral-100">
          {grid ? (
            // A plain img: derivatives are small signed WebP already; next/image would re-encode them.
            // eslint-disable-next-line @next/next/no-img-element
            <img src={grid.url} width={grid.width} height={grid.height} alt={asset.alt.text ?? ''} loading="lazy" decoding="async" className="h-full w-full object-contain" />
          ) : (
            <span className="px-3 text-center text-xs text-neutral-500">No preview yet</span>
          )}
        </div>
        <div className="flex flex-1 flex-col gap-1.5 p-2.5 text-xs">
          <p className="truncate text-sm font-medium" title={asset.filename}>
            <HighlightedText text={asset.filename} terms={terms} />
          </p>
          {asset.alt.text ? (
            <p className="flex items-start gap-1.5 text-neutral-700">
              {asset.alt.source && <AltSourceBadge source={asset.alt.source} />}
              <span className="line-clamp-3">
                <HighlightedText text={asset.alt.text} terms={terms} />
              </span>
            </p>
          ) : (
            <p className="text-neutral-500">No alt text yet</p>
          )}
          {asset.tags.length > 0 && (
            <p className="truncate text-neutral-500">
              <HighlightedText text={asset.tags.join(', ')} terms={terms} />
            </p>
          )}
          <div className="mt-auto flex items-center justify-between gap-2 pt-1">
            <SignalBadges matched={hit.matched} />
            {asset.sku && <span className="text-neutral-500">{asset.sku}</span>}
          </div>
        </div>
      </Link>
    </li>
  );
}
