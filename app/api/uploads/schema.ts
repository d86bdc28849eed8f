import { z } from 'zod';
import { integer, text } from '@/lib/text-input';

const sha256Hex = text().regex(/^[0-9a-fA-F]{64}$/, 'expected the SHA-256 of the file as 64 hex characters');

/** POST /api/uploads. Limits and policy (size, type, filename) are checked by lib/ingest with specific codes. */
export const createUploadBody = z.object({
  filename: text().min(1).max(1024),
  contentType: text().max(255).default(''),
  // Bytes: bigger than PostgreSQL's integer; UPLOAD_MAX_BYTES is checked by lib/ingest with its own answer.
  size: integer(0, Number.MAX_SAFE_INTEGER),
  // Optional: browsers without WebCrypto (plain HTTP on a LAN address) cannot hash; completion dedupes then.
  sha256: sha256Hex.optional(),
  tags: z.array(text().max(64)).max(50).optional(),
});

export const uploadParams = z.object({ id: text().max(100) });

/**
 * POST /api/uploads/{id}/complete. A client that hashed the file while uploading it (big files, in parts)
 * declares the SHA-256 here rather than at the start; completion checks the stored bytes against it.
 */
export const completeUploadQuery = z.object({ sha256: sha256Hex.optional() });

/** POST /api/uploads/{id}/parts: the parts to sign URLs for (1 to the upload's part count). */
export const signPartsBody = z.object({
  partNumbers: z.array(integer(1, 10_000)).min(1).max(100),
});
