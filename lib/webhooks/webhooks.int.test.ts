import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { POST as reviewRoute } from '@/app/api/alt/review/route';
import { POST as importRoute } from '@/app/api/imports/route';
import { DELETE as deleteAssetRoute, PATCH as patchAssetRoute } from '@/app/api/assets/[id]/route';
import { DELETE as emptyTrashRoute } from '@/app/api/trash/route';
import { POST as redeliverRoute } from '@/app/api/webhooks/[id]/deliveries/[deliveryId]/redeliver/route';
import { GET as deliveriesRoute } from '@/app/api/webhooks/[id]/deliveries/route';
import { DELETE as deleteEndpointRoute, PATCH as updateEndpointRoute } from '@/app/api/webhooks/[id]/route';
import { POST as testRoute } from '@/app/api/webhooks/[id]/test/route';
import { GET as listRoute, POST as createRoute } from '@/app/api/webhooks/route';
import { assets, jobs, webhookDeliveries, webhookEndpoints, events, type WebhookEventType } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { recordEvents } from '@/lib/events';
import { runAssetJobs, runDueJobs } from '@/lib/jobs';
import { call, makeAccount, TEST_ORIGIN, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { testJpeg, uploadThroughApi, useTemporaryLocalStorage } from '@/test/ingest';
import { productJpeg, storedAsset, useFakeGroq } from '@/test/alt';
import { reviewAsset } from '@/test/review';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { startWebhookReceiver, verifyStandardWebhook, type WebhookReceiver } from '@/test/webhook-receiver';
import { MAX_ANSWER_BYTES, MAX_ENDPOINTS, RETRY_DELAYS_SECONDS, WEBHOOK_MAX_ATTEMPTS, type DeliveryView, type EndpointView } from './index';

/**
 * Outgoing webhooks end to end: real routes, the real jobs runner, and a real receiver on 127.0.0.1 that checks
 * every signature with its own implementation of the Standard Webhooks spec. Loopback is allowed here only
 * because WEBHOOKS_ALLOW_PRIVATE is set for this file; the SSRF tests turn it off.
 */

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

const database = useTestDatabase();
const files = useTemporaryLocalStorage();

const TIMEOUT_MS = 500;
let admin: TestAccount;
let editor: TestAccount;
let receiver: WebhookReceiver;

function setEnv(allowPrivate: boolean) {
  process.env.WEBHOOKS_ALLOW_PRIVATE = allowPrivate ? 'true' : 'false';
  process.env.WEBHOOKS_TIMEOUT_MS = String(TIMEOUT_MS);
  resetConfig();
}

beforeAll(async () => {
  setEnv(true);
  admin = await makeAccount(database().db, 'admin');
  editor = await makeAccount(database().db, 'editor');
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
  delete process.env.WEBHOOKS_ALLOW_PRIVATE;
  delete process.env.WEBHOOKS_TIMEOUT_MS;
  resetConfig();
});

beforeEach(async () => {
  setEnv(true);
  // Each test starts with no endpoints, so events from one test are not delivered in another.
  await database().db.delete(webhookEndpoints);
  await database().db.delete(events);
  receiver.received.length = 0;
});

async function addEndpoint(events: WebhookEventType[], url = receiver.url): Promise<EndpointView> {
  const response = await call(createRoute, { method: 'POST', cookie: admin.cookie, body: { url, events, description: 'catalogue sync' } });
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(201);
  expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
  receiver.setSecret(body.secret);
  return body.endpoint;
}

const deliverDue = () => runDueJobs(database().db, { kinds: ['webhook'], concurrency: 1 });

async function deliveries(endpointId: string): Promise<DeliveryView[]> {
  const response = await call(deliveriesRoute, { cookie: admin.cookie, params: { id: endpointId } });
  expect(response.status).toBe(200);
  return (await response.json()).deliveries;
}

/** Makes every queued retry due now, as if its backoff had passed. */
async function skipBackoff(): Promise<void> {
  await database().db.update(jobs).set({ nextAttemptAt: sql`now()` }).where(eq(jobs.kind, 'webhook'));
}

describe('signing (Standard Webhooks)', () => {
  it('signs every delivery so an independent verifier accepts it, and a changed body or another secret fails', async () => {
    const endpoint = await addEndpoint(['asset.created']);
    expect((await call(testRoute, { method: 'POST', cookie: admin.cookie, params: { id: endpoint.id } })).status).toBe(202);
    const sending = Math.floor(Date.now() / 1000);
    await deliverDue();
    const sent = Math.ceil(Date.now() / 1000);
    expect(receiver.received).toHaveLength(1);
    const [hook] = receiver.received;
    expect(hook.verified).toBe(true);
    expect(hook.id).toMatch(/^msg_[0-9a-f]{32}$/);
    // Signed when it was sent, however long sending took.
    expect(hook.timestamp).toBeGreaterThanOrEqual(sending);
    expect(hook.timestamp).toBeLessThanOrEqual(sent);
    expect(hook.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(hook.headers['content-type']).toBe('application/json');
    expect(hook.payload.type).toBe('webhook.test');
    expect(hook.payload.data.endpointId).toBe(endpoint.id);
    // The verifier can fail: one byte of body, another id or another secret breaks the signature.
    const [{ secret }] = await database().db.select({ secret: webhookEndpoints.secret }).from(webhookEndpoints);
    expect(await verifyStandardWebhook(secret, hook.id, String(hook.timestamp), hook.body, hook.signature)).toBe(true);
    expect(await verifyStandardWebhook(secret, hook.id, String(hook.timestamp), `${hook.body} `, hook.signature)).toBe(false);
    expect(await verifyStandardWebhook(secret, `${hook.id}x`, String(hook.timestamp), hook.body, hook.signature)).toBe(false);
    expect(await verifyStandardWebhook('whsec_' + Buffer.alloc(32, 1).toString('base64'), hook.id, String(hook.timestamp), hook.body, hook.signature)).toBe(false);
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery).toMatchObject({ event: 'webhook.test', status: 'delivered', attempts: 1, httpStatus: 200, response: 'ok', nextRetryAt: null, lastError: null });
    expect(delivery.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('shows the secret only when the endpoint is created: never in the list', async () => {
    await addEndpoint(['asset.created']);
    const listed = await (await call(listRoute, { cookie: admin.cookie })).text();
    expect(listed).not.toContain('whsec_');
    expect(JSON.parse(listed).endpoints[0]).toMatchObject({ url: receiver.url, events: ['asset.created'], enabled: true, description: 'catalogue sync' });
  });
});

describe('events', () => {
  it('asset.created: an upload that completes is announced with the stored file’s facts', async () => {
    await addEndpoint(['asset.created']);
    const { assetId, complete } = await uploadThroughApi(editor, await testJpeg(901));
    expect(complete.status).toBe(202);
    await deliverDue();
    expect(receiver.received.map((hook) => hook.payload.type)).toEqual(['asset.created']);
    expect(receiver.received[0].payload.data).toMatchObject({ id: assetId, mimeType: 'image/jpeg', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(receiver.received[0].verified).toBe(true);
  });

  it('alt_text.changed and alt_text.approved: a person’s edit sends both, with the new text and version', async () => {
    await addEndpoint(['alt_text.changed', 'alt_text.approved']);
    const asset = await reviewAsset(database().db);
    const response = await call(patchAssetRoute, { method: 'PATCH', cookie: editor.cookie, params: { id: asset.id }, body: { altText: 'Red wool scarf on a hook.', version: asset.version } });
    expect(response.status).toBe(200);
    await deliverDue();
    expect(receiver.received.map((hook) => hook.payload.type).sort()).toEqual(['alt_text.approved', 'alt_text.changed']);
    for (const hook of receiver.received) {
      expect(hook.payload.data).toMatchObject({ id: asset.id, altText: 'Red wool scarf on a hook.', altStatus: 'approved', altSource: 'human', version: asset.version + 1 });
      expect(hook.verified).toBe(true);
    }
  });

  it('alt_text.approved: approving a proposal in review sends approved only (the text did not change)', async () => {
    await addEndpoint(['alt_text.changed', 'alt_text.approved']);
    const asset = await reviewAsset(database().db);
    const response = await call(reviewRoute, { method: 'POST', cookie: editor.cookie, body: { action: 'approve', items: [{ id: asset.id, version: asset.version }] } });
    expect(response.status).toBe(200);
    await deliverDue();
    expect(receiver.received.map((hook) => hook.payload.type)).toEqual(['alt_text.approved']);
    expect(receiver.received[0].payload.data).toMatchObject({ id: asset.id, altText: asset.altText, altStatus: 'approved' });
  });

  it('alt_text.changed: rejecting a proposal in review sends changed, with the text cleared', async () => {
    await addEndpoint(['alt_text.changed', 'alt_text.approved']);
    const asset = await reviewAsset(database().db);
    await call(reviewRoute, { method: 'POST', cookie: editor.cookie, body: { action: 'reject', items: [{ id: asset.id, version: asset.version }] } });
    await deliverDue();
    expect(receiver.received.map((hook) => hook.payload.type)).toEqual(['alt_text.changed']);
    expect(receiver.received[0].payload.data).toMatchObject({ id: asset.id, altText: null, altStatus: 'none' });
  });

  it('asset.deleted: sent when a person deletes the photo (to the trash), and the delivery survives the purge of the row', async () => {
    const endpoint = await addEndpoint(['asset.deleted']);
    const asset = await reviewAsset(database().db, { filename: 'gone-soon.jpg', sku: 'SKU-GONE' });
    const response = await call(deleteAssetRoute, { method: 'DELETE', cookie: editor.cookie, params: { id: asset.id } });
    expect(response.status).toBe(200);
    // The admin empties the trash before the delivery runs: the row goes, the job about the delivery stays.
    expect((await call(emptyTrashRoute, { method: 'DELETE', cookie: admin.cookie })).status).toBe(200);
    expect(await database().db.select().from(assets).where(eq(assets.id, asset.id))).toEqual([]);
    const queued = await database().db.select().from(jobs).where(eq(jobs.kind, 'webhook'));
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ assetId: null, status: 'pending' });
    await deliverDue();
    expect(receiver.received.map((hook) => hook.payload.type)).toEqual(['asset.deleted']);
    expect(receiver.received[0].payload.data).toMatchObject({ id: asset.id, filename: 'gone-soon.jpg', sku: 'SKU-GONE', trashed: true, purgeAt: expect.any(String) });
    expect((await deliveries(endpoint.id))[0].status).toBe('delivered');
  });

  it('records nothing for an endpoint that did not subscribe, nor for a change that did not happen (stale version)', async () => {
    await addEndpoint(['asset.deleted']);
    const asset = await reviewAsset(database().db);
    await call(patchAssetRoute, { method: 'PATCH', cookie: editor.cookie, params: { id: asset.id }, body: { altText: 'Changed.', version: asset.version } });
    const stale = await call(patchAssetRoute, { method: 'PATCH', cookie: editor.cookie, params: { id: asset.id }, body: { altText: 'Too late.', version: asset.version } });
    expect(stale.status).toBe(409);
    // The outbox holds what happened (the one edit that landed), whoever listens; no endpoint gets it.
    expect((await database().db.select().from(events)).map((event) => [event.type, event.assetId])).toEqual([
      ['alt_text.changed', asset.id],
      ['alt_text.approved', asset.id],
    ]);
    expect(await database().db.select().from(webhookDeliveries)).toEqual([]);
  });

  it('one delivery per subscribed endpoint, each signed with its own secret', async () => {
    const second = await startWebhookReceiver();
    try {
      await addEndpoint(['asset.deleted']);
      const firstSecret = (await database().db.select({ secret: webhookEndpoints.secret }).from(webhookEndpoints))[0].secret;
      await addEndpoint(['asset.deleted'], second.url);
      // addEndpoint gave the first receiver the second endpoint's secret: each receiver gets its own back.
      const [{ secret: secondSecret }] = await database().db.select({ secret: webhookEndpoints.secret }).from(webhookEndpoints).where(eq(webhookEndpoints.url, second.url));
      second.setSecret(secondSecret);
      receiver.setSecret(firstSecret);
      const asset = await reviewAsset(database().db);
      await call(deleteAssetRoute, { method: 'DELETE', cookie: editor.cookie, params: { id: asset.id } });
      await deliverDue();
      expect(receiver.received).toHaveLength(1);
      expect(second.received).toHaveLength(1);
      expect(receiver.received[0].verified && second.received[0].verified).toBe(true);
      // The same event: the same webhook-id at both.
      expect(second.received[0].id).toBe(receiver.received[0].id);
      expect(second.received[0].signature).not.toBe(receiver.received[0].signature);
    } finally {
      await second.close();
    }
  });
});

describe.skipIf(!standInModelAvailable())('events from the pipeline', () => {
  useFakeGroq(() => database().db);
  beforeAll(() => useStandInEmbeddingModel());

  it('alt_text.changed: a proposal the model writes is sent as AI text awaiting review (not approved)', async () => {
    await addEndpoint(['alt_text.changed', 'alt_text.approved']);
    const asset = await storedAsset(database().db, files().storage, await productJpeg(), { filename: 'navy-canvas-backpack.jpg', title: 'Navy canvas backpack' });
    expect((await runAssetJobs(database().db, asset.id)).kind).toBe('finished');
    await deliverDue();
    expect(receiver.received.map((hook) => hook.payload.type)).toEqual(['alt_text.changed']);
    expect(receiver.received[0].payload.data).toMatchObject({ id: asset.id, altSource: 'ai', altStatus: 'proposed', altText: expect.stringMatching(/^Navy canvas backpack/) });
  });

  it('alt_text.changed and alt_text.approved: alt text from a CSV import is a person’s approved text', async () => {
    await addEndpoint(['alt_text.changed', 'alt_text.approved']);
    const asset = await reviewAsset(database().db, { filename: 'green-scarf.jpg' });
    const file = 'filename,sku,title,collection,tags,alt_text\ngreen-scarf.jpg,SC-9,Green scarf,Winter,,Green wool scarf with tassels.\n';
    const send = (query: Record<string, string>) =>
      importRoute(
        new Request(`${TEST_ORIGIN}/api/imports?${new URLSearchParams(query)}`, {
          method: 'POST',
          headers: { cookie: editor.cookie, origin: TEST_ORIGIN, host: new URL(TEST_ORIGIN).host, 'content-type': 'text/csv' },
          body: file,
        }),
        { params: Promise.resolve({}) },
      );
    const plan = await (await send({})).json();
    expect((await send({ mode: 'apply', confirm: plan.digest })).status).toBe(200);
    await deliverDue();
    expect(receiver.received.map((hook) => hook.payload.type).sort()).toEqual(['alt_text.approved', 'alt_text.changed']);
    expect(receiver.received[0].payload.data).toMatchObject({ id: asset.id, altText: 'Green wool scarf with tassels.', altStatus: 'approved', altSource: 'human', sku: 'SC-9' });
  });
});

describe('hostile receivers', () => {
  async function testDelivery(): Promise<{ endpoint: EndpointView }> {
    const endpoint = await addEndpoint(['asset.created']);
    await call(testRoute, { method: 'POST', cookie: admin.cookie, params: { id: endpoint.id } });
    return { endpoint };
  }

  it('retries after a 500 with backoff (5 s first), with the same webhook-id, until a 2xx', async () => {
    const { endpoint } = await testDelivery();
    receiver.answer({ kind: 'status', status: 500, body: 'database down' });
    const sending = Date.now();
    await deliverDue();
    const sent = Date.now();
    const [failed] = await deliveries(endpoint.id);
    expect(failed).toMatchObject({ status: 'retrying', attempts: 1, httpStatus: 500, response: 'database down', lastError: 'The receiver answered 500; only a 2xx status counts as delivered.' });
    // Scheduled from the moment of the failure, which lies between these two, whatever the machine's load.
    const nextRetry = new Date(failed.nextRetryAt ?? 0).getTime();
    expect(nextRetry).toBeGreaterThanOrEqual(sending + RETRY_DELAYS_SECONDS[0] * 1000);
    expect(nextRetry).toBeLessThanOrEqual(sent + RETRY_DELAYS_SECONDS[0] * 1000 * 1.1);
    // Not due yet: nothing is sent.
    await deliverDue();
    expect(receiver.received).toHaveLength(1);
    await skipBackoff();
    await deliverDue();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1].id).toBe(receiver.received[0].id);
    expect(receiver.received[1].verified).toBe(true);
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'delivered', attempts: 2, httpStatus: 200, nextRetryAt: null });
  });

  it('backs off further on each failure and gives up after the last attempt, marking the delivery failed', async () => {
    const { endpoint } = await testDelivery();
    let retries = 0;
    for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt += 1) {
      receiver.answer({ kind: 'status', status: 503 });
      await skipBackoff();
      const sending = Date.now();
      await deliverDue();
      const sent = Date.now();
      const [delivery] = await deliveries(endpoint.id);
      expect(delivery.attempts).toBe(attempt);
      if (delivery.nextRetryAt) {
        // Each failure waits its own step of the schedule (5 s up to 6 h), counted from the moment it failed.
        const nextRetry = new Date(delivery.nextRetryAt).getTime();
        const delayMs = RETRY_DELAYS_SECONDS[attempt - 1] * 1000;
        expect(nextRetry).toBeGreaterThanOrEqual(sending + delayMs);
        expect(nextRetry).toBeLessThanOrEqual(sent + delayMs * 1.1);
        retries += 1;
      }
    }
    expect(retries).toBe(RETRY_DELAYS_SECONDS.length);
    const [given] = await deliveries(endpoint.id);
    expect(given).toMatchObject({ status: 'failed', nextRetryAt: null, httpStatus: 503 });
    await skipBackoff();
    await deliverDue();
    expect(receiver.received).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
  });

  it('cuts a receiver off after the timeout and retries later', async () => {
    const { endpoint } = await testDelivery();
    // Slower than the test's own timeout: only the cut-off can end this delivery.
    receiver.answer({ kind: 'slow', ms: 10 * 60_000 });
    await deliverDue();
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery).toMatchObject({ status: 'retrying', httpStatus: null, lastError: 'The receiver did not answer within 0.5 s; the request was cut off.' });
    expect(delivery.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });

  it('410 Gone disables the endpoint: no retry, and nothing more is recorded or sent to it', async () => {
    const { endpoint } = await testDelivery();
    await call(testRoute, { method: 'POST', cookie: admin.cookie, params: { id: endpoint.id } });
    receiver.answer({ kind: 'status', status: 410 });
    await runDueJobs(database().db, { kinds: ['webhook'], concurrency: 1, limit: 1 });
    const [row] = await database().db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(row.enabled).toBe(false);
    expect(row.disabledReason).toMatch(/410 Gone/);
    const log = await deliveries(endpoint.id);
    const gone = log.find((delivery) => delivery.httpStatus === 410);
    expect(gone).toMatchObject({ status: 'failed', nextRetryAt: null });
    expect(gone?.lastError).toMatch(/410 Gone: it wants no more webhooks, so the endpoint was disabled/);
    // Events after that are recorded, but not for it.
    const before = await database().db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.id));
    const asset = await reviewAsset(database().db);
    await database().db.transaction((tx) => recordEvents(tx, 'asset.created', [asset.id]));
    expect(await database().db.select().from(events).where(eq(events.assetId, asset.id))).toHaveLength(1);
    expect(await database().db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.id))).toEqual(before);
    expect(receiver.received).toHaveLength(1);
  });

  it('does not follow a redirect: it is a failure naming where it pointed', async () => {
    const { endpoint } = await testDelivery();
    receiver.answer({ kind: 'status', status: 302, headers: { location: `${receiver.url}/moved` } });
    await deliverDue();
    expect(receiver.received).toHaveLength(1);
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery).toMatchObject({ status: 'retrying', httpStatus: 302 });
    expect(delivery.lastError).toBe(`The receiver answered 302 (a redirect to ${receiver.url}/moved); webhooks do not follow redirects: change the endpoint's URL to the final address.`);
  });

  it('reads only the first few KB of a huge answer', async () => {
    const { endpoint } = await testDelivery();
    receiver.answer({ kind: 'huge', bytes: 200 * 1024 * 1024 });
    await deliverDue();
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery.status).toBe('delivered');
    expect(delivery.response?.length).toBe(MAX_ANSWER_BYTES);
    // Loupe hung up with most of the answer unsent, rather than reading it all and keeping the start.
    await vi.waitFor(() => expect(receiver.received[0].answer).toMatchObject({ hungUp: true }));
    expect(receiver.received[0].answer?.bytesSent).toBeLessThan(200 * 1024 * 1024);
  });

  it('reports a receiver that is not listening', async () => {
    const closed = await startWebhookReceiver();
    const url = closed.url;
    await closed.close();
    const endpoint = await addEndpoint(['asset.created'], url);
    await call(testRoute, { method: 'POST', cookie: admin.cookie, params: { id: endpoint.id } });
    await deliverDue();
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery).toMatchObject({ status: 'retrying', httpStatus: null, lastError: `${new URL(url).host} refused the connection: is the receiver running?` });
  });

  it('redeliver sends a failed delivery again from its first attempt, with the same webhook-id', async () => {
    const { endpoint } = await testDelivery();
    receiver.answer({ kind: 'status', status: 410 });
    await deliverDue();
    await call(updateEndpointRoute, { method: 'PATCH', cookie: admin.cookie, params: { id: endpoint.id }, body: { enabled: true } });
    const [failed] = await deliveries(endpoint.id);
    expect(failed.status).toBe('failed');
    const response = await call(redeliverRoute, { method: 'POST', cookie: admin.cookie, params: { id: endpoint.id, deliveryId: failed.id } });
    expect(response.status).toBe(202);
    await deliverDue();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1].id).toBe(receiver.received[0].id);
    // Attempts count everything ever tried: the 410 and the redelivery.
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    // Another endpoint's delivery id is not found here.
    const missing = await call(redeliverRoute, { method: 'POST', cookie: admin.cookie, params: { id: crypto.randomUUID(), deliveryId: failed.id } });
    expect(missing.status).toBe(404);
  });

  it('a disabled endpoint’s queued deliveries are not sent, and say why', async () => {
    const { endpoint } = await testDelivery();
    const asset = await reviewAsset(database().db);
    await database().db.update(webhookEndpoints).set({ events: ['asset.deleted'] });
    await call(deleteAssetRoute, { method: 'DELETE', cookie: editor.cookie, params: { id: asset.id } });
    await call(updateEndpointRoute, { method: 'PATCH', cookie: admin.cookie, params: { id: endpoint.id }, body: { enabled: false } });
    await deliverDue();
    const log = await deliveries(endpoint.id);
    const deleted = log.find((delivery) => delivery.event === 'asset.deleted');
    expect(deleted).toMatchObject({ status: 'failed', lastError: 'Not sent: the endpoint is disabled (disabled by an admin).' });
    // The test event still goes: an admin testing a disabled endpoint means it.
    expect(receiver.received.map((hook) => hook.payload.type)).toEqual(['webhook.test']);
  });
});

describe('endpoint URLs (SSRF) and other bad input', () => {
  async function refused(body: Record<string, unknown>): Promise<{ status: number; code: string; message: string }> {
    const response = await call(createRoute, { method: 'POST', cookie: admin.cookie, body: { events: ['asset.created'], ...body } });
    const { error } = await response.json();
    return { status: response.status, code: error.code, message: error.message };
  }

  it('refuses private, loopback and link-local receivers unless WEBHOOKS_ALLOW_PRIVATE is set', async () => {
    setEnv(false);
    for (const [url, refusal] of [
      ['http://127.0.0.1:8080/hook', '127.0.0.1 leads to 127.0.0.1, a loopback address'],
      ['http://[::1]/hook', '[::1] leads to ::1, a loopback address'],
      ['http://10.1.2.3/hook', '10.1.2.3 leads to 10.1.2.3, a private address'],
      ['http://192.168.0.10/hook', '192.168.0.10 leads to 192.168.0.10, a private address'],
      ['http://169.254.169.254/latest/meta-data', '169.254.169.254 leads to 169.254.169.254, a link-local address'],
      ['http://[::ffff:127.0.0.1]/hook', '[::ffff:7f00:1] leads to ::ffff:7f00:1, 127.0.0.1 inside, a loopback address'],
      ['http://2130706433/hook', '127.0.0.1 leads to 127.0.0.1, a loopback address'],
      ['http://localhost/hook', 'localhost leads to '],
    ]) {
      const answer = await refused({ url });
      expect(answer, url).toMatchObject({ status: 422, code: 'private_address' });
      expect(answer.message, url).toContain(refusal);
      expect(answer.message).toContain('WEBHOOKS_ALLOW_PRIVATE');
    }
    expect(await database().db.select().from(webhookEndpoints)).toEqual([]);
  });

  it('checks the address again when sending: an endpoint registered while allowed is not sent to once disallowed', async () => {
    const endpoint = await addEndpoint(['asset.created']);
    setEnv(false);
    await call(testRoute, { method: 'POST', cookie: admin.cookie, params: { id: endpoint.id } });
    await deliverDue();
    expect(receiver.received).toEqual([]);
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery.lastError).toContain('127.0.0.1 leads to 127.0.0.1, a loopback address');
  });

  // The three forms the attack got through with, when ranges were written by hand.
  it.each([
    ['http://[::127.0.0.1]/', '[::7f00:1] leads to ::7f00:1, 127.0.0.1 inside, a loopback address'],
    ['http://[::ffff:0:7f00:1]/', '[::ffff:0:7f00:1] leads to ::ffff:0:7f00:1, 127.0.0.1 inside, a loopback address'],
    ['http://[2002:7f00:1::]/', '[2002:7f00:1::] leads to 2002:7f00:1::, 127.0.0.1 inside, a loopback address'],
  ])('refuses %s, loopback written as IPv6, when added and when sending', async (url, refusal) => {
    setEnv(false);
    expect(await refused({ url })).toMatchObject({ status: 422, code: 'private_address', message: expect.stringContaining(refusal) });
    setEnv(true);
    const endpoint = await addEndpoint(['asset.created'], url);
    setEnv(false);
    await call(testRoute, { method: 'POST', cookie: admin.cookie, params: { id: endpoint.id } });
    await deliverDue();
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery).toMatchObject({ status: 'retrying', httpStatus: null, lastError: expect.stringContaining(refusal) });
  });

  it('checks what a name resolves to when connecting: a name that now leads to loopback is refused before any request', async () => {
    const endpoint = await addEndpoint(['asset.created'], receiver.url.replace('127.0.0.1', 'localhost'));
    setEnv(false);
    await call(testRoute, { method: 'POST', cookie: admin.cookie, params: { id: endpoint.id } });
    await deliverDue();
    expect(receiver.received).toEqual([]);
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery.lastError).toMatch(/^localhost leads to (127\.0\.0\.1|::1), a loopback address: Loupe sends webhooks to public addresses only/);
  });

  it('answers each malformed endpoint with its own message', async () => {
    expect(await refused({ url: 'ftp://example.com/hook' })).toEqual({ status: 422, code: 'invalid_url', message: 'Webhooks are sent over http or https only, not ftp.' });
    expect(await refused({ url: 'javascript:alert(1)' })).toEqual({ status: 422, code: 'invalid_url', message: 'Webhooks are sent over http or https only, not javascript.' });
    expect(await refused({ url: 'not a url' })).toMatchObject({ status: 422, code: 'invalid_url', message: expect.stringContaining('That is not a URL') });
    expect(await refused({ url: 'https://user:pass@example.com/hook' })).toMatchObject({ status: 422, code: 'invalid_url', message: expect.stringContaining('Remove the user name and password') });
    expect(await refused({ url: `https://example.com/${'a'.repeat(2100)}` })).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(await refused({ url: receiver.url, events: [] })).toMatchObject({ status: 422, message: expect.stringContaining('Choose at least one event') });
    expect(await refused({ url: receiver.url, events: ['asset.exploded'] })).toMatchObject({ status: 422, message: expect.stringContaining('Subscribe to events among alt_text.approved') });
    expect(await refused({ url: receiver.url, description: 'x'.repeat(201) })).toMatchObject({ status: 422, message: expect.stringContaining('at most 200 characters') });
    expect(await refused({ url: receiver.url, description: 'a\u0000b' })).toMatchObject({ status: 422, message: expect.stringContaining('NUL') });
    setEnv(false);
    expect(await refused({ url: 'https://no-such-host.invalid/hook' })).toMatchObject({ status: 422, code: 'unresolvable_host', message: 'no-such-host.invalid could not be resolved: check the host name.' });
    expect(await database().db.select().from(webhookEndpoints)).toEqual([]);
  });

  it(`refuses one endpoint more than ${MAX_ENDPOINTS}`, async () => {
    for (let index = 0; index < MAX_ENDPOINTS; index += 1) await addEndpoint(['asset.created'], `${receiver.url}?n=${index}`);
    expect(await refused({ url: receiver.url })).toMatchObject({ status: 409, code: 'too_many_endpoints' });
  });

  it('answers unknown endpoints with 404 and deleting removes the endpoint with its log', async () => {
    const endpoint = await addEndpoint(['asset.created']);
    await call(testRoute, { method: 'POST', cookie: admin.cookie, params: { id: endpoint.id } });
    expect((await call(deleteEndpointRoute, { method: 'DELETE', cookie: admin.cookie, params: { id: endpoint.id } })).status).toBe(204);
    expect(await database().db.select().from(webhookDeliveries)).toEqual([]);
    expect(await database().db.select().from(jobs).where(eq(jobs.kind, 'webhook'))).toEqual([]);
    for (const [handler, method] of [
      [deleteEndpointRoute, 'DELETE'],
      [testRoute, 'POST'],
      [deliveriesRoute, 'GET'],
    ] as const) {
      const response = await call(handler, { method, cookie: admin.cookie, params: { id: endpoint.id } });
      expect(response.status).toBe(404);
      expect((await response.json()).error.message).toBe('No such webhook endpoint: it may have been deleted.');
    }
  });
});

describe('who may manage webhooks', () => {
  it('refuses anonymous callers (401) and editors (403) on every webhook route', async () => {
    const id = crypto.randomUUID();
    const routes = [
      { handler: listRoute, method: 'GET', params: {} },
      { handler: createRoute, method: 'POST', params: {} },
      { handler: updateEndpointRoute, method: 'PATCH', params: { id } },
      { handler: deleteEndpointRoute, method: 'DELETE', params: { id } },
      { handler: testRoute, method: 'POST', params: { id } },
      { handler: deliveriesRoute, method: 'GET', params: { id } },
      { handler: redeliverRoute, method: 'POST', params: { id, deliveryId: id } },
    ] as const;
    for (const { handler, method, params } of routes) {
      const body = method === 'GET' ? undefined : {};
      expect((await call(handler, { method, params, body })).status).toBe(401);
      expect((await call(handler, { method, params, body, cookie: editor.cookie })).status).toBe(403);
      expect((await call(handler, { method, params, body, bearer: editor.token })).status).toBe(403);
    }
  });
});
