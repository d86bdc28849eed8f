import http from 'node:http';
import https from 'node:https';
import { Transform, type Readable } from 'node:stream';
import type { Result } from '@/lib/result';
import { literalRefusal, publicOnlyLookup, RefusedAddressError } from './addresses';

/**
 * The one HTTP client for calls to servers Loupe does not run (webhook receivers, shops): every answer is
 * treated as hostile. Redirects are never followed (a 3xx is an answer like any other: following it would let
 * a public host send Loupe to a private one), the address is checked at connect time by the connection's own DNS
 * lookup (so a name re-pointed at 127.0.0.1 after it was checked is refused: DNS rebinding), the whole exchange
 * is bounded in time, and never more than `maxBytes` of a body is read. A fresh connection per request: no
 * pooled socket skips the address check, none is kept open to a stranger.
 */

export interface OutboundOptions {
  timeoutMs: number;
  /** Private, loopback and link-local addresses may be called (an intranet on purpose, or the tests). */
  allowPrivate: boolean;
  /** The most of the body read; past it, reading stops (`request`) or the stream errors (`requestStream`). */
  maxBytes: number;
  /** Aborted by the caller (a job's lease passed on, a request cancelled). */
  signal?: AbortSignal;
}

export type OutboundFailure = {
  code: 'invalid_url' | 'private_address' | 'timeout' | 'aborted' | 'network' | 'too_large';
  message: string;
  /** The system's error code for a network failure (ECONNREFUSED, ENOTFOUND, …), for a caller's own wording. */
  errno?: string;
  durationMs: number;
};

export interface OutboundAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  durationMs: number;
  /** Where a 3xx pointed (never followed), cut to 500 characters. */
  location?: string;
  /** From Retry-After (seconds or an HTTP date), when the remote said. */
  retryAfterMs?: number;
}

export interface BufferedAnswer extends OutboundAnswer {
  body: Buffer;
  /** Why the body is not whole: 'max_bytes' (reading stopped at the cap) or 'ended_early' (cut off mid-body). */
  cut: 'max_bytes' | 'ended_early' | null;
}

export interface StreamedAnswer extends OutboundAnswer {
  /** The body; errors with BodyTooLargeError past `maxBytes`, and when the time runs out or the caller aborts. */
  body: Readable;
}

export class BodyTooLargeError extends Error {
  readonly code = 'LOUPE_BODY_TOO_LARGE';
}

export const USER_AGENT = 'Loupe/1';

export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const asSeconds = Number(value.trim());
  if (value.trim() !== '' && Number.isFinite(asSeconds) && asSeconds >= 0) return asSeconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function describeNetworkError(url: URL, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `${url.host} refused the connection.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${url.hostname} could not be resolved: check the host name.`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `${url.host} closed the connection before answering.`;
    case 'HPE_HEADER_OVERFLOW':
      return `${url.host} answered with headers too large to read.`;
    default:
      return `Could not reach ${url.host}: ${error.code ?? error.message}.`.slice(0, 500);
  }
}

type Opened = { response: http.IncomingMessage; answer: OutboundAnswer; signals: { timeout: AbortSignal; signal: AbortSignal } };

/** Sends the request and waits for the status line and headers; the body is left to the caller. */
function open(request: OutboundRequest, options: OutboundOptions): Promise<Result<Opened, OutboundFailure>> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return Promise.resolve({ ok: false, code: 'invalid_url', message: `${request.url.slice(0, 200)} is not a URL.`, durationMs: 0 });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.resolve({ ok: false, code: 'invalid_url', message: `Only http and https URLs are called, not ${url.protocol.replace(/:$/, '')}.`, durationMs: 0 });
  }
  // A literal address skips DNS, and so the lookup's check: judge it here.
  const refused = options.allowPrivate ? null : literalRefusal(url);
  if (refused) return Promise.resolve({ ok: false, code: 'private_address', message: refused, durationMs: 0 });
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const client = url.protocol === 'https:' ? https : http;
  const body = request.body ?? null;
  return new Promise((resolve) => {
    const outgoing = client.request(
      url,
      {
        method: request.method,
        headers: {
          'user-agent': USER_AGENT,
          ...(body !== null ? { 'content-length': Buffer.byteLength(body).toString() } : {}),
          ...request.headers,
        },
        signal,
        ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
        agent: false,
      },
      (response) => {
        const location = response.headers.location;
        const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
        resolve({
          ok: true,
          response,
          signals: { timeout, signal },
          answer: {
            status: response.statusCode ?? 0,
            headers: response.headers,
            durationMs: elapsed(),
            ...(location ? { location: location.slice(0, 500) } : {}),
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          },
        });
      },
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      const durationMs = elapsed();
      if (timeout.aborted) {
        resolve({ ok: false, code: 'timeout', message: `${url.host} did not answer within ${seconds(options.timeoutMs)}; the request was cut off.`, durationMs });
      } else if (options.signal?.aborted) {
        resolve({ ok: false, code: 'aborted', message: 'The request was stopped by its caller.', durationMs });
      } else if (error instanceof RefusedAddressError) {
        resolve({ ok: false, code: 'private_address', message: error.message, durationMs });
      } else {
        resolve({ ok: false, code: 'network', message: describeNetworkError(url, error), ...(error.code ? { errno: error.code } : {}), durationMs });
      }
    });
    outgoing.end(body ?? undefined);
  });
}

/**
 * One request, its body read into memory up to `maxBytes` (the rest is never downloaded). Never throws. A body
 * cut off after the status arrived (the time ran out mid-body) still answers, with `cut: 'ended_early'`: the
 * status is known, and for some callers that is the answer.
 */
export async function request(call: OutboundRequest, options: OutboundOptions): Promise<Result<BufferedAnswer, OutboundFailure>> {
  const opened = await open(call, options);
  if (!opened.ok) return opened;
  const { response, answer } = opened;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (cut: BufferedAnswer['cut']) => {
      if (settled) return;
      settled = true;
      response.destroy();
      resolve({ ok: true, ...answer, body: Buffer.concat(chunks), cut });
    };
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk.subarray(0, options.maxBytes - size));
      size += chunk.length;
      // One byte past the cap tells "cut" from "exactly maxBytes long".
      if (size > options.maxBytes) done('max_bytes');
    });
    response.on('end', () => done(null));
    response.on('error', () => done('ended_early'));
    response.on('aborted', () => done('ended_early'));
    response.on('close', () => done(response.complete ? null : 'ended_early'));
  });
}

/**
 * One request whose body is streamed to the caller (an image download): refused up front when Content-Length
 * says it is over `maxBytes`, and the stream errors with BodyTooLargeError the moment more arrives than that.
 * The time limit covers the whole download. The caller must consume or destroy the body.
 */
export async function requestStream(call: OutboundRequest, options: OutboundOptions): Promise<Result<StreamedAnswer, OutboundFailure>> {
  const opened = await open(call, options);
  if (!opened.ok) return opened;
  const { response, answer, signals } = opened;
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    response.destroy();
    return { ok: false, code: 'too_large', message: `${new URL(call.url).host} offers ${declared} bytes; at most ${options.maxBytes} are accepted.`, durationMs: answer.durationMs };
  }
  let size = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > options.maxBytes) return callback(new BodyTooLargeError(`The download passed ${options.maxBytes} bytes and was cut off.`));
      callback(null, chunk);
    },
  });
  response.on('error', (error) => capped.destroy(error));
  response.on('aborted', () => capped.destroy(new Error(signals.timeout.aborted ? 'The download ran out of time and was cut off.' : 'The download was cut off.')));
  response.on('close', () => {
    if (!response.complete && !capped.destroyed) capped.destroy(new Error(signals.timeout.aborted ? 'The download ran out of time and was cut off.' : 'The download was cut off.'));
  });
  capped.on('close', () => response.destroy());
  response.pipe(capped);
  return { ok: true, ...answer, body: capped };
}
