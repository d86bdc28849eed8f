import { and, eq, sql } from 'drizzle-orm';
import { events, webhookDeliveries, webhookEndpoints, WEBHOOK_TEST_EVENT } from '@/db/schema';
import { config } from '@/lib/config';
import { leaseHeld } from '@/lib/jobs';
import type { DeliveryStep, StepOutcome } from '@/lib/jobs';
import { postToReceiver, type ReceiverAnswer } from './send';
import { formatDate } from '@/lib/words';
import { messageIdOf, signedHeaders } from './signing';

/**
 * The `webhook` job: one attempt at delivering one event to one endpoint. The runner (lib/jobs) owns status,
 * attempts and the next retry; this step signs and sends, records what the receiver answered on the delivery,
 * and says when to try again:
 *   2xx done · 410 Gone: the endpoint is disabled, no retry · anything else (other status, redirect, timeout,
 *   refused connection): retried on RETRY_DELAYS_SECONDS (a Retry-After longer than the delay is honoured), then
 *   failed for good.
 */

/** After the first attempt: 5 s, 30 s, 2 min, 10 min, 1 h, 6 h; about 7 hours in all before giving up. */
export const RETRY_DELAYS_SECONDS = [5, 30, 120, 600, 3_600, 21_600] as const;
export const WEBHOOK_MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
/** Up to this much later than the schedule, so receivers that failed together are not retried in one burst. */
const JITTER = 0.1;

/** When to try again after the attempt numbered `attempts` (0: the first) failed; null once the schedule is spent. */
export function retryAt(attempts: number, retryAfterMs?: number, now = Date.now()): Date | null {
  const delaySeconds = RETRY_DELAYS_SECONDS[attempts];
  if (delaySeconds === undefined) return null;
  const scheduled = delaySeconds * 1000 * (1 + Math.random() * JITTER);
  const asked = Math.min(retryAfterMs ?? 0, RETRY_DELAYS_SECONDS[RETRY_DELAYS_SECONDS.length - 1] * 1000);
  return new Date(now + Math.max(scheduled, asked));
}

export const deliverWebhook: DeliveryStep = async ({ db, job, lease, signal }) => {
  if (!job.deliveryId) throw new Error(`webhook job ${job.id} has no delivery`);
  const [target] = await db
    .select({ event: events, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, job.deliveryId));
  // Deleted with its endpoint: the job went with it (cascade), so this claim is already void.
  if (!target) return { ok: false, kind: 'claim_lost' };
  const { event, endpoint } = target;
  if (!endpoint.enabled && event.type !== WEBHOOK_TEST_EVENT) {
    return { ok: false, kind: 'failed', code: 'endpoint_disabled', message: `Not sent: the endpoint is disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}.` };
  }

  const body = JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.data });
  const headers = signedHeaders(endpoint.secret, messageIdOf(event.id), body);
  const { timeoutMs, allowPrivate } = config().webhooks;
  const answer = await postToReceiver(endpoint.url, { ...headers }, body, { timeoutMs, allowPrivate, signal });
  if (answer.kind === 'unreachable' && answer.code === 'aborted') return { ok: false, kind: 'claim_lost' };

  const delivered = answer.kind === 'answered' && answer.status >= 200 && answer.status < 300;
  const recorded = await db
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      lastAttemptAt: sql`now()`,
      responseStatus: answer.kind === 'answered' ? answer.status : null,
      responseBody: answer.kind === 'answered' ? answer.body : null,
      durationMs: answer.durationMs,
      ...(delivered ? { deliveredAt: sql`now()` } : {}),
    })
    .where(and(eq(webhookDeliveries.id, job.deliveryId), leaseHeld(lease)))
    .returning({ id: webhookDeliveries.id });
  if (!recorded.length) return { ok: false, kind: 'claim_lost' };
  if (delivered) return { ok: true };

  if (answer.kind === 'answered' && answer.status === 410) {
    const reason = `the receiver answered 410 Gone on ${formatDate(new Date())}`;
    await db.update(webhookEndpoints).set({ enabled: false, disabledReason: reason, updatedAt: sql`now()` }).where(eq(webhookEndpoints.id, endpoint.id));
    return { ok: false, kind: 'failed', code: 'gone', message: `The receiver answered 410 Gone: it wants no more webhooks, so the endpoint was disabled. Re-enable it once the receiver is back.` };
  }
  return failure(answer, job.attempts);
};

function failure(answer: ReceiverAnswer, attempts: number): StepOutcome {
  const next = retryAt(attempts, answer.kind === 'answered' ? answer.retryAfterMs : undefined);
  const retry = next ? { retryAt: next } : {};
  if (answer.kind === 'unreachable') return { ok: false, kind: 'failed', code: answer.code, message: answer.message, ...retry };
  if (answer.status >= 300 && answer.status < 400) {
    return {
      ok: false,
      kind: 'failed',
      code: 'redirect',
      message: `The receiver answered ${answer.status} (a redirect${answer.location ? ` to ${answer.location}` : ''}); webhooks do not follow redirects: change the endpoint's URL to the final address.`,
      ...retry,
    };
  }
  return { ok: false, kind: 'failed', code: `http_${answer.status}`, message: `The receiver answered ${answer.status}; only a 2xx status counts as delivered.`, ...retry };
}
