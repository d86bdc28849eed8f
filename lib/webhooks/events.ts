import { and, eq, inArray, sql } from 'drizzle-orm';
import { assets, webhookDeliveries, webhookEndpoints, webhookEvents, WEBHOOK_TEST_EVENT, type Asset, type WebhookEventType } from '@/db/schema';
import { enqueueDeliveries, type Queryable } from '@/lib/jobs';

/**
 * The outbox. An event is written by the code that makes the change, in the change's own transaction, with one
 * delivery (and its job) per enabled endpoint subscribed to it: a change that rolls back sends nothing, and a
 * change that commits is delivered even if the process dies right after. Nothing is written when nobody listens.
 */

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters, for a bulk decision on 10,000 assets. */
const CHUNK = 1_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK) out.push(items.slice(start, start + CHUNK));
  return out;
}

/** What every asset event carries: the asset as it is after the change (a snapshot: asset.deleted outlives the row). */
export type AssetSnapshot = Pick<
  Asset,
  'id' | 'filename' | 'sku' | 'title' | 'collection' | 'tags' | 'altText' | 'altStatus' | 'altSource' | 'decorative' | 'version' | 'mimeType' | 'sizeBytes' | 'sha256'
>;

const snapshotColumns = {
  id: assets.id,
  filename: assets.filename,
  sku: assets.sku,
  title: assets.title,
  collection: assets.collection,
  tags: assets.tags,
  altText: assets.altText,
  altStatus: assets.altStatus,
  altSource: assets.altSource,
  decorative: assets.decorative,
  version: assets.version,
  mimeType: assets.mimeType,
  sizeBytes: assets.sizeBytes,
  sha256: assets.sha256,
};

export function assetEventData(asset: AssetSnapshot): Record<string, unknown> {
  return {
    id: asset.id,
    filename: asset.filename,
    sku: asset.sku,
    title: asset.title,
    collection: asset.collection,
    tags: asset.tags,
    altText: asset.altText,
    altStatus: asset.altStatus,
    altSource: asset.altSource,
    decorative: asset.decorative,
    version: asset.version,
    mimeType: asset.mimeType,
    sizeBytes: asset.sizeBytes,
    sha256: asset.sha256,
  };
}

async function subscribers(tx: Queryable, type: WebhookEventType): Promise<string[]> {
  const rows = await tx
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.enabled, true), sql`${type} = any(${webhookEndpoints.events})`));
  return rows.map((row) => row.id);
}

/** Writes events of one type and their deliveries to the given endpoints; returns the delivery ids. */
async function writeEvents(tx: Queryable, type: string, data: readonly Record<string, unknown>[], endpointIds: readonly string[]): Promise<string[]> {
  const deliveryIds: string[] = [];
  for (const part of chunks(data)) {
    const events = await tx.insert(webhookEvents).values(part.map((item) => ({ type, data: item }))).returning({ id: webhookEvents.id });
    for (const pairs of chunks(events.flatMap((event) => endpointIds.map((endpointId) => ({ eventId: event.id, endpointId }))))) {
      const deliveries = await tx.insert(webhookDeliveries).values(pairs).returning({ id: webhookDeliveries.id });
      deliveryIds.push(...deliveries.map((delivery) => delivery.id));
    }
  }
  await enqueueDeliveries(tx, deliveryIds);
  return deliveryIds;
}

/** Records one event per data item for every endpoint subscribed to `type`. */
export async function recordEvents(tx: Queryable, type: WebhookEventType, data: readonly Record<string, unknown>[]): Promise<void> {
  if (!data.length) return;
  const endpointIds = await subscribers(tx, type);
  if (endpointIds.length) await writeEvents(tx, type, data, endpointIds);
}

/**
 * Records each of `types` for each asset, as the assets are now inside the transaction (call it after the
 * change's UPDATE). The assets are read only when someone subscribes.
 */
export async function recordAssetEvents(tx: Queryable, types: readonly WebhookEventType[], assetIds: readonly string[]): Promise<void> {
  if (!assetIds.length) return;
  const wanted: { type: WebhookEventType; endpointIds: string[] }[] = [];
  for (const type of types) {
    const endpointIds = await subscribers(tx, type);
    if (endpointIds.length) wanted.push({ type, endpointIds });
  }
  if (!wanted.length) return;
  const snapshots: Record<string, unknown>[] = [];
  for (const ids of chunks(assetIds)) {
    const rows = await tx.select(snapshotColumns).from(assets).where(inArray(assets.id, ids));
    snapshots.push(...rows.map(assetEventData));
  }
  for (const { type, endpointIds } of wanted) await writeEvents(tx, type, snapshots, endpointIds);
}

/** A test event for one endpoint (enabled or not: the admin asked), through the same delivery path as any other. */
export async function recordTestEvent(tx: Queryable, endpointId: string): Promise<string> {
  const data = { message: 'A test event from Loupe: if you can read this, your endpoint receives and can verify Loupe’s webhooks.', endpointId };
  const [deliveryId] = await writeEvents(tx, WEBHOOK_TEST_EVENT, [data], [endpointId]);
  return deliveryId;
}
