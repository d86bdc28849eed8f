import type { Db } from '@/db/client';
import type { Asset } from '@/db/schema';
import { isPersonText } from './authorship';
import { isLeaseHeld, type JobLease } from '@/lib/jobs';
import { isVideo } from '@/lib/ingest';
import type { Storage } from '@/lib/storage';
import { catalogueContextFor } from './context';
import { generateAlt, type GenerateOutcome } from './generate';
import { videoFramesFor, visionImageFor } from './image';
import type { RetryOptions } from './policy';
import { PROMPT_VERSION, VIDEO_PROMPT_VERSION } from './prompt';
import { databaseBackoff } from './provider-state';
import { nextAltAttemptAt } from './schedule';
import type { AltFailure, TokenUsage, VisionProvider } from './types';
import { findAsset, insertAltHistory, writeAiAlt, writeAltFailure, writeDecorativeAlt } from './write';
import type { ClaimLost } from '@/lib/result';

export type DescribeAssetOutcome =
  | { kind: 'written'; asset: Asset }
  | { kind: 'decorative'; reason: string }
  /** Nothing to do: a person wrote the text, or the model already did and nobody asked for a new one. */
  | { kind: 'skipped'; reason: 'human_text' | 'ai_text' }
  /** A person's edit landed while the model was working: their text stays, the model's is only history. */
  | { kind: 'kept_human'; proposal: string }
  /** `nextAttemptAt`: when to try again (null: not until a vision provider is configured). */
  | { kind: 'failed'; failure: AltFailure; nextAttemptAt: Date | null }
  /** The job's lease passed to another worker: nothing of ours was written to the asset. */
  | ClaimLost;

export interface DescribeAssetDeps extends RetryOptions {
  db: Db;
  storage: Storage;
  provider: VisionProvider | null;
  transport: 'url' | 'base64';
  minImagePx: number;
  log?: Pick<Console, 'warn'>;
  /** Calls made for background work (a backfill, a bulk regenerate or reject), which the daily budgets count. */
  background?: boolean;
}

export interface DescribeAssetOptions {
  signal?: AbortSignal;
  /** Set by the describe job: every write is conditional on still holding this lease. */
  lease?: JobLease;
  /** Only regeneration, which a person asks for, replaces existing AI text ('proposed': the backfill's, only unapproved AI text). */
  replaceAi: boolean | 'proposed';
  /** How soon what a written text causes (re-embedding) runs: the describe job's own priority. */
  priority?: number;
}

/** Writes (or declines to write) one asset's alt text, recording every attempt in its history. Never throws for expected failures. */
export async function describeAsset(asset: Asset, deps: DescribeAssetDeps, options: DescribeAssetOptions): Promise<DescribeAssetOutcome> {
  const { db } = deps;
  if (isPersonText(asset.altSource)) return { kind: 'skipped', reason: 'human_text' };
  const keepsAi = !options.replaceAi || (options.replaceAi === 'proposed' && asset.altStatus !== 'proposed');
  if (asset.altSource === 'ai' && keepsAi) return { kind: 'skipped', reason: 'ai_text' };

  const decorativeReason = tinyReason(asset, deps.minImagePx) ?? (asset.decorative ? 'marked decorative' : null);
  if (decorativeReason) {
    const written = await writeDecorativeAlt(db, { assetId: asset.id, lease: options.lease, priority: options.priority });
    if (written) await insertAltHistory(db, [{ assetId: asset.id, event: 'decorative', text: '', outcome: 'written', message: decorativeReason }]);
    return written || (await stillHeld(db, options.lease)) ? { kind: 'decorative', reason: decorativeReason } : { kind: 'claim_lost' };
  }

  const provider = deps.provider;
  if (!provider) return recordFailure(deps, asset, { result: NO_PROVIDER, attempts: [] }, options.lease);
  const generated = await generateFor(asset, provider, deps, options.signal);
  const { result } = generated;
  if (!result.ok) return recordFailure(deps, asset, { ...generated, result }, options.lease);

  const written = await writeAiAlt(db, {
    assetId: asset.id,
    text: result.text,
    provider: provider.name,
    model: provider.model,
    promptVersion: promptVersionFor(asset),
    replaceAi: options.replaceAi,
    lease: options.lease,
    priority: options.priority,
  });
  await insertAltHistory(db, historyEntries(asset.id, promptVersionFor(asset), deps, generated, written ? 'written' : 'not_written'));
  if (written) return { kind: 'written', asset: written };
  const current = await findAsset(db, asset.id);
  if (!current || !(await stillHeld(db, options.lease))) return { kind: 'claim_lost' };
  return isPersonText(current.altSource) ? { kind: 'kept_human', proposal: result.text } : { kind: 'skipped', reason: 'ai_text' };
}

const NO_PROVIDER: AltFailure = { ok: false, kind: 'no_provider', message: 'no vision provider configured' };

/** The alt text stays as it was; the failure, its history and the next attempt are recorded. */
async function recordFailure(
  deps: DescribeAssetDeps,
  asset: Asset,
  generated: GenerateOutcome & { result: AltFailure },
  lease: JobLease | undefined,
): Promise<DescribeAssetOutcome> {
  const { db } = deps;
  const failure = generated.result;
  const nextAttemptAt = nextAltAttemptAt(failure, asset.altAttempts + 1);
  const written = await db.transaction((tx) => writeAltFailure(tx, { assetId: asset.id, result: failure, nextAttemptAt, lease }));
  await insertAltHistory(db, historyEntries(asset.id, promptVersionFor(asset), deps, generated, 'not_written'));
  return written || (await stillHeld(db, lease)) ? { kind: 'failed', failure, nextAttemptAt } : { kind: 'claim_lost' };
}

/** The vision derivative through the provider, policy and gate; an image that cannot be sent is a failure without a call. */
async function generateFor(asset: Asset, provider: VisionProvider, deps: DescribeAssetDeps, signal: AbortSignal | undefined): Promise<GenerateOutcome> {
  const policy = { ...deps, backoff: databaseBackoff(deps.db) };
  const context = await catalogueContextFor(deps.db, asset);
  if (isVideo(asset)) {
    const frames = await videoFramesFor(asset, deps.storage, deps.transport);
    if (!frames.ok) return { result: frames, attempts: [] };
    return generateAlt(provider, { image: frames.images[0], frames: frames.images, context, signal }, policy);
  }
  const image = await visionImageFor(asset, deps.storage, deps.transport);
  if (!image.ok) return { result: image, attempts: [] };
  return generateAlt(provider, { image: image.image, context, signal }, policy);
}

/** Which locked prompt an asset's alt text comes from: videos have their own. */
function promptVersionFor(asset: Pick<Asset, 'mimeType'>): string {
  return isVideo(asset) ? VIDEO_PROMPT_VERSION : PROMPT_VERSION;
}

function tinyReason(asset: Asset, minImagePx: number): string | null {
  if (asset.width === null || asset.height === null) return null;
  if (asset.width >= minImagePx && asset.height >= minImagePx) return null;
  return `image is ${asset.width}x${asset.height} px, under the ${minImagePx} px minimum`;
}

async function stillHeld(db: Db, lease: JobLease | undefined): Promise<boolean> {
  return lease ? isLeaseHeld(db, lease) : true;
}

/** One history row per model call (latency, tokens, outcome), or one row saying why no call was made. */
function historyEntries(
  assetId: string,
  promptVersion: string,
  { provider, background = false }: Pick<DescribeAssetDeps, 'provider' | 'background'>,
  generated: GenerateOutcome,
  finalOutcome: 'written' | 'not_written',
) {
  const who = { assetId, provider: provider?.name ?? null, model: provider?.model ?? null, promptVersion: provider ? promptVersion : null, background };
  if (generated.attempts.length === 0 && !generated.result.ok) {
    return [{ ...who, event: 'failed' as const, outcome: generated.result.kind, message: generated.result.message }];
  }
  return generated.attempts.map((attempt) => {
    if (!attempt.ok) {
      // A call cut off at the token limit was billed: its tokens show what the limit let through.
      const billed = attempt.usage ? tokensOf(attempt.usage) : {};
      return { ...who, ...billed, event: 'failed' as const, outcome: attempt.kind, message: attempt.message, latencyMs: attempt.latencyMs ?? null };
    }
    const measured = { latencyMs: attempt.latencyMs, ...tokensOf(attempt.usage) };
    if (generated.rejected) {
      return { ...who, ...measured, event: 'gate_rejected' as const, source: 'ai' as const, text: generated.rejected.text, outcome: 'gate_rejected', message: generated.rejected.reason };
    }
    const text = generated.result.ok ? generated.result.text : attempt.text;
    return { ...who, ...measured, event: 'generated' as const, source: 'ai' as const, text, outcome: finalOutcome === 'written' ? 'written' : 'not_written' };
  });
}

function tokensOf(usage: TokenUsage) {
  return { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, reasoningTokens: usage.reasoningTokens };
}
