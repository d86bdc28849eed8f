import http from 'node:http';
import https from 'node:https';
import { checkHost, literalRefusal, publicOnlyLookup, RefusedAddressError } from '@/lib/outbound';
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

/** POSTs `body` once; never throws, never follows a redirect, never reads more than MAX_ANSWER_BYTES. */
export function postToReceiver(rawUrl: string, headers: Record<string, string>, body: string, options: SendOptions): Promise<ReceiverAnswer> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(rawUrl);
  const refused = options.allowPrivate ? null : literalRefusal(url);
  if (refused) return Promise.resolve({ kind: 'unreachable', code: 'private_address', message: privateMessage(refused), durationMs: 0 });
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([timeout, options.signal]);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: ReceiverAnswer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString(), 'user-agent': 'Loupe-Webhooks/1', ...headers },
        signal,
        ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
        // A fresh connection per attempt: no pooled socket skips the address check, none is kept to a stranger.
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const status = response.statusCode ?? 0;
          const location = response.headers.location;
          finish({
            kind: 'answered',
            status,
            body: excerpt(Buffer.concat(chunks)),
            durationMs: elapsed(),
            ...(location ? { location: location.slice(0, 500) } : {}),
            ...retryAfter(response.headers['retry-after']),
          });
          response.destroy();
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk.subarray(0, MAX_ANSWER_BYTES - size));
          size += chunk.length;
          if (size >= MAX_ANSWER_BYTES) done();
        });
        response.on('end', done);
        // Cut off while the body was still coming (the time ran out): the status is known, and that is the answer.
        response.on('error', done);
        response.on('aborted', done);
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      const durationMs = elapsed();
      if (timeout.aborted) {
        finish({ kind: 'unreachable', code: 'timeout', message: `The receiver did not answer within ${seconds(options.timeoutMs)}; the request was cut off.`, durationMs });
      } else if (options.signal.aborted) {
        finish({ kind: 'unreachable', code: 'aborted', message: 'Sending was stopped: another worker took the delivery over.', durationMs });
      } else if (error instanceof RefusedAddressError) {
        finish({ kind: 'unreachable', code: 'private_address', message: privateMessage(error.message), durationMs });
      } else {
        finish({ kind: 'unreachable', code: 'network', message: networkMessage(url, error), durationMs });
      }
    });
    request.end(body);
  });
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function networkMessage(url: URL, error: NodeJS.ErrnoException): string {
  const where = url.host;
  switch (error.code) {
    case 'ECONNREFUSED':
      return `${where} refused the connection: is the receiver running?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${url.hostname} could not be resolved: check the host name.`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `${where} closed the connection before answering.`;
    case 'HPE_HEADER_OVERFLOW':
      return `${where} answered with headers too large to read.`;
    default:
      return `Could not reach ${where}: ${error.code ?? error.message}.`.slice(0, 500);
  }
}

/** Text for the log: NUL characters dropped (PostgreSQL text cannot hold them), bytes cut at the limit. */
function excerpt(bytes: Buffer): string {
  return bytes.subarray(0, MAX_ANSWER_BYTES).toString('utf8').replaceAll('\u0000', '');
}

function retryAfter(header: string | undefined): { retryAfterMs?: number } {
  if (!header) return {};
  const asSeconds = Number(header);
  if (Number.isFinite(asSeconds) && asSeconds >= 0) return { retryAfterMs: asSeconds * 1000 };
  const at = Date.parse(header);
  return Number.isNaN(at) ? {} : { retryAfterMs: Math.max(0, at - Date.now()) };
}
