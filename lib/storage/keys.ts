import { randomBytes } from 'node:crypto';

/**
 * Opaque, unguessable keys: `u/<random>` where an upload URL writes, `o/<random>` for verified originals (no
 * URL is ever signed to write one), `d/<random>/<kind>.webp` for derivatives.
 */
export function newOriginalKey(): string {
  return `o/${randomBytes(18).toString('base64url')}`;
}

export function newUploadKey(): string {
  return `u/${randomBytes(18).toString('base64url')}`;
}

export function newDerivativePrefix(): string {
  return `d/${randomBytes(18).toString('base64url')}`;
}

export function derivativeKey(prefix: string, kind: string): string {
  return `${prefix}/${kind}.webp`;
}

const KEY_PATTERN = /^([ou]\/[A-Za-z0-9_-]{24}|d\/[A-Za-z0-9_-]{24}\/[a-z]+(-[0-9])?\.webp)$/;

/** Only keys of the shapes above are ever read or written: no traversal, no foreign paths. */
export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}
