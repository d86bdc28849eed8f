import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sign, verifySignature } from '@/lib/auth/signing';
import { isValidKey } from './keys';
import type { SignedRequest, Storage, StoredObject } from './types';
import type { Result } from '@/lib/result';

/** Local signed URLs are served by app/api/files/[...key]/route.ts. */
export const LOCAL_FILES_PATH = '/api/files/';

export type LocalUrlOperation = 'get' | 'put';

/** What a local signed URL grants, bound into its HMAC so no part can be changed. */
export interface LocalGrant {
  operation: LocalUrlOperation;
  key: string;
  expiresAt: number;
  contentType: string;
  /** For `put`: the exact size the upload must have. */
  size?: number;
  /** For `get`: serve as an attachment with this name. */
  downloadName?: string;
}

function grantParts(grant: LocalGrant): string[] {
  return [grant.operation, grant.key, String(grant.expiresAt), grant.contentType, String(grant.size ?? ''), grant.downloadName ?? ''];
}

async function signedUrl(grant: LocalGrant): Promise<string> {
  const query = new URLSearchParams({ op: grant.operation, exp: String(grant.expiresAt), type: grant.contentType });
  if (grant.size !== undefined) query.set('size', String(grant.size));
  if (grant.downloadName) query.set('dl', grant.downloadName);
  query.set('sig', await sign(grantParts(grant)));
  return `${LOCAL_FILES_PATH}${grant.key}?${query}`;
}

export type GrantCheck = Result<{ grant: LocalGrant }, { code: 'invalid_signature' | 'url_expired'; message: string }>;

/** Checks a local signed URL: signature over every granted field, then expiry. */
export async function verifyLocalUrl(key: string, operation: LocalUrlOperation, query: URLSearchParams, now = Date.now()): Promise<GrantCheck> {
  const signature = query.get('sig');
  const expiresAt = Number(query.get('exp'));
  const sizeParam = query.get('size');
  const grant: LocalGrant = {
    operation,
    key,
    expiresAt,
    contentType: query.get('type') ?? '',
    size: sizeParam === null ? undefined : Number(sizeParam),
    downloadName: query.get('dl') ?? undefined,
  };
  if (!signature || query.get('op') !== operation || !isValidKey(key) || !Number.isFinite(expiresAt)) {
    return { ok: false, code: 'invalid_signature', message: 'This file link is not valid.' };
  }
  if (!(await verifySignature(grantParts(grant), signature))) {
    return { ok: false, code: 'invalid_signature', message: 'This file link is not valid: its signature does not match.' };
  }
  if (expiresAt < now) {
    return { ok: false, code: 'url_expired', message: 'This file link has expired: reload the page for a fresh one.' };
  }
  return { ok: true, grant };
}

export class LocalStorage implements Storage {
  readonly driver = 'local' as const;

  constructor(private readonly root: string) {}

  private pathFor(key: string): string {
    if (!isValidKey(key)) throw new Error(`Refusing a storage key of an unknown shape: ${JSON.stringify(key)}`);
    return path.join(this.root, key);
  }

  async put(key: string, body: Readable | Buffer): Promise<void> {
    const target = this.pathFor(key);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    // Write beside the target and rename: readers never see a half-written file, and a failed write leaves none.
    const temporary = `${target}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, fs.createWriteStream(temporary, { flags: 'wx' }));
      await fsp.rename(temporary, target);
    } catch (error) {
      await fsp.rm(temporary, { force: true });
      throw error;
    }
  }

  async head(key: string): Promise<StoredObject | null> {
    try {
      const stat = await fsp.stat(this.pathFor(key));
      return { size: stat.size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable | null> {
    const file = this.pathFor(key);
    try {
      const handle = await fsp.open(file, 'r');
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** rename(2) is atomic: a slow PUT that lands on `from` later makes a new file there, never touching `to`. */
  async move(from: string, to: string): Promise<boolean> {
    const target = this.pathFor(to);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    try {
      await fsp.rename(this.pathFor(from), target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathFor(key), { force: true });
    // Derivatives share a folder per asset: remove it once empty.
    if (key.startsWith('d/')) await fsp.rmdir(path.dirname(this.pathFor(key))).catch(() => {});
  }

  signedGetUrl(key: string, options: { expiresInSeconds: number; downloadName?: string; contentType?: string }): Promise<string> {
    return signedUrl({
      operation: 'get',
      key,
      expiresAt: expiry(options.expiresInSeconds),
      contentType: options.contentType ?? 'application/octet-stream',
      downloadName: options.downloadName,
    });
  }

  async signedPutUrl(key: string, options: { expiresInSeconds: number; contentType: string; size: number }): Promise<SignedRequest> {
    const url = await signedUrl({ operation: 'put', key, expiresAt: expiry(options.expiresInSeconds), contentType: options.contentType, size: options.size });
    return { url, method: 'PUT', headers: { 'content-type': options.contentType } };
  }

  async check(): Promise<void> {
    await fsp.mkdir(this.root, { recursive: true });
    await fsp.access(this.root, fs.constants.W_OK);
  }

  async space(): Promise<{ freeBytes: number; totalBytes: number }> {
    await fsp.mkdir(this.root, { recursive: true });
    const stats = await fsp.statfs(this.root);
    return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
  }
}

/**
 * Expiry rounded up to a 10-minute step: the same object's URL stays identical for ten minutes, so browsers
 * reuse their cached copy when the grid is scrolled or reloaded.
 */
function expiry(expiresInSeconds: number): number {
  const step = 10 * 60_000;
  return Math.ceil((Date.now() + expiresInSeconds * 1000) / step) * step;
}
