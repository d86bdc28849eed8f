import { checkHost, request } from '@/lib/outbound';
import type { Result } from '@/lib/result';

/**
 * Talking to receivers, who are strangers: what URL an admin may register (http(s) only, no credentials, only
 * public unicast addresses as lib/outbound judges them, since anything else would let anyone with admin rights
 * probe the network Loupe runs in: SSRF), and one POST whose answer is treated as hostile (bounded time,
 * redirects not followed, at most a few KB of the body read). The address check runs again inside the
 * connection's own DNS lookup, so a name that resolved to a public address when it was registered cannot be
 * pointed at 127.0.0.1 later.
 */

export const MAX_URL_LENGTH = 2000;

export type UrlProblem = { code: 'invalid_url' | 'private_address' | 'unresolvable'; message: string };

/** Why the outbound check refused an address, and what the admin can do about it. */
const privateMessage = (refusal: string) =>
  `${refusal}: Loupe sends webhooks to public addresses only, never into its own network. Use a public URL (or set WEBHOOKS_ALLOW_PRIVATE=true on a server that must reach an intranet receiver).`;

/** Whether an admin may register this URL: checked when added, and again (by the lookup below) on every send. */
export async function checkReceiverUrl(raw: string, allowPrivate: boolean): Promise<Result<{ url: string }, UrlProblem>> {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, code: 'invalid_url', message: `The URL is ${raw.length} characters long; use at most ${MAX_URL_LENGTH}.` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, code: 'invalid_url', message: 'That is not a URL: enter the full address, such as https://example.com/hooks/loupe.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, code: 'invalid_url', message: `Webhooks are sent over http or https only, not ${url.protocol.replace(/:$/, '')}.` };
  }
  if (url.username || url.password) {
    return { ok: false, code: 'invalid_url', message: 'Remove the user name and password from the URL: receivers check the webhook-signature header instead.' };
  }
  url.hash = '';
  if (allowPrivate) return { ok: true, url: url.toString() };
  const host = await checkHost(url);
  if (!host.ok) return { ok: false, code: host.code, message: host.code === 'private_address' ? privateMessage(host.message) : host.message };
  return { ok: true, url: url.toString() };
}

/** Of an answer's body, only this much is read (for the delivery log); the rest is never downloaded. */
export const MAX_ANSWER_BYTES = 4 * 1024;

export type ReceiverAnswer =
  | { kind: 'answered'; status: number; body: string; durationMs: number; location?: string; retryAfterMs?: number }
  | { kind: 'unreachable'; code: 'timeout' | 'private_address' | 'network' | 'aborted'; message: string; durationMs: number };

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** The job's lease: aborted when another worker took the job over. */
  signal: AbortSignal;
}

/** POSTs `body` once through the outbound client; never throws, never follows a redirect, never reads more than MAX_ANSWER_BYTES. */
export async function postToReceiver(rawUrl: string, headers: Record<string, string>, body: string, options: SendOptions): Promise<ReceiverAnswer> {
  const sent = await request(
    { method: 'POST', url: rawUrl, headers: { 'content-type': 'application/json', 'user-agent': 'Loupe-Webhooks/1', ...headers }, body },
    { timeoutMs: options.timeoutMs, allowPrivate: options.allowPrivate, maxBytes: MAX_ANSWER_BYTES, signal: options.signal },
  );
  if (sent.ok) {
    // Cut off while the body was still coming (the time ran out): the status is known, and that is the answer.
    return {
      kind: 'answered',
      status: sent.status,
      body: excerpt(sent.body),
      durationMs: sent.durationMs,
      ...(sent.location ? { location: sent.location } : {}),
      ...(sent.retryAfterMs !== undefined ? { retryAfterMs: sent.retryAfterMs } : {}),
    };
  }
  const { durationMs } = sent;
  switch (sent.code) {
    case 'timeout':
      return { kind: 'unreachable', code: 'timeout', message: `The receiver did not answer within ${seconds(options.timeoutMs)}; the request was cut off.`, durationMs };
    case 'aborted':
      return { kind: 'unreachable', code: 'aborted', message: 'Sending was stopped: another worker took the delivery over.', durationMs };
    case 'private_address':
      return { kind: 'unreachable', code: 'private_address', message: privateMessage(sent.message), durationMs };
    default:
      return { kind: 'unreachable', code: 'network', message: sent.errno === 'ECONNREFUSED' ? `${new URL(rawUrl).host} refused the connection: is the receiver running?` : sent.message, durationMs };
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** Text for the log: NUL characters dropped (PostgreSQL text cannot hold them), bytes cut at the limit. */
function excerpt(bytes: Buffer): string {
  return bytes.subarray(0, MAX_ANSWER_BYTES).toString('utf8').replaceAll('\u0000', '');
}
