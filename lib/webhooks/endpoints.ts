import { and, count, desc, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/handle';
import { jobs, webhookDeliveries, webhookEndpoints, events, WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@/db/schema';
import { fail, type Result } from '@/lib/auth';
import { config } from '@/lib/config';
import { requeueDelivery } from '@/lib/jobs';
import { integerFromString, text } from '@/lib/text-input';
import { recordTestEvent } from './events';
import { checkReceiverUrl, MAX_URL_LENGTH } from './send';
import { newSigningSecret } from './signing';

/** What an admin does with endpoints and their delivery log (the API and /admin/webhooks share these). */

/** Every event fans out to every subscribed endpoint: a bound keeps one change from becoming thousands of requests. */
export const MAX_ENDPOINTS = 20;
export const MAX_DESCRIPTION_LENGTH = 200;

const eventsSchema = z.preprocess(
  // A form sends the ticked boxes joined by commas; the API an array.
  (value) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value),
  z
    .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `Subscribe to events among ${WEBHOOK_EVENT_TYPES.join(', ')}.` }))
    .min(1, 'Choose at least one event to send.')
    .max(WEBHOOK_EVENT_TYPES.length * 2, 'List each event once.')
    .transform((events) => [...new Set(events)]),
);

export const endpointInput = z.object({
  url: text().trim().min(1, 'Enter the URL to send events to.').max(MAX_URL_LENGTH, `Use a URL of at most ${MAX_URL_LENGTH} characters.`),
  events: eventsSchema,
  description: text().trim().max(MAX_DESCRIPTION_LENGTH, `Use at most ${MAX_DESCRIPTION_LENGTH} characters for the description.`).default(''),
});
export type EndpointInput = z.output<typeof endpointInput>;

export const endpointUpdate = z.object({ enabled: z.boolean() }).strict();

export interface EndpointView {
  id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  /** Deliveries by state, over the whole log. */
  deliveries: { delivered: number; pending: number; failed: number };
}

export type DeliveryStatus = 'pending' | 'retrying' | 'sending' | 'delivered' | 'failed';

export interface DeliveryView {
  id: string;
  eventId: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  nextRetryAt: string | null;
  lastError: string | null;
  httpStatus: number | null;
  durationMs: number | null;
  /** The first few KB of the last answer. */
  response: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

/** The delivery's state, read from its job: the job is the one truth for attempts and retries. */
const statusSql = sql<DeliveryStatus>`case
  when ${jobs.status} = 'done' then 'delivered'
  when ${jobs.status} = 'failed' then 'failed'
  when ${jobs.status} = 'running' then 'sending'
  when ${jobs.attempts} > 0 then 'retrying'
  else 'pending' end`;

export async function listEndpoints(db: Db): Promise<EndpointView[]> {
  const endpoints = await db.select().from(webhookEndpoints).orderBy(webhookEndpoints.createdAt);
  const tallies = await db
    .select({ endpointId: webhookDeliveries.endpointId, status: statusSql, n: count() })
    .from(webhookDeliveries)
    .innerJoin(jobs, eq(jobs.deliveryId, webhookDeliveries.id))
    .groupBy(webhookDeliveries.endpointId, statusSql);
  return endpoints.map((endpoint) => {
    const mine = tallies.filter((tally) => tally.endpointId === endpoint.id);
    const sum = (...statuses: DeliveryStatus[]) => mine.filter((tally) => statuses.includes(tally.status)).reduce((total, tally) => total + Number(tally.n), 0);
    return {
      id: endpoint.id,
      url: endpoint.url,
      description: endpoint.description,
      events: endpoint.events,
      enabled: endpoint.enabled,
      disabledReason: endpoint.disabledReason,
      createdAt: endpoint.createdAt.toISOString(),
      deliveries: { delivered: sum('delivered'), pending: sum('pending', 'retrying', 'sending'), failed: sum('failed') },
    };
  });
}

/** Adds an endpoint; the answer carries its signing secret, which is never shown again. */
export async function createEndpoint(db: Db, createdBy: string | null, input: EndpointInput): Promise<Result<{ endpoint: EndpointView; secret: string }>> {
  const checked = await checkReceiverUrl(input.url, config().webhooks.allowPrivate);
  if (!checked.ok) return fail(checked.code === 'unresolvable' ? 'unresolvable_host' : checked.code, checked.message);
  const [{ n }] = await db.select({ n: count() }).from(webhookEndpoints);
  if (Number(n) >= MAX_ENDPOINTS) return fail('too_many_endpoints', `Loupe sends to at most ${MAX_ENDPOINTS} endpoints; delete one you no longer use first.`);
  const secret = newSigningSecret();
  const [created] = await db
    .insert(webhookEndpoints)
    .values({ url: checked.url, events: input.events, description: input.description, secret, createdBy })
    .returning({ id: webhookEndpoints.id });
  const endpoint = (await listEndpoints(db)).find((view) => view.id === created.id);
  if (!endpoint) throw new Error('the endpoint just created is missing');
  return { ok: true, endpoint, secret };
}

const noSuchEndpoint = () => fail('not_found', 'No such webhook endpoint: it may have been deleted.');

/** Turns sending on or off; turning it on clears why it stopped (deliveries already given up stay failed: redeliver them). */
export async function setEndpointEnabled(db: Db, id: string, enabled: boolean): Promise<Result<{ endpoint: EndpointView }>> {
  const updated = await db
    .update(webhookEndpoints)
    .set({ enabled, disabledReason: enabled ? null : 'disabled by an admin', updatedAt: sql`now()` })
    .where(eq(webhookEndpoints.id, id))
    .returning({ id: webhookEndpoints.id });
  const endpoint = updated.length ? (await listEndpoints(db)).find((view) => view.id === id) : undefined;
  return endpoint ? { ok: true, endpoint } : noSuchEndpoint();
}

/** Deletes the endpoint with its delivery log and any delivery still queued for it. */
export async function deleteEndpoint(db: Db, id: string): Promise<Result<object>> {
  const deleted = await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning({ id: webhookEndpoints.id });
  if (!deleted.length) return noSuchEndpoint();
  return { ok: true };
}

export const MAX_DELIVERIES_PAGE = 100;

export const deliveriesQuery = z.object({
  limit: integerFromString(1, MAX_DELIVERIES_PAGE).default(50),
  /** The createdAt of the last delivery seen: the next page starts after it. */
  before: z.iso.datetime({ offset: true }).optional(),
});

/** An endpoint's delivery log, newest first. */
export async function listDeliveries(db: Db, endpointId: string, page: z.output<typeof deliveriesQuery> = { limit: 50 }): Promise<Result<{ deliveries: DeliveryView[] }>> {
  const [endpoint] = await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  if (!endpoint) return noSuchEndpoint();
  const rows = await db
    .select({ delivery: webhookDeliveries, type: events.type, status: statusSql, job: jobs })
    .from(webhookDeliveries)
    .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
    .innerJoin(jobs, eq(jobs.deliveryId, webhookDeliveries.id))
    .where(and(eq(webhookDeliveries.endpointId, endpointId), page.before ? lt(webhookDeliveries.createdAt, new Date(page.before)) : undefined))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(page.limit);
  return {
    ok: true,
    deliveries: rows.map(({ delivery, type, status, job }) => ({
      id: delivery.id,
      eventId: delivery.eventId,
      event: type,
      status,
      attempts: delivery.attempts,
      nextRetryAt: status === 'retrying' || status === 'pending' ? (job.nextAttemptAt?.toISOString() ?? null) : null,
      lastError: job.lastError,
      httpStatus: delivery.responseStatus,
      durationMs: delivery.durationMs,
      response: delivery.responseBody,
      createdAt: delivery.createdAt.toISOString(),
      lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
      deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    })),
  };
}

/** Sends a delivery again from its first attempt, with the same webhook-id (receivers that already have it can ignore it). */
export async function redeliver(db: Db, endpointId: string, deliveryId: string): Promise<Result<object>> {
  const [delivery] = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId)));
  if (!delivery) return fail('not_found', 'No such delivery for this endpoint: it may have been deleted with its endpoint.');
  if (!(await requeueDelivery(db, deliveryId))) return fail('conflict', 'This delivery is being sent right now; wait for the attempt to finish, then try again.');
  return { ok: true };
}

/** Queues a `webhook.test` event for one endpoint; it shows in the log like any other delivery. */
export async function sendTestEvent(db: Db, endpointId: string): Promise<Result<{ deliveryId: string }>> {
  return db.transaction(async (tx) => {
    const [endpoint] = await tx.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
    if (!endpoint) return noSuchEndpoint();
    return { ok: true, deliveryId: await recordTestEvent(tx, endpointId) };
  });
}
