import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { AltTextPanel } from '@/components/alt';
import { stillProcessing } from '@/components/assets/asset-state';
import { formatDimensions } from '@/components/assets/format';
import { RefreshWhileProcessing } from '@/components/assets/refresh-while-processing';
import { RetryButton } from '@/components/assets/retry-button';
import { StateBadge } from '@/components/assets/state-badge';
import { CatalogueEditor } from '@/components/library/catalogue-editor';
import { MoreLikeThis } from '@/components/search/more-like-this';
import { getAsset, productSiblings } from '@/lib/assets';
import { requirePage, roleAllows } from '@/lib/auth';
import { config } from '@/lib/config';
import { trashEntry } from '@/lib/library';
import { getStorage } from '@/lib/storage';
import { saveAltTextAction, saveCatalogueAction } from './actions';
import { DeleteAssetButton } from './delete-asset-button';
import { MetadataList } from './metadata-list';
import { ProductStrip, StoreLinks } from './store-links';
import { TrashedNotice } from './trashed-notice';

const params = z.object({ id: z.uuid() });

/** The tab and the history name the file, so ten open photos are ten different titles. */
export async function generateMetadata(props: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const parsed = params.safeParse(await props.params);
  const asset = parsed.success ? await getAsset(await getDb(), parsed.data.id) : null;
  if (asset) return { title: asset.filename };
  const trashed = parsed.success ? await trashEntry(await getDb(), parsed.data.id) : null;
  return { title: trashed ? `${trashed.filename} (deleted)` : 'Photo not found' };
}

export default async function AssetPage(props: { params: Promise<{ id: string }> }) {
  const user = await requirePage('viewer');
  const parsed = params.safeParse(await props.params);
  if (!parsed.success) notFound();
  const isAdmin = roleAllows(user.role, 'admin');
  const asset = await getAsset(await getDb(), parsed.data.id, { withDetail: isAdmin });
  if (!asset) {
    // In the trash: say so, with who and when, and Restore; purged or never existed: the not-found page.
    const trashed = await trashEntry(await getDb(), parsed.data.id);
    if (trashed) return <TrashedNotice entry={trashed} canRestore={roleAllows(user.role, 'editor')} />;
    notFound();
  }

  const siblings = await productSiblings(await getDb(), await getStorage(), asset.id, asset.product?.id ?? null);
  const vision = asset.derivatives.vision;
  const canEdit = roleAllows(user.role, 'editor');
  const processing = stillProcessing(asset);

  return (
    <main className="flex flex-col gap-5">
      <RefreshWhileProcessing processing={processing} />
      <nav aria-label="Breadcrumb" className="text-sm text-neutral-500">
        <Link href="/" className="hover:text-neutral-900 hover:underline">
          Library
        </Link>{' '}
        / <span className="text-neutral-900">{asset.filename}</span>
      </nav>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(20rem,2fr)]">
        <figure className="flex min-h-80 items-center justify-center overflow-hidden rounded-xl border border-neutral-200 bg-[conic-gradient(#f5f5f5_25%,#fff_0_50%,#f5f5f5_0_75%,#fff_0)] bg-[length:24px_24px] p-4">
          {asset.video ? (
            <video
              src={asset.video.url}
              poster={vision?.url}
              controls
              preload="metadata"
              playsInline
              aria-label={asset.alt.text ?? asset.filename}
              data-player
              className="max-h-[75vh] w-auto max-w-full"
            />
          ) : vision ? (
            // eslint-disable-next-line @next/next/no-img-element
            <img
              src={vision.url}
              width={vision.width}
              height={vision.height}
              alt={imageAlt(asset.alt.text, asset.decorative, asset.filename)}
              decoding="async"
              className="max-h-[75vh] w-auto max-w-full object-contain"
            />
          ) : (
            <p className="text-sm text-neutral-500">{processing ? 'The preview is being made…' : 'No preview for this file.'}</p>
          )}
        </figure>

        <div className="flex flex-col gap-5">
          <section className="flex flex-col gap-3 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
            <div className="flex items-start justify-between gap-3">
              <h1 className="min-w-0 break-words text-lg font-semibold leading-snug">{asset.filename}</h1>
              <StateBadge asset={asset} />
            </div>
            {asset.error && (
              <div
                role={asset.failed ? 'alert' : 'status'}
                data-failure={asset.error.code}
                className={`rounded-md border px-3 py-2 text-sm ${asset.failed ? 'border-red-200 bg-red-50 text-red-800' : 'border-orange-200 bg-orange-50 text-orange-900'}`}
              >
                <p>{asset.error.message}</p>
                {asset.error.detail && (
                  <details className="mt-1 text-xs text-red-900" data-admin-detail>
                    <summary className="cursor-pointer">Details for admins</summary>
                    <p className="mt-1 break-words font-mono">{asset.error.detail}</p>
                  </details>
                )}
              </div>
            )}
            <div className="flex flex-wrap items-center gap-2">
              {asset.downloadUrl && (
                <a
                  href={asset.downloadUrl}
                  className="rounded-md bg-neutral-900 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-neutral-700"
                >
                  Download original{asset.width && asset.height ? ` (${formatDimensions(asset.width, asset.height)})` : ''}
                </a>
              )}
              {/* Failed: only a person's Retry runs it again; retrying: Loupe will by itself (the badge says when), or now on request. */}
              {canEdit && <RetryButton assetId={asset.id} label={asset.failed ? 'Retry' : 'Try now'} available={Boolean(asset.condition)} />}
              {canEdit && <DeleteAssetButton assetId={asset.id} filename={asset.filename} trashDays={config().trashDays} />}
            </div>
          </section>

          <CatalogueEditor
            assetId={asset.id}
            version={asset.alt.version}
            fields={{ title: asset.title, sku: asset.sku, collection: asset.collection, tags: asset.tags }}
            canEdit={canEdit}
            saveAction={saveCatalogueAction}
          />

          <AltTextPanel assetId={asset.id} alt={asset.alt} decorative={asset.decorative} canEdit={canEdit} isAdmin={isAdmin} saveAction={saveAltTextAction} />

          <ProductStrip asset={asset} siblings={siblings} />
          <StoreLinks asset={asset} />

          <section className="rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
            <h2 className="mb-3 text-sm font-semibold uppercase tracking-wide text-neutral-500">Details</h2>
            <MetadataList asset={asset} />
          </section>
        </div>
      </div>
      {/* A photo that failed processing has no vector to compare: no "still being embedded" forever. */}
      {!asset.failed && <MoreLikeThis assetId={asset.id} />}
    </main>
  );
}

/** Decorative photos are silent; a photo still without alt text says so instead of being skipped by screen readers. */
function imageAlt(text: string | null, decorative: boolean, filename: string): string {
  if (decorative) return '';
  return text ?? `Photo without alt text yet (${filename})`;
}
