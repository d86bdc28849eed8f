import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random, URL-safe token for sessions, API tokens and invites. */
export function newToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Tokens are stored as SHA-256: they are high-entropy, so a fast hash is enough and a leaked table leaks nothing. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
