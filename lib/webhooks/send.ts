import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import type { Result } from '@/lib/result';

/**
 * Talking to receivers, who are strangers: what URL an admin may register (http(s) only, no credentials, never
 * a private, loopback or link-local address, which would let anyone with admin rights probe the network Loupe
 * runs in: SSRF), and one POST whose answer is treated as hostile (bounded time, redirects not followed, at
 * most a few KB of the body read). The address check runs again inside the connection's own DNS lookup, so a
 * name that resolved to a public address when it was registered cannot be pointed at 127.0.0.1 later.
 */

/** Ranges no webhook may reach unless WEBHOOKS_ALLOW_PRIVATE is set (IPv4-mapped IPv6 addresses match the IPv4 rules). */
const PRIVATE_RANGES = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true;
  return PRIVATE_RANGES.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export const MAX_URL_LENGTH = 2000;

export type UrlProblem = { code: 'invalid_url' | 'private_address' | 'unresolvable'; message: string };

/** The hostname as an address, when it is one ("[::1]" → "::1"). */
function literalAddress(url: URL): string | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return net.isIP(host) ? host : null;
}

const privateMessage = (host: string, address: string) =>
  `${host} is a private, loopback or link-local address (${address}): Loupe does not send webhooks into its own network. Use a public URL (or set WEBHOOKS_ALLOW_PRIVATE=true on a server that must reach an intranet receiver).`;

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
  const literal = literalAddress(url);
  if (literal) return isPrivateAddress(literal) ? { ok: false, code: 'private_address', message: privateMessage(url.hostname, literal) } : { ok: true, url: url.toString() };
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(url.hostname, { all: true });
  } catch {
    return { ok: false, code: 'unresolvable', message: `${url.hostname} could not be resolved: check the host name.` };
  }
  const blocked = addresses.find((entry) => isPrivateAddress(entry.address));
  if (blocked) return { ok: false, code: 'private_address', message: privateMessage(url.hostname, blocked.address) };
  return { ok: true, url: url.toString() };
}

/** Marks a connection refused by the address check, so it is reported as such and not as a network failure. */
class PrivateAddressError extends Error {
  readonly code = 'LOUPE_PRIVATE_ADDRESS';
}

/** dns.lookup that refuses private addresses: the connection uses exactly the addresses checked here. */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const blocked = allowPrivate ? undefined : addresses.find((entry) => isPrivateAddress(entry.address));
      if (blocked) return callback(new PrivateAddressError(privateMessage(hostname, blocked.address)), '', 0);
      if (options.all) return (callback as unknown as (error: null, addresses: dns.LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
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
  const literal = literalAddress(url);
  // A literal address never goes through the lookup, so it is checked here.
  if (literal && !options.allowPrivate && isPrivateAddress(literal)) {
    return Promise.resolve({ kind: 'unreachable', code: 'private_address', message: privateMessage(url.hostname, literal), durationMs: 0 });
  }
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
        lookup: guardedLookup(options.allowPrivate),
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
      } else if (error instanceof PrivateAddressError) {
        finish({ kind: 'unreachable', code: 'private_address', message: error.message, durationMs });
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
