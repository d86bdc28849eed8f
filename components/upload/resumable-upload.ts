import { sha256 as sha256Hasher } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { completeUpload, parseErrorMessage, type CompleteResult, type StepOutcome } from './upload-protocol';

/**
 * The browser's side of parted uploads (files over the server's part threshold): PUT parts a few at a time,
 * hash the file alongside (streamed: a 5 GB file never sits in memory), and remember the upload in
 * localStorage so that after a dropped connection or a page reload, picking the same file again asks the
 * server which parts it has and sends only the others.
 */

/** Parts in flight at once: enough to fill the pipe, few enough to leave the page and the server responsive. */
export const PART_CONCURRENCY = 4;
/** Attempts per part before the file is marked failed (Retry, or picking the file again, resumes it). */
const PART_ATTEMPTS = 3;
/** Part URLs asked for in one request. */
const SIGNING_BATCH = 20;
/** Bytes read per hashing step. */
const HASH_CHUNK = 8 * 1024 * 1024;
/** Above this the file is not hashed before announcing (WebCrypto needs all of it in memory): it is hashed while uploading. */
const HASH_FIRST_MAX_BYTES = 64 * 1024 * 1024;
const REMEMBERED_PREFIX = 'loupe.upload.';

/** What POST /api/uploads answers for a big file, and what GET …/parts answers when resuming. */
export interface PartedUpload {
  assetId: string;
  partSize: number;
  partCount: number;
  /** Parts the server already holds. */
  received: number[];
}

interface SignedPart {
  partNumber: number;
  url: string;
  method: string;
  headers: Record<string, string>;
}

/** Small files are hashed before announcing (an early duplicate answer); big ones while their parts go up. */
export function hashBeforeAnnouncing(file: File): boolean {
  return file.size <= HASH_FIRST_MAX_BYTES;
}

/** The same file picked again: same name, size and modification time. */
function rememberedKey(file: File): string {
  return `${REMEMBERED_PREFIX}${file.name}:${file.size}:${file.lastModified}`;
}

export function rememberUpload(file: File, upload: Pick<PartedUpload, 'assetId'>): void {
  try {
    localStorage.setItem(rememberedKey(file), JSON.stringify({ assetId: upload.assetId }));
  } catch {
    // Private mode or a full quota: the upload still works, it just cannot resume after a reload.
  }
}

export function forgetUpload(file: File): void {
  try {
    localStorage.removeItem(rememberedKey(file));
  } catch {
    // As above.
  }
}

function rememberedAssetId(file: File): string | null {
  try {
    const value = JSON.parse(localStorage.getItem(rememberedKey(file)) ?? 'null') as { assetId?: unknown } | null;
    return typeof value?.assetId === 'string' ? value.assetId : null;
  } catch {
    return null;
  }
}

/**
 * An unfinished upload of this very file, with the parts the server holds; null when there is none to resume
 * (never started here, completed, expired or removed: the caller starts afresh).
 */
export async function findResumableUpload(file: File, signal: AbortSignal): Promise<PartedUpload | null> {
  const assetId = rememberedAssetId(file);
  if (!assetId) return null;
  try {
    const response = await fetch(`/api/uploads/${assetId}/parts`, { signal });
    if (!response.ok) {
      forgetUpload(file);
      return null;
    }
    const view = (await response.json()) as { partSize: number; partCount: number; size: number; received: { partNumber: number }[] };
    if (view.size !== file.size) {
      forgetUpload(file);
      return null;
    }
    return { assetId, partSize: view.partSize, partCount: view.partCount, received: view.received.map((part) => part.partNumber) };
  } catch {
    return null;
  }
}

/**
 * Sends every part the server lacks (PART_CONCURRENCY at a time, each retried), hashing the file meanwhile,
 * then completes the upload with the hash. `onProgress` gets the fraction of the file's bytes the server has.
 */
export async function sendInParts(
  file: File,
  upload: PartedUpload,
  events: { onProgress: (fraction: number) => void; onFinishing: () => void },
  signal: AbortSignal,
): Promise<StepOutcome<CompleteResult>> {
  rememberUpload(file, upload);
  const sizeOf = (partNumber: number) => Math.min(upload.partSize, file.size - (partNumber - 1) * upload.partSize);
  const done = new Set(upload.received);
  const inFlight = new Map<number, number>();
  const report = () => {
    let bytes = 0;
    for (const partNumber of done) bytes += sizeOf(partNumber);
    for (const loaded of inFlight.values()) bytes += loaded;
    events.onProgress(Math.min(1, bytes / file.size));
  };
  report();

  const hashing = sha256Streamed(file, signal);
  const pending = Array.from({ length: upload.partCount }, (_, index) => index + 1).filter((partNumber) => !done.has(partNumber));
  const urls = new Map<number, SignedPart>();
  // An object, so TypeScript does not narrow what the workers set.
  const outcome: { failure: Extract<StepOutcome<null>, { ok: false }> | null } = { failure: null };

  const urlFor = async (partNumber: number): Promise<SignedPart | StepOutcome<never>> => {
    const known = urls.get(partNumber);
    if (known) return known;
    const batch = pending.filter((number) => number >= partNumber && !done.has(number)).slice(0, SIGNING_BATCH);
    const signed = await signParts(upload.assetId, batch.length ? batch : [partNumber], signal);
    if (!signed.ok) return signed;
    for (const part of signed.value) urls.set(part.partNumber, part);
    return urls.get(partNumber) ?? { ok: false, kind: 'failed', message: `The server signed no URL for part ${partNumber}.` };
  };

  const sendPart = async (partNumber: number): Promise<StepOutcome<null>> => {
    let last: StepOutcome<null> = { ok: false, kind: 'failed', message: 'The part was not sent.' };
    for (let attempt = 1; attempt <= PART_ATTEMPTS && !signal.aborted; attempt++) {
      const target = await urlFor(partNumber);
      if ('ok' in target) return target;
      const start = (partNumber - 1) * upload.partSize;
      last = await putPart(file.slice(start, start + sizeOf(partNumber)), target, (loaded) => {
        inFlight.set(partNumber, loaded);
        report();
      }, signal);
      inFlight.delete(partNumber);
      if (last.ok) return last;
      // An expired URL or a refused part: the next attempt signs afresh. A rejection (4xx) will not improve.
      urls.delete(partNumber);
      if (last.kind === 'rejected') return last;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
    return last;
  };

  const queue = [...pending];
  const worker = async () => {
    for (let partNumber = queue.shift(); partNumber !== undefined && !outcome.failure; partNumber = queue.shift()) {
      const sent = await sendPart(partNumber);
      if (!sent.ok) {
        outcome.failure = sent;
        return;
      }
      done.add(partNumber);
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.min(PART_CONCURRENCY, queue.length) }, worker));
  if (outcome.failure) return outcome.failure;
  if (signal.aborted) return { ok: false, kind: 'failed', message: 'The upload was cancelled.' };

  events.onFinishing();
  const sha256 = await hashing;
  const completed = await completeUpload(upload.assetId, signal, sha256 ?? undefined);
  // Stored, a duplicate, or refused for good (a wrong hash): nothing left to resume. A failure may be retried.
  if (completed.ok || completed.kind === 'rejected') forgetUpload(file);
  return completed;
}

async function signParts(assetId: string, partNumbers: number[], signal: AbortSignal): Promise<StepOutcome<SignedPart[]>> {
  try {
    const response = await fetch(`/api/uploads/${assetId}/parts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ partNumbers }),
      signal,
    });
    const text = await response.text();
    if (!response.ok) {
      const retryable = response.status === 429 || response.status >= 500;
      return { ok: false, kind: retryable ? 'failed' : 'rejected', message: parseErrorMessage(text) ?? `The server answered HTTP ${response.status}.` };
    }
    return { ok: true, value: (JSON.parse(text) as { parts: SignedPart[] }).parts };
  } catch {
    return { ok: false, kind: 'failed', message: 'Could not reach the server: check the connection and retry.' };
  }
}

/** One part with XMLHttpRequest (for upload progress); `onLoaded` gets the bytes of this part sent so far. */
function putPart(body: Blob, target: SignedPart, onLoaded: (bytes: number) => void, signal: AbortSignal): Promise<StepOutcome<null>> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, target.url);
    for (const [name, value] of Object.entries(target.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onLoaded(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve({ ok: true, value: null });
      const message = parseErrorMessage(xhr.responseText) ?? `Storage refused a part (HTTP ${xhr.status}).`;
      // 403 is an expired URL as often as anything: worth one fresh URL. Size errors will not heal.
      resolve({ ok: false, kind: xhr.status === 413 || xhr.status === 422 ? 'rejected' : 'failed', message });
    };
    xhr.onerror = () => resolve({ ok: false, kind: 'failed', message: 'The upload was interrupted: check the connection and retry.' });
    xhr.onabort = () => resolve({ ok: false, kind: 'failed', message: 'The upload was cancelled.' });
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

/**
 * SHA-256 of the file, read a chunk at a time: WebCrypto has no incremental digest, and this (plain JS, so no
 * CSP change and no secure-context requirement) never holds more than a chunk. Null if the read fails.
 */
async function sha256Streamed(file: File, signal: AbortSignal): Promise<string | null> {
  try {
    const hasher = sha256Hasher.create();
    for (let offset = 0; offset < file.size && !signal.aborted; offset += HASH_CHUNK) {
      hasher.update(new Uint8Array(await file.slice(offset, offset + HASH_CHUNK).arrayBuffer()));
    }
    return signal.aborted ? null : bytesToHex(hasher.digest());
  } catch {
    return null;
  }
}
