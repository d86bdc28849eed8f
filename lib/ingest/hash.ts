import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

export interface StreamDigest {
  sha256: string;
  size: number;
  /** The first `headBytes` bytes, for sniffing, read in the same pass. */
  head: Buffer;
}

/** Reads a stream once: SHA-256 and size of all of it, plus its first bytes. Never holds the whole file. */
export async function digestStream(stream: Readable, headBytes: number): Promise<StreamDigest> {
  const hash = createHash('sha256');
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    hash.update(bytes);
    size += bytes.length;
    if (headLength < headBytes) {
      const part = bytes.subarray(0, headBytes - headLength);
      headChunks.push(part);
      headLength += part.length;
    }
  }
  return { sha256: hash.digest('hex'), size, head: Buffer.concat(headChunks) };
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
