import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sign, verifySignature } from '@/lib/auth/signing';
import { isValidKey } from './keys';
import type { SignedRequest, Storage, StoredObject, UploadedPart } from './types';
import type { Result } from '@/lib/result';

/** Local signed URLs are served by app/api/files/[...key]/route.ts. */
export const LOCAL_FILES_PATH = '/api/files/';

export type LocalUrlOperation = 'get' | 'put' | 'part';

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
  /** For `part`: which parted upload and which of its parts this URL writes. */
  uploadId?: string;
  partNumber?: number;
}

function grantParts(grant: LocalGrant): string[] {
  const parts = [grant.operation, grant.key, String(grant.expiresAt), grant.contentType, String(grant.size ?? ''), grant.downloadName ?? ''];
  return grant.operation === 'part' ? [...parts, grant.uploadId ?? '', String(grant.partNumber ?? '')] : parts;
}

async function signedUrl(grant: LocalGrant): Promise<string> {
  const query = new URLSearchParams({ op: grant.operation, exp: String(grant.expiresAt), type: grant.contentType });
  if (grant.size !== undefined) query.set('size', String(grant.size));
  if (grant.downloadName) query.set('dl', grant.downloadName);
  if (grant.uploadId !== undefined) query.set('upload', grant.uploadId);
  if (grant.partNumber !== undefined) query.set('part', String(grant.partNumber));
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
    ...(operation === 'part' ? { uploadId: query.get('upload') ?? '', partNumber: Number(query.get('part')) } : {}),
  };
  const badPart = operation === 'part' && (!isUploadId(grant.uploadId ?? '') || !Number.isInteger(grant.partNumber));
  if (!signature || query.get('op') !== operation || !isValidKey(key) || !Number.isFinite(expiresAt) || badPart) {
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

/** Local parted uploads: one folder of part files per upload, under a folder no object key can name. */
const PARTS_FOLDER = '.parts';
const UPLOAD_ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;

function isUploadId(uploadId: string): boolean {
  return UPLOAD_ID_PATTERN.test(uploadId);
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

  async withFile<T>(key: string, work: (file: string) => Promise<T>): Promise<T | null> {
    const file = this.pathFor(key);
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    // Reading a byte first: a file the system cannot read (EISDIR, EIO) fails here as the system error it is,
    // to be retried, rather than in a decoder that would call it damaged.
    try {
      await handle.read(Buffer.alloc(1), 0, 1, 0);
    } finally {
      await handle.close();
    }
    return work(file);
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

  /** `immutable` needs no field in the grant: the file route answers derivative and rendition keys as immutable. */
  signedGetUrl(key: string, options: { expiresInSeconds: number; downloadName?: string; contentType?: string; immutable?: boolean }): Promise<string> {
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

  private partsFolder(uploadId: string): string {
    if (!isUploadId(uploadId)) throw new Error(`Refusing an upload id of an unknown shape: ${JSON.stringify(uploadId)}`);
    return path.join(this.root, PARTS_FOLDER, uploadId);
  }

  async createMultipartUpload(key: string): Promise<string> {
    this.pathFor(key);
    const uploadId = randomBytes(18).toString('base64url');
    await fsp.mkdir(this.partsFolder(uploadId), { recursive: true });
    return uploadId;
  }

  async signedPartUrl(key: string, uploadId: string, partNumber: number, options: { expiresInSeconds: number; size: number }): Promise<SignedRequest> {
    const contentType = 'application/octet-stream';
    const url = await signedUrl({ operation: 'part', key, expiresAt: expiry(options.expiresInSeconds), contentType, size: options.size, uploadId, partNumber });
    return { url, method: 'PUT', headers: { 'content-type': contentType } };
  }

  /**
   * Writes one part (served by the files route for a `part` URL). Beside its final name and renamed, as put():
   * a part listed is always whole. False when the upload no longer exists (assembled or aborted meanwhile).
   */
  async putPart(uploadId: string, partNumber: number, body: Readable): Promise<boolean> {
    const folder = this.partsFolder(uploadId);
    const target = path.join(folder, String(partNumber));
    const temporary = `${target}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await pipeline(body, fs.createWriteStream(temporary, { flags: 'wx' }));
      await fsp.rename(temporary, target);
      return true;
    } catch (error) {
      await fsp.rm(temporary, { force: true });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async listParts(_key: string, uploadId: string): Promise<UploadedPart[] | null> {
    const folder = this.partsFolder(uploadId);
    let names: string[];
    try {
      names = await fsp.readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const parts: UploadedPart[] = [];
    for (const name of names.filter((entry) => /^[1-9][0-9]*$/.test(entry))) {
      const stat = await fsp.stat(path.join(folder, name)).catch(() => null);
      if (stat) parts.push({ partNumber: Number(name), size: stat.size, etag: '' });
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  /** Concatenates the part files into the object, one stream after another: never more than a chunk in memory. */
  async completeMultipartUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
    const folder = this.partsFolder(uploadId);
    const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    async function* concatenated() {
      for (const part of ordered) yield* fs.createReadStream(path.join(folder, String(part.partNumber)));
    }
    await this.put(key, Readable.from(concatenated()));
    await fsp.rm(folder, { recursive: true, force: true });
  }

  async abortMultipartUpload(_key: string, uploadId: string): Promise<void> {
    await fsp.rm(this.partsFolder(uploadId), { recursive: true, force: true });
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
