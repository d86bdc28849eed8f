import { and, asc, eq, inArray, isNull, ne } from 'drizzle-orm';
import { notTrashedSql } from '@/lib/filters';
import type { Db } from '@/db/handle';
import { assetRemotes, assets, connections, products, type RemoteStatus } from '@/db/schema';
import { config } from '@/lib/config';
import type { Storage } from '@/lib/storage';

/** What an asset is linked to outside the library: its product (a store's), and each store image it is. */

export interface ProductView {
  id: string;
  title: string;
  sku: string | null;
  handle: string | null;
}

export interface RemoteView {
  connectionId: string;
  /** The connection's name, for people. */
  store: string;
  remoteId: string;
  url: string;
  status: RemoteStatus;
  lastWrittenAt: string | null;
  error: string | null;
  /** The store's text as Loupe last read it (the other side of a conflict). */
  storeText: string | null;
}

export interface AssetLinks {
  product: ProductView | null;
  remotes: RemoteView[];
}

export const NO_LINKS: AssetLinks = { product: null, remotes: [] };

/** Links of many assets at once (two queries), by asset id; assets with none are absent. */
export async function assetLinks(db: Pick<Db, 'select'>, assetIds: readonly string[]): Promise<Map<string, AssetLinks>> {
  const links = new Map<string, AssetLinks>();
  if (!assetIds.length) return links;
  const ids = [...assetIds];
  const [withProducts, remotes] = await Promise.all([
    db
      .select({ assetId: assets.id, id: products.id, title: products.title, sku: products.sku, handle: products.handle })
      .from(assets)
      .innerJoin(products, eq(products.id, assets.productId))
      .where(inArray(assets.id, ids)),
    db
      .select({ remote: assetRemotes, store: connections.name })
      .from(assetRemotes)
      .innerJoin(connections, eq(connections.id, assetRemotes.connectionId))
      .where(inArray(assetRemotes.assetId, ids))
      .orderBy(asc(connections.name), asc(assetRemotes.remoteId)),
  ]);
  const entry = (assetId: string) => {
    let found = links.get(assetId);
    if (!found) links.set(assetId, (found = { product: null, remotes: [] }));
    return found;
  };
  for (const { assetId, ...product } of withProducts) entry(assetId).product = product;
  for (const { remote, store } of remotes) {
    entry(remote.assetId).remotes.push({
      connectionId: remote.connectionId,
      store,
      remoteId: remote.remoteId,
      url: remote.url,
      status: remote.status,
      lastWrittenAt: remote.lastWrittenAt?.toISOString() ?? null,
      error: remote.error,
      storeText: remote.remoteAlt,
    });
  }
  return links;
}

export interface SiblingView {
  id: string;
  filename: string;
  position: number | null;
  altText: string | null;
  /** The small derivative (signed, expiring); null before it exists. */
  thumbnailUrl: string | null;
}

/** The other photos of the asset's product, in the product's order (main image first). */
export async function productSiblings(db: Pick<Db, 'select'>, storage: Storage, assetId: string, productId: string | null): Promise<SiblingView[]> {
  if (!productId) return [];
  const rows = await db
    .select({ id: assets.id, filename: assets.filename, position: assets.productPosition, altText: assets.altText, derivatives: assets.derivatives })
    .from(assets)
    .where(and(eq(assets.productId, productId), ne(assets.id, assetId), notTrashedSql('assets')))
    .orderBy(asc(assets.productPosition), asc(assets.createdAt))
    .limit(50);
  const ttl = config().downloadUrlTtlSeconds;
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      filename: row.filename,
      position: row.position,
      altText: row.altText,
      thumbnailUrl: row.derivatives?.grid ? await storage.signedGetUrl(row.derivatives.grid.key, { expiresInSeconds: ttl, contentType: 'image/webp' }) : null,
    })),
  );
}
