import Link from 'next/link';
import type { AssetView } from '@/lib/assets';
import { AltSourceBadge } from '@/components/assets/alt-source-badge';
import { StateBadge } from '@/components/assets/state-badge';
import { formatDimensions } from '@/components/assets/format';

/**
 * One library tile. Every tile has the same box (square image area, fixed-height caption), and the image
 * carries its real width and height, so nothing moves when thumbnails arrive.
 */
export function AssetTile({ asset }: { asset: AssetView }) {
  const grid = asset.derivatives.grid;
  const dimensions = formatDimensions(asset.width, asset.height);
  return (
    <li className="[contain-intrinsic-size:auto_320px] [content-visibility:auto]">
      <Link
        href={`/assets/${asset.id}`}
        data-asset-id={asset.id}
        className="group flex h-full flex-col overflow-hidden rounded-lg border border-neutral-200 bg-white shadow-sm transition hover:border-neutral-400 hover:shadow focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-neutral-900"
      >
        <div className="flex aspect-square items-center justify-center bg-neutral-100">
          {grid ? (
            // A plain img: derivative URLs are already small, signed WebP; next/image would re-encode them.
            // eslint-disable-next-line @next/next/no-img-element
            <img
              src={grid.url}
              width={grid.width}
              height={grid.height}
              alt={asset.alt.text ?? ''}
              loading="lazy"
              decoding="async"
              data-thumbnail
              className="h-full w-full object-contain"
            />
          ) : (
            <span className="px-3 text-center text-xs text-neutral-500">{asset.state.startsWith('failed') ? 'No preview' : 'Preparing preview…'}</span>
          )}
        </div>
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
      </Link>
    </li>
  );
}
