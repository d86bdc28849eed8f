import { pipeline, Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Storage } from '@/lib/storage';
import type { Result } from '@/lib/result';

export type ReceiveResult = Result<object, { code: 'file_too_large' | 'size_mismatch'; message: string }>;

/**
 * Streams a PUT body into storage, holding it to the exact size the URL was signed for: a byte too many stops
 * the upload at once, too few fails it at the end, and either way storage keeps nothing (puts are atomic).
 */
export function receiveUpload(storage: Storage, key: string, body: ReadableStream<Uint8Array>, size: number, contentType: string): Promise<ReceiveResult> {
  return receiveBytes(body, size, (counted) => storage.put(key, counted, { contentType }));
}

/** The same size check around any writer that consumes the stream and fails when it fails (a part's file). */
export async function receiveBytes(body: ReadableStream<Uint8Array>, size: number, write: (counted: Readable) => Promise<unknown>): Promise<ReceiveResult> {
  let received = 0;
  // An object, so TypeScript does not narrow the verdict the stream callbacks set.
  const outcome: { verdict: ReceiveResult } = { verdict: { ok: true } };
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > size) {
        outcome.verdict = { ok: false, code: 'file_too_large', message: `The upload is larger than the ${size} bytes this URL was issued for.` };
        done(new Error('upload too large'));
      } else done(null, chunk);
    },
    flush(done) {
      if (received < size) {
        outcome.verdict = { ok: false, code: 'size_mismatch', message: `The upload ended after ${received} of the ${size} bytes this URL was issued for: send the whole file.` };
        done(new Error('upload too short'));
      } else done();
    },
  });
  const source = Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  // pipeline (not pipe) so a client abort also fails the write instead of leaving it waiting.
  const counted = pipeline(source, counter, () => {});
  try {
    await write(counted);
  } catch (error) {
    if (!outcome.verdict.ok) return outcome.verdict;
    throw error;
  }
  return outcome.verdict;
}
