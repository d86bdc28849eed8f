import { createHash } from 'node:crypto';
import type { Asset } from '@/db/schema';

export type EmbeddingSource = Pick<Asset, 'altText' | 'tags' | 'filename'>;

/**
 * "alt text | tags | original filename", in that order: alt text carries most meaning, tags the team's own
 * words, the filename is the fallback. Missing parts are left out, so an asset without alt text (pending,
 * failed, decorative) embeds from tags and filename alone.
 */
export function embeddingInput(asset: EmbeddingSource): string {
  const alt = asset.altText?.trim();
  const tags = asset.tags.map((tag) => tag.trim()).filter(Boolean).join(', ');
  return [alt, tags, asset.filename.trim()].filter(Boolean).join(' | ');
}

/** Stored with each vector: a vector whose asset's input hash differs is stale and is redone. */
export function inputHash(input: string): string {
  return createHash('sha256').update(input).digest('hex');
}
