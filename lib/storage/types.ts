import type { Readable } from 'node:stream';

export interface SignedRequest {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
}

export interface StoredObject {
  size: number;
}

/** One part of a parted upload as storage holds it; `etag` is what S3 needs to assemble it (local: empty). */
export interface UploadedPart {
  partNumber: number;
  size: number;
  etag: string;
}

/**
 * Where originals and derivatives live. Keys are opaque and random (see keys.ts), never built from a filename.
 * Both drivers stream: nothing here holds a whole file in memory.
 */
export interface Storage {
  readonly driver: 'local' | 's3';
  /** Writes a whole object; readers never see a partial one. */
  put(key: string, body: Readable | Buffer, options: { contentType: string }): Promise<void>;
  head(key: string): Promise<StoredObject | null>;
  /** The object's bytes (or a byte range, end inclusive), or null when there is no such object. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable | null>;
  /**
   * Runs `work` on the object as a file on this machine, for tools that read files themselves (sharp, ffmpeg):
   * local storage hands over its own file, S3 streams the object into a private temporary file first and
   * removes it when `work` ends, whether it succeeds or throws. Null (and `work` not run) when there is no such
   * object. Nothing of the object is held in memory on the way.
   */
  withFile<T>(key: string, work: (file: string) => Promise<T>): Promise<T | null>;
  /**
   * Moves an object to a new key, replacing nothing that the source could later change: a write to `from` after
   * the move never reaches `to`. False when there is no object at `from`.
   */
  move(from: string, to: string): Promise<boolean>;
  /** Deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /**
   * A short-lived URL anyone holding it may GET; `downloadName` makes browsers save rather than show it;
   * `immutable`: the object never changes under its key, so the answer may be cached for the URL's lifetime.
   */
  signedGetUrl(key: string, options: { expiresInSeconds: number; downloadName?: string; contentType?: string; immutable?: boolean }): Promise<string>;
  /** A short-lived URL the browser PUTs the original to, bound to this key, type and size. */
  signedPutUrl(key: string, options: { expiresInSeconds: number; contentType: string; size: number }): Promise<SignedRequest>;
  /**
   * Parted uploads for big files (S3 multipart upload; the same protocol on local storage). The parts are
   * assembled at `key` only by `completeMultipartUpload`: no part URL can write the object itself, and once
   * assembled or aborted the upload id is gone, so its part URLs write nothing any more.
   */
  createMultipartUpload(key: string, options: { contentType: string }): Promise<string>;
  /** A short-lived URL the browser PUTs one part to, `size` bytes exactly. */
  signedPartUrl(key: string, uploadId: string, partNumber: number, options: { expiresInSeconds: number; size: number }): Promise<SignedRequest>;
  /** Parts received so far, by part number; null when the upload no longer exists (assembled or aborted). */
  listParts(key: string, uploadId: string): Promise<UploadedPart[] | null>;
  /** Assembles the parts, in order, into the object at `key`, streaming; the upload id is gone afterwards. */
  completeMultipartUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<void>;
  /** Drops the upload and every part received; aborting an upload that no longer exists is not an error. */
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
  /** Reachability check for /api/health. */
  check(): Promise<void>;
  /** Free and total bytes where the driver has a disk of its own (local); null for object stores. */
  space(): Promise<{ freeBytes: number; totalBytes: number } | null>;
}
