import { webcrypto } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver for the tests: a real HTTP server on 127.0.0.1 that records every request and checks its
 * signature with its own implementation of the Standard Webhooks spec (WebCrypto, written from the spec, sharing
 * no code with lib/webhooks), and that can be told to answer as badly as a real receiver might.
 */

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  signature: string;
  body: string;
  /** The parsed body: { type, timestamp, data }. */
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  /** The signature verified against the secret, and the timestamp within five minutes. */
  verified: boolean;
  headers: http.IncomingHttpHeaders;
  /** How the answer went, once the connection closed: bytes of body written, and whether the client hung up first. */
  answer?: { bytesSent: number; hungUp: boolean };
}

export type Behaviour =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Answers only after `ms`. */
  | { kind: 'slow'; ms: number }
  /** 200, then a body of `bytes` bytes streamed as fast as the client reads it. */
  | { kind: 'huge'; bytes: number };

const TOLERANCE_SECONDS = 5 * 60;

function base64ToBytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

/** Standard Webhooks, symmetric: any `v1,<base64>` entry of the space-separated header must match. */
export async function verifyStandardWebhook(
  secret: string,
  id: string,
  timestamp: string,
  body: string,
  signatureHeader: string,
  nowSeconds = Date.now() / 1000,
): Promise<boolean> {
  if (!secret.startsWith('whsec_') || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const key = await webcrypto.subtle.importKey('raw', base64ToBytes(secret.slice('whsec_'.length)), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const signed = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  for (const entry of signatureHeader.split(' ')) {
    const [version, value] = entry.split(',');
    // subtle.verify compares in constant time.
    if (version === 'v1' && value && (await webcrypto.subtle.verify('HMAC', key, base64ToBytes(value), signed))) return true;
  }
  return false;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** How to answer the next requests, in order; once used up, 200. */
  answer: (...behaviours: Behaviour[]) => void;
  /** The secret to verify with (the endpoint's, shown once on creation). */
  setSecret: (secret: string) => void;
  close: () => Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queue: Behaviour[] = [];
  let secret = '';
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => String(request.headers[name] ?? '');
      const verified = await verifyStandardWebhook(secret, header('webhook-id'), header('webhook-timestamp'), body, header('webhook-signature'));
      const entry: ReceivedWebhook = {
        id: header('webhook-id'),
        timestamp: Number(header('webhook-timestamp')),
        signature: header('webhook-signature'),
        body,
        payload: JSON.parse(body) as ReceivedWebhook['payload'],
        verified,
        headers: request.headers,
      };
      received.push(entry);
      let bytesSent = 0;
      response.on('close', () => (entry.answer = { bytesSent, hungUp: !response.writableFinished }));
      const behaviour = queue.shift() ?? { kind: 'status', status: 200, body: 'ok' };
      if (behaviour.kind === 'status') {
        response.writeHead(behaviour.status, behaviour.headers);
        response.end(behaviour.body ?? '');
      } else if (behaviour.kind === 'slow') {
        const timer = setTimeout(() => response.end('late'), behaviour.ms);
        response.on('close', () => clearTimeout(timer));
      } else {
        response.writeHead(200, { 'content-type': 'text/plain' });
        const block = Buffer.alloc(64 * 1024, 'x');
        let sent = 0;
        const pump = () => {
          while (sent < behaviour.bytes && !response.destroyed) {
            sent += block.length;
            bytesSent = sent;
            if (!response.write(block)) return void response.once('drain', pump);
          }
          response.end();
        };
        pump();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/loupe`,
    received,
    answer: (...behaviours) => queue.push(...behaviours),
    setSecret: (value) => {
      secret = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
