import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Config } from '@/lib/config';
import { isValidKey } from './keys';
import type { SignedRequest, Storage, StoredObject, UploadedPart } from './types';

type S3Settings = Extract<Config['storage'], { driver: 's3' }>;

/** S3, Cloudflare R2 and MinIO through @aws-sdk/client-s3. */
export class S3Storage implements Storage {
  readonly driver = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(settings: Pick<S3Settings, 'bucket' | 'region' | 'endpoint' | 'forcePathStyle' | 'credentials'>) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.credentials,
      // The SDK's default CRC32 checksums end up in presigned URLs, which R2 and MinIO reject.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private checked(key: string): string {
    if (!isValidKey(key)) throw new Error(`Refusing a storage key of an unknown shape: ${JSON.stringify(key)}`);
    return key;
  }

  async put(key: string, body: Readable | Buffer, options: { contentType: string }): Promise<void> {
    // PutObject needs a known length. Buffers (derivatives) go in one request; a stream (an import's CSV file)
    // goes in STREAM_PART_BYTES parts once it outgrows one, so no more than a part is ever held in memory.
    if (Buffer.isBuffer(body)) return this.putBytes(key, body, options);
    const chunks = body[Symbol.asyncIterator]();
    let part = await readPart(chunks);
    if (part.ended) return this.putBytes(key, part.bytes, options);
    const uploadId = await this.createMultipartUpload(key, options);
    try {
      const parts: Array<{ ETag: string | undefined; PartNumber: number }> = [];
      for (;;) {
        // A stream that ends on a part boundary ends with an empty read: nothing more to send.
        if (part.bytes.length > 0) {
          const PartNumber = parts.length + 1;
          const sent = await this.client.send(
            new UploadPartCommand({ Bucket: this.bucket, Key: this.checked(key), UploadId: uploadId, PartNumber, Body: part.bytes, ContentLength: part.bytes.length }),
          );
          parts.push({ ETag: sent.ETag, PartNumber });
        }
        if (part.ended) break;
        part = await readPart(chunks);
      }
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: this.checked(key), UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    } catch (error) {
      await chunks.return?.();
      await this.abortMultipartUpload(key, uploadId);
      throw error;
    }
  }

  private async putBytes(key: string, bytes: Buffer, options: { contentType: string }): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.checked(key), Body: bytes, ContentType: options.contentType }));
  }

  async head(key: string): Promise<StoredObject | null> {
    try {
      const result = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.checked(key) }));
      return { size: result.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable | null> {
    try {
      const result = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.checked(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return result.Body instanceof Readable ? result.Body : Readable.from([]);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async withFile<T>(key: string, work: (file: string) => Promise<T>): Promise<T | null> {
    const body = await this.get(key);
    if (!body) return null;
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-s3-'));
    try {
      const file = path.join(folder, 'object');
      await pipeline(body, createWriteStream(file, { mode: 0o600 }));
      return await work(file);
    } finally {
      body.destroy();
      await fs.rm(folder, { recursive: true, force: true });
    }
  }

  /**
   * CopyObject takes one snapshot of the source, so a replayed upload URL (which can only write `from`) never
   * changes `to`; the source is then deleted.
   */
  async move(from: string, to: string): Promise<boolean> {
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: this.checked(to), CopySource: `${this.bucket}/${this.checked(from)}` }));
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    await this.delete(from);
    return true;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.checked(key) }));
  }

  signedGetUrl(key: string, options: { expiresInSeconds: number; downloadName?: string; contentType?: string; immutable?: boolean }): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.checked(key),
        ResponseContentType: options.contentType,
        ResponseContentDisposition: options.downloadName ? contentDisposition(options.downloadName) : undefined,
        ResponseCacheControl: options.immutable ? `private, max-age=${options.expiresInSeconds}, immutable` : undefined,
      }),
      // Signed at the start of a time window: the same object keeps the same URL for the whole window, so browsers
      // reuse cached thumbnails instead of refetching on every page view. The window is at most half the lifetime,
      // so a URL handed out late in its window still has at least half its lifetime left.
      { expiresIn: options.expiresInSeconds, signingDate: windowStart(options.expiresInSeconds) },
    );
  }

  async signedPutUrl(key: string, options: { expiresInSeconds: number; contentType: string; size: number }): Promise<SignedRequest> {
    const url = await getSignedUrl(
      this.client,
      new PutObjectCommand({ Bucket: this.bucket, Key: this.checked(key), ContentType: options.contentType, ContentLength: options.size }),
      { expiresIn: options.expiresInSeconds, signableHeaders: new Set(['content-type']) },
    );
    return { url, method: 'PUT', headers: { 'content-type': options.contentType } };
  }

  async createMultipartUpload(key: string, options: { contentType: string }): Promise<string> {
    const result = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.checked(key), ContentType: options.contentType }));
    if (!result.UploadId) throw new Error('S3 started a multipart upload without an upload id');
    return result.UploadId;
  }

  async signedPartUrl(key: string, uploadId: string, partNumber: number, options: { expiresInSeconds: number; size: number }): Promise<SignedRequest> {
    const url = await getSignedUrl(
      this.client,
      new UploadPartCommand({ Bucket: this.bucket, Key: this.checked(key), UploadId: uploadId, PartNumber: partNumber, ContentLength: options.size }),
      { expiresIn: options.expiresInSeconds },
    );
    return { url, method: 'PUT', headers: {} };
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[] | null> {
    const parts: UploadedPart[] = [];
    let marker: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListPartsCommand({ Bucket: this.bucket, Key: this.checked(key), UploadId: uploadId, PartNumberMarker: marker }));
        for (const part of page.Parts ?? []) {
          if (part.PartNumber !== undefined) parts.push({ partNumber: part.PartNumber, size: part.Size ?? 0, etag: part.ETag ?? '' });
        }
        marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
      } while (marker);
    } catch (error) {
      if (isNoSuchUpload(error)) return null;
      throw error;
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
    const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: this.checked(key),
        UploadId: uploadId,
        MultipartUpload: { Parts: ordered.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
      }),
    );
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.checked(key), UploadId: uploadId }));
    } catch (error) {
      if (!isNoSuchUpload(error)) throw error;
    }
  }

  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  /** A bucket has no free space to report: it grows until the provider's quota refuses a write. */
  async space(): Promise<null> {
    return null;
  }
}

const MAX_CACHE_WINDOW_SECONDS = 600;

function windowStart(expiresInSeconds: number): Date {
  const windowMs = Math.max(1, Math.min(MAX_CACHE_WINDOW_SECONDS, Math.floor(expiresInSeconds / 2))) * 1000;
  return new Date(Math.floor(Date.now() / windowMs) * windowMs);
}

function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NoSuchKey' || error.name === 'NotFound');
}

function isNoSuchUpload(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchUpload' || error.$metadata.httpStatusCode === 404);
}

/** A streamed put's part size: S3 wants at least 5 MiB for every part but the last. */
const STREAM_PART_BYTES = 8 * 1024 * 1024;

/** The stream's next STREAM_PART_BYTES (or a little more: whole chunks), or what is left when it ends first. */
async function readPart(chunks: AsyncIterator<unknown>): Promise<{ bytes: Buffer; ended: boolean }> {
  const read: Buffer[] = [];
  let total = 0;
  while (total < STREAM_PART_BYTES) {
    const next = await chunks.next();
    if (next.done) return { bytes: Buffer.concat(read), ended: true };
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    read.push(chunk);
    total += chunk.length;
  }
  return { bytes: Buffer.concat(read), ended: false };
}

/** RFC 6266: an ASCII fallback plus the UTF-8 name, so "Été collection.jpg" downloads under its own name. */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
