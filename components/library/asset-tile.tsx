import type { AssetView } from '@/lib/assets';
import { AltSourceBadge } from '@/components/assets/alt-source-badge';
import { AssetTileFrame } from '@/components/assets/asset-tile-frame';
import { StateBadge } from '@/components/assets/state-badge';

/**
 * One library tile, led by the product title when there is one (else the filename). Each caption line has its own slot (name, state, the start of the alt text, collection
 * and tags), truncated within it, so nothing overlaps and every tile of a row lines up. A photo without alt
 * text says so instead of being silent.
 */
export function AssetTile({ asset, overlay }: { asset: AssetView; overlay?: React.ReactNode }) {
  const catalogue = [asset.collection, asset.tags.join(', ')].filter(Boolean).join(' · ');
  return (
    <AssetTileFrame
      asset={asset}
      placeholder={asset.failed ? 'No preview' : 'Preparing preview…'}
      className="[contain-intrinsic-size:auto_320px] [content-visibility:auto]"
      overlay={overlay}
    >
      <div className="flex min-w-0 flex-1 flex-col gap-1 p-2 text-xs sm:p-2.5">
        <p className="truncate text-sm font-medium" title={asset.title ?? asset.filename}>
          {asset.title ?? asset.filename}
        </p>
        {asset.title && (
          <p className="truncate text-neutral-600" title={asset.filename}>
            {asset.filename}
          </p>
        )}
        <div className="flex min-w-0 flex-wrap items-center gap-1">
          <StateBadge asset={asset} />
        </div>
        {asset.condition && asset.error && (
          <p className={`line-clamp-2 break-words ${asset.failed ? 'text-red-800' : 'text-neutral-700'}`} data-failure-reason>
            {asset.error.message}
          </p>
        )}
        {asset.alt.text ? (
          <p className="flex min-w-0 items-start gap-1.5 text-neutral-600">
            {asset.alt.source && <AltSourceBadge source={asset.alt.source} />}
            <span className="line-clamp-2 min-w-0 break-words">{asset.alt.text}</span>
          </p>
        ) : (
          <p className="text-neutral-500">{asset.decorative ? 'Decorative (no alt text)' : 'No alt text yet'}</p>
        )}
        {catalogue && (
          <p className="mt-auto truncate text-neutral-500" title={catalogue}>
            {catalogue}
          </p>
        )}
      </div>
    </AssetTileFrame>
  );
}
