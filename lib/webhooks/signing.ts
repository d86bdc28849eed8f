import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (symmetric, `v1`): the secret is `whsec_` + base64 of random bytes; each attempt is
 * signed as base64(HMAC-SHA256(secret bytes, "<webhook-id>.<webhook-timestamp>.<body>")). The id stays the same
 * across retries (receivers dedupe on it); the timestamp is the attempt's, so receivers can refuse replays.
 */

const SECRET_PREFIX = 'whsec_';
/** The spec asks for 24 to 64 bytes. */
const SECRET_BYTES = 32;

export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

function secretBytes(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('a webhook signing secret starts with whsec_');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The three Standard Webhooks headers for one attempt at sending `body` (the exact bytes sent). */
export function signedHeaders(secret: string, messageId: string, body: string, at: Date = new Date()): SignedHeaders {
  const timestamp = Math.floor(at.getTime() / 1000).toString();
  const signature = createHmac('sha256', secretBytes(secret)).update(`${messageId}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': messageId, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

/** The webhook-id of an event: the same for every endpoint and every retry. */
export function messageIdOf(eventId: string): string {
  return `msg_${eventId.replaceAll('-', '')}`;
}
