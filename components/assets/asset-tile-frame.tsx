import Link from 'next/link';
import type { AssetView } from '@/lib/assets';
import { formatDuration } from './format';

/**
 * The frame every asset tile shares (library grid, search results): a link to the asset page with a square
 * thumbnail area above the tile's own caption. The image carries its real width and height and loads lazily,
 * so nothing moves when thumbnails arrive.
 */
export function AssetTileFrame({
  asset,
  placeholder,
  className = '',
  overlay,
  children,
}: {
  asset: AssetView;
  /** Shown in place of the thumbnail while there is none. */
  placeholder: string;
  className?: string;
  /** Placed over the tile's corner, outside the link (the library's selection checkbox). */
  overlay?: React.ReactNode;
  children: React.ReactNode;
}) {
  const grid = asset.derivatives.grid;
  return (
    <li className={`relative ${className}`}>
      <Link
        href={`/assets/${asset.id}`}
        data-asset-id={asset.id}
        className="group flex h-full flex-col overflow-hidden rounded-lg border border-neutral-200 bg-white shadow-sm transition hover:border-neutral-400 hover:shadow focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-neutral-900"
      >
        <div className="relative flex aspect-square items-center justify-center bg-neutral-100">
          {grid ? (
            // A plain img: derivative URLs are already small, signed WebP; next/image would re-encode them.
            // eslint-disable-next-line @next/next/no-img-element
            <img
              src={grid.url}
              width={grid.width}
              height={grid.height}
              // The caption below carries the alt text (or says there is none): the link reads it once, not twice.
              alt=""
              loading="lazy"
              decoding="async"
              data-thumbnail
              className="h-full w-full object-contain"
            />
          ) : (
            <span className="px-3 text-center text-xs text-neutral-500">{placeholder}</span>
          )}
          {asset.video && (
            <span data-duration className="absolute bottom-1.5 right-1.5 rounded bg-neutral-900/80 px-1.5 py-0.5 text-xs font-medium tabular-nums text-white">
              <span className="sr-only">Video, </span>
              {formatDuration(asset.video.durationSeconds)}
            </span>
          )}
        </div>
        {children}
      </Link>
      {overlay}
    </li>
  );
}
