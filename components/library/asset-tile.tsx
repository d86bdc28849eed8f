import type { AssetView } from '@/lib/assets';
import { AltSourceBadge } from '@/components/assets/alt-source-badge';
import { AssetTileFrame } from '@/components/assets/asset-tile-frame';
import { StateBadge } from '@/components/assets/state-badge';
import { formatDimensions } from '@/components/assets/format';

/** One library tile: every tile has the same box (square image area, fixed-height caption), so the grid never shifts. */
export function AssetTile({ asset }: { asset: AssetView }) {
  const dimensions = formatDimensions(asset.width, asset.height);
  return (
    <AssetTileFrame
      asset={asset}
      placeholder={asset.state.startsWith('failed') ? 'No preview' : 'Preparing preview…'}
      className="[contain-intrinsic-size:auto_320px] [content-visibility:auto]"
    >
      <div className="flex h-[6.5rem] flex-col gap-1 p-2.5">
        <p className="truncate text-sm font-medium" title={asset.filename}>
          {asset.filename}
        </p>
        <div className="flex items-center justify-between gap-2 text-xs text-neutral-500">
          <span>{dimensions ?? '—'}</span>
          <StateBadge state={asset.state} />
        </div>
        {asset.alt.text ? (
          <p className="flex items-start gap-1.5 text-xs text-neutral-600">
            {asset.alt.source && <AltSourceBadge source={asset.alt.source} />}
            <span className="line-clamp-2">{asset.alt.text}</span>
          </p>
        ) : null}
      </div>
    </AssetTileFrame>
  );
}
