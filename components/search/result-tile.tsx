import { AltSourceBadge } from '@/components/assets/alt-source-badge';
import { AssetTileFrame } from '@/components/assets/asset-tile-frame';
import { HighlightedText } from './highlighted-text';
import type { SearchHitView } from './search-api';
import { SignalBadges } from './signal-badges';

/** One search result: thumbnail, product title (else filename) and alt text with the query's words marked, tags, matched signals. */
export function ResultTile({ hit, terms }: { hit: SearchHitView; terms: readonly string[] }) {
  const { asset } = hit;
  return (
    <AssetTileFrame asset={asset} placeholder="No preview yet">
      <div className="flex flex-1 flex-col gap-1.5 p-2.5 text-xs">
        <p className="truncate text-sm font-medium" title={asset.title ?? asset.filename}>
          <HighlightedText text={asset.title ?? asset.filename} terms={terms} />
        </p>
        {asset.title && (
          <p className="truncate text-neutral-600" title={asset.filename}>
            <HighlightedText text={asset.filename} terms={terms} />
          </p>
        )}
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
    </AssetTileFrame>
  );
}
