import Link from 'next/link';
import type { AssetView, SiblingView } from '@/lib/assets';
import { formatDate } from '@/lib/words';

const STATUS_LABEL: Record<AssetView['remotes'][number]['status'], string> = {
  in_sync: 'In the store',
  pending: 'Not in the store yet',
  conflict: 'Changed in the shop: decide in review',
  failed: 'Could not be written',
};
const STATUS_STYLE: Record<AssetView['remotes'][number]['status'], string> = {
  in_sync: 'text-emerald-800',
  pending: 'text-neutral-700',
  conflict: 'text-amber-800',
  failed: 'text-red-700',
};

/** The photo's product and the product's other photos, in order (main image first). */
export function ProductStrip({ asset, siblings }: { asset: AssetView; siblings: SiblingView[] }) {
  if (!asset.product) return null;
  const place = asset.productPosition === null ? null : asset.productPosition === 0 ? 'main image' : `photo ${asset.productPosition + 1}`;
  return (
    <section aria-labelledby="product-heading" className="rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
      <h2 id="product-heading" className="mb-1 text-sm font-semibold uppercase tracking-wide text-neutral-500">
        Product
      </h2>
      <p className="text-sm">
        <span className="font-medium">{asset.product.title}</span>
        {asset.product.sku && <> · SKU {asset.product.sku}</>}
        {place && <> · this is the {place}</>} ·{' '}
        <Link href={`/?product=${asset.product.id}`} className="underline hover:text-neutral-900">
          All its photos in the library
        </Link>
      </p>
      {siblings.length > 0 && (
        <ul aria-label="Other photos of this product" className="mt-3 flex gap-2 overflow-x-auto">
          {siblings.map((sibling) => (
            <li key={sibling.id} className="shrink-0">
              <Link href={`/assets/${sibling.id}`} className="block h-16 w-16 overflow-hidden rounded-md border border-neutral-200 bg-neutral-100" title={sibling.filename}>
                {sibling.thumbnailUrl ? (
                  // eslint-disable-next-line @next/next/no-img-element
                  <img src={sibling.thumbnailUrl} alt={sibling.altText ?? `Photo ${sibling.position === null ? '' : sibling.position + 1} of the product (${sibling.filename})`} className="h-full w-full object-cover" />
                ) : (
                  <span className="sr-only">{sibling.filename}</span>
                )}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Each connected store this photo is in, and whether the store holds Loupe's approved text. */
export function StoreLinks({ asset }: { asset: AssetView }) {
  if (!asset.remotes.length) return null;
  return (
    <section aria-labelledby="stores-heading" className="rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
      <h2 id="stores-heading" className="mb-2 text-sm font-semibold uppercase tracking-wide text-neutral-500">
        Stores
      </h2>
      <ul className="flex flex-col gap-2 text-sm">
        {asset.remotes.map((remote) => (
          <li key={`${remote.connectionId}:${remote.remoteId}`} data-store-status={remote.status}>
            <p>
              <span className="font-medium">{remote.store}</span> · image {remote.remoteId} · <span className={`font-medium ${STATUS_STYLE[remote.status]}`}>{STATUS_LABEL[remote.status]}</span>
            </p>
            {remote.lastWrittenAt && <p className="text-xs text-neutral-600">Last written {formatDate(new Date(remote.lastWrittenAt))}</p>}
            {remote.status === 'conflict' && <p className="text-xs text-neutral-700">The store’s text: “{remote.storeText}”</p>}
            {remote.error && <p className="text-xs text-red-700">{remote.error}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
