import { and, eq, sql } from 'drizzle-orm';
import { assetRemotes, assets, products, type Connection } from '@/db/schema';
import { isPersonText, writeShopAlt } from '@/lib/alt';
import type { RemoteImage } from '@/lib/connectors';
import type { Queryable } from '@/lib/jobs';

export type LinkOutcome = 'linked' | 'updated' | 'conflict';

/**
 * Records one store image against its library asset, in the sync page's transaction: its product and place,
 * the remote row, and the store's alt text. The store's text arrives as a person's text (source shop) where
 * Loupe holds no person's text, or where Loupe's text is still the one the store had (the shop moved on, Loupe
 * did not); empty stays missing. When both sides changed since they last agreed, neither is overwritten: the
 * remote is a conflict, for a person to decide in the review queue.
 */
export async function linkImage(tx: Queryable, connection: Connection, image: RemoteImage, assetId: string): Promise<LinkOutcome> {
  const productId = image.product ? await upsertProduct(tx, connection.id, image.product) : null;
  if (productId) await tx.update(assets).set({ productId, productPosition: image.position, updatedAt: sql`now()` }).where(eq(assets.id, assetId));

  const [existing] = await tx.select().from(assetRemotes).where(and(eq(assetRemotes.connectionId, connection.id), eq(assetRemotes.remoteId, image.remoteId)));
  const [asset] = await tx.select({ altText: assets.altText, altSource: assets.altSource, altStatus: assets.altStatus, decorative: assets.decorative, version: assets.version }).from(assets).where(eq(assets.id, assetId));
  const storeText = image.altText;
  const baseline = existing ? (existing.lastSeenAlt ?? '') : null;
  // No text and an empty alt say the same: nothing for a screen reader.
  const loupeText = asset.decorative || asset.altStatus === 'decorative' ? '' : (asset.altText ?? '');
  const personText = isPersonText(asset.altSource) || asset.decorative || asset.altStatus === 'decorative' || asset.altStatus === 'approved';

  let outcome: LinkOutcome = 'linked';
  let agreed: { lastSeenAlt: string; status: 'in_sync' | 'pending'; writtenVersion: number | null } | null = null;
  const sameAsBefore = existing !== undefined && storeText === baseline;
  if (sameAsBefore) agreed = null;
  else if (storeText === loupeText) agreed = { lastSeenAlt: storeText, status: 'in_sync', writtenVersion: asset.version };
  else if (storeText === '') agreed = { lastSeenAlt: '', status: 'pending', writtenVersion: null };
  else if (!personText || (existing !== undefined && loupeText === baseline)) {
    const written = await writeShopAlt(tx, { assetId, text: storeText, expectedVersion: asset.version, author: connection.name, message: `from the store "${connection.name}"` });
    if (written) {
      outcome = 'updated';
      agreed = { lastSeenAlt: storeText, status: 'in_sync', writtenVersion: written.version };
    }
  } else outcome = 'conflict';

  const row = {
    assetId,
    url: image.url,
    remoteAlt: storeText,
    updatedAt: new Date(),
    ...(agreed ? { lastSeenAlt: agreed.lastSeenAlt, status: agreed.status, writtenVersion: agreed.writtenVersion, error: null } : {}),
    ...(outcome === 'conflict' ? { status: 'conflict' as const, error: null } : {}),
  };
  await tx
    .insert(assetRemotes)
    .values({ connectionId: connection.id, remoteId: image.remoteId, ...row, lastSeenAlt: row.lastSeenAlt ?? (outcome === 'conflict' ? null : storeText) })
    .onConflictDoUpdate({ target: [assetRemotes.connectionId, assetRemotes.remoteId], set: row });
  return outcome;
}

async function upsertProduct(tx: Queryable, connectionId: string, product: NonNullable<RemoteImage['product']>): Promise<string> {
  const values = { title: product.title, sku: product.sku, handle: product.handle, collection: product.collection };
  const [row] = await tx
    .insert(products)
    .values({ connectionId, remoteId: product.remoteId, ...values })
    .onConflictDoUpdate({ target: [products.connectionId, products.remoteId], set: { ...values, updatedAt: sql`now()` } })
    .returning({ id: products.id });
  return row.id;
}
