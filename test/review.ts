import { randomBytes } from 'node:crypto';
import type { Db } from '@/db/client';
import { altHistory, assets, type Asset } from '@/db/schema';
import { PROMPT_VERSION } from '@/lib/alt';
import { newDerivativePrefix, newOriginalKey } from '@/lib/storage';

/** Test support for the review queue: assets as the pipeline leaves them, written straight into the table. */

export type ReviewSeed = Partial<
  Pick<Asset, 'filename' | 'title' | 'sku' | 'collection' | 'tags' | 'width' | 'height' | 'altText' | 'altStatus' | 'altSource' | 'altModel' | 'altPromptVersion' | 'altLastError' | 'altNextAttemptAt' | 'state' | 'createdAt'>
>;

/** An embedded asset with an AI proposal from the current prompt, unless `seed` says otherwise. */
export async function reviewAsset(db: Db, seed: ReviewSeed = {}): Promise<Asset> {
  const proposed = seed.altText !== undefined ? seed.altText !== null : true;
  const [row] = await db
    .insert(assets)
    .values({
      filename: seed.filename ?? `photo-${randomBytes(4).toString('hex')}.jpg`,
      declaredType: 'image/jpeg',
      declaredSize: 1000,
      sha256: randomBytes(32).toString('hex'),
      originalKey: newOriginalKey(),
      derivativePrefix: newDerivativePrefix(),
      width: seed.width ?? 2000,
      height: seed.height ?? 2000,
      state: seed.state ?? 'embedded',
      title: seed.title ?? null,
      sku: seed.sku ?? null,
      collection: seed.collection ?? null,
      tags: seed.tags ?? [],
      altText: seed.altText === undefined ? 'Navy wool crew-neck jumper folded on a pale wooden table.' : seed.altText,
      altStatus: seed.altStatus ?? (proposed ? 'proposed' : 'none'),
      altSource: seed.altSource === undefined ? (proposed ? 'ai' : null) : seed.altSource,
      altAuthor: proposed ? 'groq' : null,
      altModel: seed.altModel === undefined ? (proposed ? 'test-vision-model' : null) : seed.altModel,
      altPromptVersion: seed.altPromptVersion === undefined ? (proposed ? PROMPT_VERSION : null) : seed.altPromptVersion,
      altLastError: seed.altLastError ?? null,
      altNextAttemptAt: seed.altNextAttemptAt ?? null,
      ...(seed.createdAt ? { createdAt: seed.createdAt } : {}),
    })
    .returning();
  return row;
}

/**
 * A proposal the quality gate refused, as describeAsset records it: the text in the history, the reason and the
 * next automatic try on the asset.
 */
export async function gateRejectedAsset(db: Db, text: string, reason: string, seed: ReviewSeed = {}): Promise<Asset> {
  const asset = await reviewAsset(db, { ...seed, altText: null, altLastError: `gate_rejected: ${reason}`, altNextAttemptAt: new Date(Date.now() + 5 * 60_000) });
  await db.insert(altHistory).values({ assetId: asset.id, event: 'gate_rejected', source: 'ai', text, outcome: 'gate_rejected', message: reason, provider: 'groq', model: 'test-vision-model', promptVersion: PROMPT_VERSION });
  return asset;
}
