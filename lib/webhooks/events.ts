import { and, eq, sql } from 'drizzle-orm';
import { events, webhookDeliveries, webhookEndpoints, WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT, type WebhookEventType } from '@/db/schema';
import type { EventSubscriber, RecordedEvent } from '@/lib/events';
import { enqueueDeliveries, type Queryable } from '@/lib/jobs';

/**
 * Webhooks as a subscriber of the outbox (lib/events): each event an enabled endpoint subscribes to becomes one
 * delivery (and its job) per endpoint, in the transaction that records the event. An endpoint added later
 * does not receive what happened before it.
 */

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters, for a bulk decision on 10,000 assets. */
const CHUNK = 1_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK) out.push(items.slice(start, start + CHUNK));
  return out;
}

async function endpointsFor(tx: Queryable, type: WebhookEventType): Promise<string[]> {
  const rows = await tx
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.enabled, true), sql`${type} = any(${webhookEndpoints.events})`));
  return rows.map((row) => row.id);
}

/** Writes a delivery (and queues its job) for each event to each endpoint; returns the delivery ids. */
async function writeDeliveries(tx: Queryable, eventIds: readonly string[], endpointIds: readonly string[]): Promise<string[]> {
  const deliveryIds: string[] = [];
  for (const pairs of chunks(eventIds.flatMap((eventId) => endpointIds.map((endpointId) => ({ eventId, endpointId }))))) {
    const deliveries = await tx.insert(webhookDeliveries).values(pairs).returning({ id: webhookDeliveries.id });
    deliveryIds.push(...deliveries.map((delivery) => delivery.id));
  }
  await enqueueDeliveries(tx, deliveryIds);
  return deliveryIds;
}

export const webhookSubscriber: EventSubscriber = {
  name: 'webhooks',
  types: WEBHOOK_EVENT_TYPES,
  async onEvents(tx: Queryable, recorded: readonly RecordedEvent[]) {
    for (const type of new Set(recorded.map((event) => event.type))) {
      const endpointIds = await endpointsFor(tx, type);
      if (endpointIds.length) await writeDeliveries(tx, recorded.filter((event) => event.type === type).map((event) => event.id), endpointIds);
    }
  },
};

/**
 * A test event for one endpoint (enabled or not: the admin asked), through the same delivery path as any
 * other; it is about no asset, so no other subscriber sees it.
 */
export async function recordTestEvent(tx: Queryable, endpointId: string): Promise<string> {
  const data = { message: 'A test event from Loupe: if you can read this, your endpoint receives and can verify Loupe’s webhooks.', endpointId };
  const [event] = await tx.insert(events).values({ type: WEBHOOK_TEST_EVENT, data }).returning({ id: events.id });
  const [deliveryId] = await writeDeliveries(tx, [event.id], [endpointId]);
  return deliveryId;
}
