import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque, unguessable keys: `u/<random>` where an upload URL writes, `o/<random>` for verified originals (no
 * URL is ever signed to write one), `d/<random>/<kind>.webp` for derivatives, `r/<random>` for renditions, `i/<…>` for CSV files kept
 * between an import's preview and its apply (no URL is ever signed for those).
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

/** A ZIP of many photos built by a download's job (lib/downloads), kept until the download expires. */
export function newDownloadKey(): string {
  return `z/${randomBytes(18).toString('base64url')}`;
}

/** A rendition (lib/renditions): a new key for every file made, so a URL to one never shows another. */
export function newRenditionKey(): string {
  return `r/${randomBytes(18).toString('base64url')}`;
}

/** Where a CSV file is written while it arrives (its digest is known only at the end). */
export function newImportFileKey(): string {
  return `i/${randomBytes(18).toString('base64url')}`;
}

/**
 * Where a person's CSV file is kept once its digest is known: one object per person and file, so choosing the
 * same file again replaces its copy rather than adding one. Derived, not stored in a form: pages carry only the
 * file's digest, and the key names neither the person nor the file.
 */
export function importFileKey(userId: string, digest: string): string {
  return `i/${createHash('sha256').update(`${userId}:${digest}`).digest('base64url').slice(0, 24)}`;
}

const KEY_PATTERN = /^([ouirz]\/[A-Za-z0-9_-]{24}|d\/[A-Za-z0-9_-]{24}\/[a-z]+(-[0-9])?\.webp)$/;

/** Only keys of the shapes above are ever read or written: no traversal, no foreign paths. */
export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}
