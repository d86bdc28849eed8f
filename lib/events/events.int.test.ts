import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { POST as reviewRoute } from '@/app/api/alt/review/route';
import { PATCH as patchRoute } from '@/app/api/assets/[id]/route';
import { POST as createEndpointRoute } from '@/app/api/webhooks/route';
import { assets, events, jobs, webhookDeliveries, webhookEndpoints, type EventType } from '@/db/schema';
import { conditionOf } from '@/lib/assets';
import { resetConfig } from '@/lib/config';
import { configuredModel } from '@/lib/embed';
import { jobsOf, JOB_PRIORITY, runDueJobs } from '@/lib/jobs';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { reviewAsset } from '@/test/review';
import { startWebhookReceiver, type WebhookReceiver } from '@/test/webhook-receiver';
import { pruneEvents, recordEvents, subscribers } from './index';

/**
 * The outbox through the real routes and the real jobs runner: an event is written with the change it
 * describes (and not without it), and each subscriber turns events into jobs in that same transaction.
 */

const database = useTestDatabase();
const db = () => database().db;

let admin: TestAccount;
let editor: TestAccount;
let receiver: WebhookReceiver;

beforeAll(async () => {
  process.env.WEBHOOKS_ALLOW_PRIVATE = 'true';
  resetConfig();
  admin = await makeAccount(db(), 'admin');
  editor = await makeAccount(db(), 'editor');
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
  delete process.env.WEBHOOKS_ALLOW_PRIVATE;
  resetConfig();
});

beforeEach(async () => {
  await db().delete(webhookEndpoints);
  await db().delete(events);
  receiver.received.length = 0;
});

const patch = (id: string, body: unknown) => call(patchRoute, { method: 'PATCH', cookie: editor.cookie, params: { id }, body });
const eventsOf = async (assetId: string) =>
  (await db().select().from(events).where(eq(events.assetId, assetId)).orderBy(events.createdAt, events.type)).map((event) => event.type);
const embedJobsOf = async (assetId: string) => (await jobsOf(db(), assetId)).filter((job) => job.kind === 'embed');

async function addEndpoint(types: EventType[]): Promise<string> {
  const response = await call(createEndpointRoute, { method: 'POST', cookie: admin.cookie, body: { url: receiver.url, events: types } });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { endpoint: { id: string }; secret: string };
  receiver.setSecret(body.secret);
  return body.endpoint.id;
}

describe('the outbox', () => {
  it('writes the event with the change, whoever listens, with the asset as it is after the change', async () => {
    const asset = await reviewAsset(db(), { tags: ['coat'] });
    const response = await patch(asset.id, { altText: 'Navy wool jumper folded on a table.', tags: ['jumper'], version: asset.version });
    expect(response.status).toBe(200);
    expect((await eventsOf(asset.id)).sort()).toEqual(['alt_text.approved', 'alt_text.changed', 'asset.updated']);
    const [changed] = await db().select().from(events).where(eq(events.type, 'alt_text.changed'));
    expect(changed.data).toMatchObject({ id: asset.id, altText: 'Navy wool jumper folded on a table.', tags: ['jumper'], altSource: 'human', version: asset.version + 1 });
  });

  it('writes nothing, and queues nothing, when the change rolls back', async () => {
    const asset = await reviewAsset(db());
    const jobsBefore = await jobsOf(db(), asset.id);
    await expect(
      db().transaction(async (tx) => {
        await tx.update(assets).set({ altText: 'Written, then rolled back.' }).where(eq(assets.id, asset.id));
        const recorded = await recordEvents(tx, 'alt_text.changed', [asset.id], { priority: JOB_PRIORITY.interactive });
        expect(recorded).toHaveLength(1);
        // Inside the transaction the subscriber has queued the re-embedding…
        expect((await tx.select().from(jobs).where(eq(jobs.assetId, asset.id))).some((job) => job.kind === 'embed')).toBe(true);
        throw new Error('the change fails after recording its event');
      }),
    ).rejects.toThrow('the change fails');
    // …and none of it survives the rollback.
    expect(await eventsOf(asset.id)).toEqual([]);
    expect(await jobsOf(db(), asset.id)).toEqual(jobsBefore);
  });

  it('a stale edit (409) records no event', async () => {
    const asset = await reviewAsset(db());
    expect((await patch(asset.id, { altText: 'First edit lands.', version: asset.version })).status).toBe(200);
    expect((await patch(asset.id, { altText: 'Second edit is stale.', version: asset.version })).status).toBe(409);
    expect(await eventsOf(asset.id)).toEqual(['alt_text.approved', 'alt_text.changed']);
  });

  it('declares re-embedding, webhooks and writebacks as subscribers, in one list', () => {
    expect(subscribers().map((subscriber) => subscriber.name)).toEqual(['re-embed', 'webhooks', 'writeback', 'translations']);
  });
});

describe('the re-embed subscriber', () => {
  it('queues one embed job per model when the embedded input changes, at the change\'s priority', async () => {
    const asset = await reviewAsset(db(), { tags: ['coat'] });
    // Alt text and tags in one edit: one change, one embed job (per model), not one per event.
    expect((await patch(asset.id, { altText: 'Navy wool jumper, folded.', tags: ['jumper'], version: asset.version })).status).toBe(200);
    const queued = await embedJobsOf(asset.id);
    expect(queued.map((job) => [job.key, job.status, job.priority])).toEqual([[configuredModel().id, 'pending', JOB_PRIORITY.interactive]]);
  });

  it('a decision on many photos queues one embed job per photo, through the same subscriber', async () => {
    const photos = await Promise.all([1, 2, 3].map(() => reviewAsset(db())));
    const response = await call(reviewRoute, { method: 'POST', path: '/api/alt/review', cookie: editor.cookie, body: { action: 'decorative', items: photos.map((photo) => ({ id: photo.id, version: photo.version })) } });
    expect(response.status).toBe(200);
    for (const photo of photos) {
      expect(await eventsOf(photo.id)).toEqual(['alt_text.changed']);
      expect((await embedJobsOf(photo.id)).map((job) => [job.status, job.priority])).toEqual([['pending', JOB_PRIORITY.backfill]]);
    }
  });

  it('queues nothing for a change search does not embed (an approval, a title)', async () => {
    const asset = await reviewAsset(db());
    await db().transaction((tx) => recordEvents(tx, 'alt_text.approved', [asset.id]));
    expect((await patch(asset.id, { title: 'Navy jumper', version: asset.version })).status).toBe(200);
    const queued = await embedJobsOf(asset.id);
    // asset.updated for the title asks for an embed job whose input hash is the one already embedded: once
    // done, the same input is never redone (lib/jobs enqueueJob); nothing else is queued.
    expect(queued).toHaveLength(1);
    const before = queued[0].inputHash;
    expect((await patch(asset.id, { title: 'Navy jumper, folded', version: asset.version + 1 })).status).toBe(200);
    expect((await embedJobsOf(asset.id)).map((job) => job.inputHash)).toEqual([before]);
    expect(await eventsOf(asset.id)).toEqual(['alt_text.approved', 'asset.updated', 'asset.updated']);
  });
});

describe('the webhook subscriber', () => {
  it('turns an event into one delivery and job per subscribed endpoint', async () => {
    const endpointId = await addEndpoint(['alt_text.changed']);
    await addEndpoint(['asset.deleted']);
    const asset = await reviewAsset(db());
    expect((await patch(asset.id, { altText: 'Navy wool jumper, folded.', version: asset.version })).status).toBe(200);
    const deliveries = await db().select().from(webhookDeliveries);
    expect(deliveries.map((delivery) => delivery.endpointId)).toEqual([endpointId]);
    const [job] = await db().select().from(jobs).where(eq(jobs.deliveryId, deliveries[0].id));
    expect(job).toMatchObject({ kind: 'webhook', status: 'pending', assetId: null });
    await runDueJobs(db(), { kinds: ['webhook'], concurrency: 1 });
    expect(receiver.received.map((hook) => [hook.payload.type, (hook.payload.data as { id: string }).id])).toEqual([['alt_text.changed', asset.id]]);
  });

  it('an endpoint added after the event does not receive it', async () => {
    const asset = await reviewAsset(db());
    expect((await patch(asset.id, { altText: 'Navy wool jumper, folded.', version: asset.version })).status).toBe(200);
    expect(await eventsOf(asset.id)).toContain('alt_text.changed');
    await addEndpoint(['alt_text.changed', 'alt_text.approved']);
    await runDueJobs(db(), { kinds: ['webhook'], concurrency: 1 });
    expect(await db().select().from(webhookDeliveries)).toEqual([]);
    expect(receiver.received).toEqual([]);
  });

  it('a delivery that fails for good is the endpoint\'s problem: the photo stays Ready', async () => {
    const asset = await reviewAsset(db());
    // Its own steps all passed, as the pipeline leaves a Ready photo.
    const passed = { assetId: asset.id, status: 'done' as const, priority: JOB_PRIORITY.interactive, succeededAt: new Date() };
    await db().insert(jobs).values([{ ...passed, kind: 'derive' }, { ...passed, kind: 'describe' }, { ...passed, kind: 'embed', key: configuredModel().id }]);
    await addEndpoint(['alt_text.changed']);
    receiver.answer({ kind: 'status', status: 410 });
    expect((await patch(asset.id, { altText: 'Navy wool jumper, folded.', version: asset.version })).status).toBe(200);
    const summary = await runDueJobs(db(), { kinds: ['webhook'], concurrency: 1 });
    expect(summary.failed).toBe(1);
    const [job] = await db().select().from(jobs).where(eq(jobs.kind, 'webhook'));
    expect(job.status).toBe('failed');
    const [after] = await db().select().from(assets).where(eq(assets.id, asset.id));
    expect(after).toMatchObject({ state: 'embedded', errorCode: null, error: null });
    expect(conditionOf(after)).toBeNull();
  });
});

describe('pruning', () => {
  it('removes events older than the kept days, except one whose delivery is still being retried', async () => {
    const endpointId = await addEndpoint(['alt_text.changed']);
    const asset = await reviewAsset(db());
    await db().transaction((tx) => recordEvents(tx, 'alt_text.changed', [asset.id]));
    await db().transaction((tx) => recordEvents(tx, 'asset.updated', [asset.id]));
    await db().transaction((tx) => recordEvents(tx, 'alt_text.approved', [asset.id]));
    // The first two are 40 days old; the first one's delivery is still pending, the second has no delivery.
    await db().update(events).set({ createdAt: sql`now() - interval '40 days'` }).where(sql`${events.type} in ('alt_text.changed', 'asset.updated')`);
    expect(await pruneEvents(db(), 30)).toBe(1);
    expect((await eventsOf(asset.id)).sort()).toEqual(['alt_text.approved', 'alt_text.changed']);
    // Once delivered, it goes too (with its log).
    await db().update(jobs).set({ status: 'done' }).where(eq(jobs.kind, 'webhook'));
    expect(await pruneEvents(db(), 30)).toBe(1);
    expect(await eventsOf(asset.id)).toEqual(['alt_text.approved']);
    expect(await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId))).toEqual([]);
  });
});

describe('no call site wires a side effect by hand', () => {
  const root = join(__dirname, '..', '..');
  const sources = (dir: string): string[] =>
    readdirSync(join(root, dir)).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(join(root, path)).isDirectory()) return sources(path);
      return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
    });
  const using = (pattern: RegExp) => [...sources('lib'), ...sources('app'), ...sources('components')].filter((path) => pattern.test(readFileSync(join(root, path), 'utf8'))).map((path) => relative('.', path));

  it('re-embedding is queued only by the event subscriber (and the pipeline after derive)', () => {
    expect(using(/\bembedJobs(For)?\(/)).toEqual(['lib/events/reembed.ts', 'lib/jobs/registry.ts']);
    expect(using(/reembedAfterAltChange|reembedAll\(/)).toEqual([]);
    expect(using(/\breembedAsset\(/)).toEqual(['lib/embed/reembed.ts']);
  });

  it('events are recorded only through lib/events', () => {
    expect(using(/recordAssetEvents/)).toEqual([]);
    expect(using(/\.insert\(events\)/)).toEqual(['lib/events/record.ts', 'lib/webhooks/events.ts']);
  });
});
