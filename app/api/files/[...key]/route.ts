import { Readable } from 'node:stream';
import { z } from 'zod';
import { text } from '@/lib/text-input';
import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { checkPartTarget, checkUploadTarget, receiveBytes, receiveUpload } from '@/lib/ingest';
import { getStorage, LocalStorage, parseByteRange, verifyLocalUrl, type Storage, contentDisposition } from '@/lib/storage';

export const dynamic = 'force-dynamic';

/**
 * Local storage's signed URLs. Public: the HMAC over key, operation, expiry, type and size is the check, so a
 * URL works only for its own object, operation and lifetime.
 */
const params = z.object({ key: z.array(text().max(1024)).min(1).max(20) });

async function localStorageOnly(): Promise<Storage> {
  const storage = await getStorage();
  if (storage.driver !== 'local') throw new ApiError('not_found', 'Files are served by the storage service, not by this app.');
  return storage;
}

async function verified(request: Request, key: string, operation: 'get' | 'put' | 'part') {
  const check = await verifyLocalUrl(key, operation, new URL(request.url).searchParams);
  if (!check.ok) throw new ApiError(check.code, check.message);
  return check.grant;
}

export const GET = route({ role: 'public', params }, async ({ request, params }) => {
  const key = params.key.join('/');
  const grant = await verified(request, key, 'get');
  const storage = await localStorageOnly();
  const head = await storage.head(key);
  if (!head) throw new ApiError('not_found', 'This file no longer exists.');
  // Video players seek with Range requests; answering them is what makes a video play from any point.
  const range = parseByteRange(request.headers.get('range'), head.size);
  if (range.kind === 'unsatisfiable') {
    throw new ApiError('range_not_satisfiable', `The file has ${head.size} bytes; ask for a range inside them.`, undefined, { 'Content-Range': `bytes */${head.size}` });
  }
  const stream = await storage.get(key, range.kind === 'range' ? range : undefined);
  if (!stream) throw new ApiError('not_found', 'This file no longer exists.');
  const headers = new Headers({
    'Content-Type': grant.contentType,
    'Content-Length': String(range.kind === 'range' ? range.end - range.start + 1 : head.size),
    'Accept-Ranges': 'bytes',
    'X-Content-Type-Options': 'nosniff',
    // Even a file that slipped past sniffing cannot run script in our origin.
    'Content-Security-Policy': "default-src 'none'; sandbox",
    // Derivatives and renditions never change under their key (a new file gets a new key).
    'Cache-Control': key.startsWith('d/') || key.startsWith('r/')
      ? `private, max-age=${Math.max(0, Math.floor((grant.expiresAt - Date.now()) / 1000))}, immutable`
      : 'private, no-store',
  });
  if (grant.downloadName) headers.set('Content-Disposition', contentDisposition(grant.downloadName));
  if (range.kind === 'range') headers.set('Content-Range', `bytes ${range.start}-${range.end}/${head.size}`);
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status: range.kind === 'range' ? 206 : 200, headers });
});

export const PUT = route({ role: 'public', params }, async ({ request, params }) => {
  const key = params.key.join('/');
  if (new URL(request.url).searchParams.get('op') === 'part') return putPart(request, key);
  const grant = await verified(request, key, 'put');
  const storage = await localStorageOnly();
  const size = grant.size ?? 0;
  const contentType = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (contentType !== grant.contentType) {
    throw new ApiError('bad_request', `Send the file with Content-Type: ${grant.contentType}, as the upload URL was issued for.`);
  }
  const declaredLength = request.headers.get('content-length');
  if (declaredLength !== null && Number(declaredLength) > size) {
    throw new ApiError('file_too_large', `The upload is larger than the ${size} bytes this URL was issued for.`);
  }
  const db = await getDb();
  const target = await checkUploadTarget(db, key);
  if (!target.ok) throw new ApiError(target.code, target.message);
  if (!request.body) throw new ApiError('size_mismatch', `The upload is empty; this URL expects ${size} bytes.`);
  const received = await receiveUpload(storage, key, request.body, size, grant.contentType);
  if (!received.ok) throw new ApiError(received.code, received.message);
  // A PUT let in before completion but finished after it: completion already took the bytes it checked.
  const late = await checkUploadTarget(db, key);
  if (!late.ok) {
    await storage.delete(key);
    throw new ApiError('upload_closed', 'This upload was completed while the file was still arriving: the file stored is the one completion checked.');
  }
  return new Response(null, { status: 200 });
});

/** One part of a parted upload (local storage's UploadPart): held to its planned size like a whole upload. */
async function putPart(request: Request, key: string): Promise<Response> {
  const grant = await verified(request, key, 'part');
  const storage = await localStorageOnly();
  if (!(storage instanceof LocalStorage)) throw new ApiError('not_found', 'Files are served by the storage service, not by this app.');
  const size = grant.size ?? 0;
  const uploadId = grant.uploadId ?? '';
  const partNumber = grant.partNumber ?? 0;
  const tooLarge = `Part ${partNumber} is larger than the ${size} bytes planned for it: send exactly that slice of the file.`;
  const declaredLength = request.headers.get('content-length');
  if (declaredLength !== null && Number(declaredLength) > size) throw new ApiError('part_too_large', tooLarge);
  const target = await checkPartTarget(await getDb(), uploadId);
  if (!target.ok) throw new ApiError(target.code, target.message);
  if (!request.body) throw new ApiError('size_mismatch', `Part ${partNumber} is empty; this URL expects ${size} bytes.`);
  let written = true;
  const received = await receiveBytes(request.body, size, async (counted) => {
    written = await storage.putPart(uploadId, partNumber, counted);
  });
  if (!received.ok) throw received.code === 'file_too_large' ? new ApiError('part_too_large', tooLarge) : new ApiError(received.code, received.message);
  if (!written) throw new ApiError('not_found', 'This upload no longer exists (completed, or expired): start the upload again.');
  return new Response(null, { status: 200 });
}
