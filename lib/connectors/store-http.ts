import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Pacer, request, requestStream, type BufferedAnswer, type OutboundFailure, type StreamedAnswer } from '@/lib/outbound';
import type { Result } from '@/lib/result';
import type { ConnectorError, ConnectorLimits, RemoteImage, StoreAccess } from './types';

/**
 * The HTTP plumbing the shop connectors share: failures, pacing per store host, the paced call through
 * lib/outbound (no redirects followed), the paced JSON call and the image download. Only what really differs
 * between platforms is a parameter: who the messages name, the media type, the advice when an address is not
 * the platform's API.
 */

const API_TIMEOUT_MS = 30_000;
export const IMAGE_TIMEOUT_MS = 120_000;

export type Fail = { ok: false } & ConnectorError;

export function fail(code: ConnectorError['code'], message: string, retryAfterMs?: number): Fail {
  return { ok: false, code, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the answers (hostile: every field checked)

export function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

export function text(value: unknown, max = 2000): string {
  return typeof value === 'string' ? value.replaceAll('\u0000', '').slice(0, max) : '';
}

export function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2000) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** The store's own clock (its Date header): an ImagePage's storeTime. */
export function storeTime(headers: IncomingHttpHeaders): string | null {
  const at = Date.parse(String(headers.date ?? ''));
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

/** A download's media type, or the refusal when it is not an image. */
export function imageType(answer: StreamedAnswer, remoteId: string): Result<{ contentType: string }, ConnectorError> {
  const contentType = String(answer.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() || null;
  if (!contentType?.startsWith('image/')) return fail('rejected_file', `The file of image ${remoteId} is ${contentType ?? 'of no stated type'}, not an image.`);
  return { ok: true, contentType };
}

// ---------------------------------------------------------------------------------------------------------------
// Calls

/** How a platform's JSON API is called and what its answers say when they are not that API. */
export interface JsonDialect {
  mediaType: string;
  authorization(access: StoreAccess): string;
  /** The refusal of an answer that is not JSON: `type` is its media type ("something" when unstated). */
  notJson(type: string, status: number): string;
  /**
   * The error text of a JSON 5xx answer. Without it, any 5xx is a failure before its body is read (the
   * platform's failures say nothing more useful).
   */
  errorDetail?(json: unknown): string;
}

export interface StoreHttpOptions {
  /** The pace keys' prefix ('wordpress'): one store host's calls wait their turn under it. */
  kind: string;
  limits: ConnectorLimits;
  /** Who the messages name: "The store", "Drupal". */
  speaker: string;
  /** Who a redirect is blamed on ("The site") and what to enter instead. */
  redirect: { subject: string; advice: string };
  /** What Loupe would connect to on a private address: "a store". */
  privateSite: string;
  maxJsonBytes: number;
}

export type Buffered = ({ ok: true; waitMs: number | null } & BufferedAnswer) | Fail;
export type Json = { ok: true; status: number; headers: IncomingHttpHeaders; json: unknown } | Fail;

export class StoreHttp {
  /** One pacer per connector and process: every call to one store's host waits its turn here. */
  readonly pacer = new Pacer();

  constructor(private readonly options: StoreHttpOptions) {}

  paceKey(url: string): string {
    return `${this.options.kind}:${new URL(url).host}`;
  }

  paceLimits(access: StoreAccess) {
    return {
      concurrency: access.pace?.concurrency ?? this.options.limits.concurrency,
      requestsPerSecond: access.pace?.requestsPerSecond ?? this.options.limits.requestsPerSecond,
    };
  }

  /** For tests and the benchmark: pacing figures of one store's host. */
  stats(url: string) {
    return this.pacer.stats(this.paceKey(url));
  }

  transportFailure(failure: OutboundFailure, site: string): Fail {
    switch (failure.code) {
      case 'private_address':
        return fail('private_address', `${failure.message}: Loupe connects to stores on public addresses only (set CONNECTIONS_ALLOW_PRIVATE=true for ${this.options.privateSite} on your own network).`);
      case 'timeout':
      case 'network':
      case 'aborted':
        return fail('unreachable', failure.message);
      case 'too_large':
        return fail('rejected_file', failure.message);
      case 'invalid_url':
        return fail('unreachable', `${site} is not a URL Loupe can call: ${failure.message}`);
    }
  }

  /**
   * One call paced under the store's host (wherever `url` points: an upload target is the store's work too),
   * its rate-limit headers observed; a redirect is refused, never followed.
   */
  async send(access: StoreAccess, method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, body?: string | Buffer, maxBytes = this.options.maxJsonBytes): Promise<Buffered> {
    const key = this.paceKey(access.url);
    const release = await this.pacer.acquire(key, this.paceLimits(access), access.signal).catch(() => null);
    if (!release) return fail('unreachable', 'The call was stopped before it was sent.');
    try {
      const answer = await request(
        { method, url, headers, ...(body !== undefined ? { body } : {}) },
        { timeoutMs: API_TIMEOUT_MS, allowPrivate: access.allowPrivate, maxBytes, signal: access.signal },
      );
      if (!answer.ok) return this.transportFailure(answer, access.url);
      const waitMs = this.pacer.observe(key, answer.headers);
      if (answer.status >= 300 && answer.status < 400) {
        const where = answer.location ? ` to ${answer.location}` : '';
        return fail('not_platform', `${this.options.redirect.subject} redirects${where}; Loupe follows no redirects: ${this.options.redirect.advice}`);
      }
      return { ...answer, waitMs };
    } finally {
      release();
    }
  }

  /** One paced JSON call; answers the parsed body for any status below 500, or a failure when it is not JSON at all. */
  async callJson(access: StoreAccess, dialect: JsonDialect, method: 'GET' | 'POST' | 'PATCH', url: string, body?: object): Promise<Json> {
    const { speaker } = this.options;
    const answer = await this.send(
      access,
      method,
      url,
      { accept: dialect.mediaType, authorization: dialect.authorization(access), ...(body ? { 'content-type': dialect.mediaType } : {}) },
      body ? JSON.stringify(body) : undefined,
    );
    if (!answer.ok) return answer;
    if (answer.status === 429 || (answer.status === 503 && answer.waitMs !== null)) {
      return fail('rate_limited', `${speaker} asked Loupe to slow down (${answer.status}).`, answer.waitMs ?? undefined);
    }
    if (answer.status >= 500 && !dialect.errorDetail) return fail('remote_error', `${speaker} failed (${answer.status}).`);
    if (answer.cut) return fail('remote_error', `${speaker}’s answer was cut off or too large to read.`);
    const type = String(answer.headers['content-type'] ?? '');
    if (!type.includes('json')) {
      if (answer.status >= 500) return fail('remote_error', `${speaker} failed (${answer.status}).`);
      return fail('not_platform', dialect.notJson(type.split(';')[0] || 'something', answer.status));
    }
    let json: unknown;
    try {
      json = JSON.parse(answer.body.toString('utf8'));
    } catch {
      return fail('not_platform', 'The site answered JSON that does not parse.');
    }
    if (answer.status >= 500) {
      const detail = dialect.errorDetail?.(json);
      return fail('remote_error', `${speaker} failed (${answer.status}${detail ? `: ${detail}` : ''}).`);
    }
    return { ok: true, status: answer.status, headers: answer.headers, json };
  }

  /**
   * A paced download of an image's file (paced under the file's own host, which may be a CDN); the pacing slot
   * is held until the download ends, so concurrency counts downloads too.
   */
  async fetchImage(
    access: StoreAccess,
    image: Pick<RemoteImage, 'remoteId' | 'url'>,
    maxBytes: number,
    headers: Record<string, string> = {},
  ): Promise<Result<{ body: Readable; contentType: string | null }, ConnectorError>> {
    const { speaker } = this.options;
    const key = this.paceKey(image.url);
    const release = await this.pacer.acquire(key, this.paceLimits(access), access.signal).catch(() => null);
    if (!release) return fail('unreachable', 'The download was stopped before it began.');
    let handedOver = false;
    try {
      const answer = await requestStream(
        { method: 'GET', url: image.url, headers: { accept: 'image/*', ...headers } },
        { timeoutMs: IMAGE_TIMEOUT_MS, allowPrivate: access.allowPrivate, maxBytes, signal: access.signal },
      );
      if (!answer.ok) return this.transportFailure(answer, image.url);
      const waitMs = this.pacer.observe(key, answer.headers);
      const refuse = (result: Fail) => {
        answer.body.destroy();
        return result;
      };
      if (answer.status === 404 || answer.status === 410) return refuse(fail('not_found', `${speaker} no longer has the file of image ${image.remoteId} (${answer.status}).`));
      if (answer.status === 429) return refuse(fail('rate_limited', `${speaker} asked Loupe to slow down (429).`, waitMs ?? undefined));
      if (answer.status === 401 || answer.status === 403) return refuse(fail('forbidden', `${speaker} refused the file of image ${image.remoteId} (${answer.status}).`));
      if (answer.status !== 200) return refuse(fail('remote_error', `${speaker} answered ${answer.status} for the file of image ${image.remoteId}.`));
      const type = imageType(answer, image.remoteId);
      if (!type.ok) return refuse(type);
      handedOver = true;
      answer.body.once('close', release);
      return { ok: true, body: answer.body, contentType: type.contentType };
    } finally {
      if (!handedOver) release();
    }
  }
}
