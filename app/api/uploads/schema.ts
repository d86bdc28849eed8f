import { z } from 'zod';
import { hasNoNul, NO_NUL_MESSAGE } from '@/lib/text-input';

const sha256Hex = z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected the SHA-256 of the file as 64 hex characters');

/** POST /api/uploads. Limits and policy (size, type, filename) are checked by lib/ingest with specific codes. */
export const createUploadBody = z.object({
  filename: z.string().min(1).max(1024),
  contentType: z.string().max(255).default(''),
  size: z.number().int().min(0),
  // Optional: browsers without WebCrypto (plain HTTP on a LAN address) cannot hash; completion dedupes then.
  sha256: sha256Hex.optional(),
  tags: z.array(z.string().max(64).refine(hasNoNul, NO_NUL_MESSAGE)).max(50).optional(),
});

export const uploadParams = z.object({ id: z.string() });

/**
 * POST /api/uploads/{id}/complete. A client that hashed the file while uploading it (big files, in parts)
 * declares the SHA-256 here rather than at the start; completion checks the stored bytes against it.
 */
export const completeUploadQuery = z.object({ sha256: sha256Hex.optional() });

/** POST /api/uploads/{id}/parts: the parts to sign URLs for (1 to the upload's part count). */
export const signPartsBody = z.object({
  partNumbers: z.array(z.number().int()).min(1).max(100),
});
