import { eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets, embeddingModels, JOB_KINDS, type JobKind } from '@/db/schema';
import { batchStep, describeStep, translateStep, visionConfigured } from '@/lib/alt';
import { configuredModel, configuredModelLoads, embeddingInput, embedStep, inputHash } from '@/lib/embed';
import { deriveStep, isVideo, framesStep } from '@/lib/ingest';
import { deliverWebhook, RETRY_DELAYS_SECONDS, WEBHOOK_MAX_ATTEMPTS } from '@/lib/webhooks';
import { purgeStep } from '@/lib/library';
import { storeWritesStep, syncStep, writebackStep, SYNC_MAX_ATTEMPTS, WRITEBACK_MAX_ATTEMPTS } from '@/lib/connections';
import { zipStep, ZIP_MAX_ATTEMPTS, ZIP_MAX_RUN_MS } from '@/lib/downloads';
import type { EnqueueRequest, Queryable } from './queue';
import type { DeliveryStep, Step } from './step';

/**
 * What each kind of job runs, what it enqueues next, and what it declares about itself; the engine (claimer,
 * runner, the asset's state, Retry, the embed backfill) reads these declarations and never names a kind.
 * Adding a kind (writeback to a shop) is one entry here plus its name in JOB_KINDS (db/schema.ts); a kind
 * without an entry fails at start.
 *   derive → describe + embed (one per live embedding model); for a video derive → frames → describe
 *   describe → nothing: the text it writes is an alt_text.changed event, and re-embedding follows (lib/events)
 *   webhook (one delivery of one event to one endpoint; see lib/webhooks) → nothing
 *   purge (a trashed asset, TRASH_DAYS on) → nothing: the asset is gone
 *   sync (one connection's pass over its store; lib/connections) → nothing
 *   writeback (one asset's text to one connection's store) → nothing; never counts toward the photo's state
 *   store_writes (every text waiting for one store that writes in batches, a page a pass or one bulk operation;
 *     lib/connections/store-writes.ts) → nothing: it runs again while texts wait, and polls its bulk operation
 *   batch (one batch of describe requests on Groq's Batch API; lib/alt/batch.ts) → nothing: it polls itself
 *     (running again at its poll interval) and writes each answer as describe would
 *   zip (one download of many photos written to storage as a ZIP; lib/downloads) → nothing
 *   translate (one asset's approved source text into one locale, keyed by it) → nothing; a missing
 *   translation never makes the photo failed or retrying: its record says so in its own queue
 */

/** How often a kind is tried, and how long it waits after a step that threw (a bug or an outage). */
export interface RetryPolicy {
  maxAttempts: number;
  /** Seconds to wait after the failed attempt numbered `attempts` (0: the first). */
  backoffSeconds: (attempts: number) => number;
}

interface Declarations {
  retry: RetryPolicy;
  /**
   * Whether its jobs make the state people see for the photo (stored, described, failed at a step, retrying):
   * a photo's own processing does; its purge, a webhook delivery or a writeback to a shop do not.
   */
  countsTowardAssetState: boolean;
  /** What the job's key means: nothing (one per asset), the embedding model it is for (embed), or the locale (translate). */
  key?: 'embedding_model' | 'locale';
  /** The kind that writes the photo's alt text (describe): Retry queues it again when the text is retrying. */
  writesAltText?: true;
  /** The longest one run may take before it is cut off and retried (default: the runner's five minutes). */
  maxRunMs?: number;
  /** Parked jobs of this kind (waiting without a time) are due again once this holds; the sweeper checks it while any are parked. */
  resumeParked?: (db: Db) => boolean | Promise<boolean>;
}

export interface AssetStepDefinition extends Declarations {
  subject: 'asset';
  run: Step;
  /** Jobs to enqueue after a successful run, read inside the settling transaction (same priority as the job). */
  next: (assetId: string, tx: Queryable, priority: number) => Promise<EnqueueRequest[]>;
  /** Runs while its asset is in the trash; every other kind's work waits (no model call for a photo on its way out). */
  runsWhileTrashed?: true;
}

/** Work about a webhook delivery rather than an asset: nothing comes next. */
export interface DeliveryStepDefinition extends Declarations {
  subject: 'delivery';
  run: DeliveryStep;
  countsTowardAssetState: false;
  runsWhileTrashed?: undefined;
}

/** Work about a connected store as a whole (a sync): no asset. */
export interface ConnectionStepDefinition extends Declarations {
  subject: 'connection';
  run: DeliveryStep;
  countsTowardAssetState: false;
  runsWhileTrashed?: undefined;
}

/** Work about a batch of requests sent to a provider's Batch API (jobs.batch_id): no asset of its own. */
export interface BatchStepDefinition extends Declarations {
  subject: 'batch';
  run: DeliveryStep;
  countsTowardAssetState: false;
  runsWhileTrashed?: undefined;
}

/** Work about a download of many photos (a ZIP written to storage): no one asset. */
export interface DownloadStepDefinition extends Declarations {
  subject: 'download';
  run: DeliveryStep;
  countsTowardAssetState: false;
  runsWhileTrashed?: undefined;
}

export type StepDefinition = AssetStepDefinition | DeliveryStepDefinition | ConnectionStepDefinition | BatchStepDefinition | DownloadStepDefinition;

/** A photo's own steps: a few tries, backing off from 30 s. */
const ASSET_RETRY: RetryPolicy = { maxAttempts: 5, backoffSeconds: (attempts) => 30 * 2 ** attempts };
/** A webhook delivery keeps its own schedule (lib/webhooks), up to about six hours. */
const WEBHOOK_RETRY: RetryPolicy = {
  maxAttempts: WEBHOOK_MAX_ATTEMPTS,
  backoffSeconds: (attempts) => RETRY_DELAYS_SECONDS[Math.min(attempts, RETRY_DELAYS_SECONDS.length - 1)],
};

const nothing = async (): Promise<EnqueueRequest[]> => [];

/** An embed job per live model (and the configured one, which registers on first use), keyed by the input's hash. */
export async function embedJobs(assetId: string, tx: Queryable, priority: number): Promise<EnqueueRequest[]> {
  return embedJobsFor([assetId], tx, priority);
}

/** embedJobs for many assets at once (a bulk decision's events): two queries, whatever the count. */
export async function embedJobsFor(assetIds: readonly string[], tx: Queryable, priority: number): Promise<EnqueueRequest[]> {
  if (!assetIds.length) return [];
  const found = await tx.select({ id: assets.id, altText: assets.altText, tags: assets.tags, filename: assets.filename }).from(assets).where(inArray(assets.id, [...assetIds]));
  if (!found.length) return [];
  const live = await tx.select({ id: embeddingModels.id }).from(embeddingModels).where(ne(embeddingModels.status, 'retired'));
  const keys = [...new Set([...live.map((model) => model.id), configuredModel().id])];
  return found.flatMap((asset) => {
    const hash = inputHash(embeddingInput(asset));
    return keys.map((key) => ({ assetId: asset.id, kind: 'embed' as const, key, priority, inputHash: hash }));
  });
}

async function isVideoAsset(assetId: string, tx: Queryable): Promise<boolean> {
  const [asset] = await tx.select({ mimeType: assets.mimeType }).from(assets).where(eq(assets.id, assetId));
  return asset ? isVideo(asset) : false;
}

/**
 * Built on first use rather than at import: a step's module may import the engine (lib/jobs), which reads this
 * table, without the import cycle leaving a step undefined.
 */
let built: Record<JobKind, StepDefinition> | undefined;
const steps = (): Record<JobKind, StepDefinition> => (built ??= {
  derive: {
    subject: 'asset',
    run: deriveStep,
    // A video's alt text is written from its keyframes, so describe waits for the frames job.
    next: async (assetId, tx, priority) => [{ assetId, kind: (await isVideoAsset(assetId, tx)) ? 'frames' : 'describe', priority }, ...(await embedJobs(assetId, tx, priority))],
    retry: ASSET_RETRY,
    countsTowardAssetState: true,
  },
  frames: { subject: 'asset', run: framesStep, next: async (assetId, _tx, priority) => [{ assetId, kind: 'describe', priority }], retry: ASSET_RETRY, countsTowardAssetState: true },
  describe: { subject: 'asset', run: describeStep, next: nothing, resumeParked: visionConfigured, retry: ASSET_RETRY, countsTowardAssetState: true, writesAltText: true },
  // Parked while the embedding model cannot be loaded; due again once it loads.
  embed: { subject: 'asset', run: embedStep, next: nothing, resumeParked: configuredModelLoads, retry: ASSET_RETRY, countsTowardAssetState: true, key: 'embedding_model' },
  // A receiver that is down is the endpoint's problem, shown in its delivery log, never the photo's.
  webhook: { subject: 'delivery', run: deliverWebhook, retry: WEBHOOK_RETRY, countsTowardAssetState: false },
  // Enqueued TRASH_DAYS ahead when an asset is trashed (lib/library); the sweeper runs it when due.
  purge: { subject: 'asset', run: purgeStep, next: nothing, runsWhileTrashed: true, retry: ASSET_RETRY, countsTowardAssetState: false },
  // A store's trouble (down, a refused password, a shop-side edit) is the connection's, shown in its log, never the photo's.
  sync: { subject: 'connection', run: syncStep, retry: { ...ASSET_RETRY, maxAttempts: SYNC_MAX_ATTEMPTS }, countsTowardAssetState: false },
  writeback: { subject: 'asset', run: writebackStep, next: nothing, retry: { ...ASSET_RETRY, maxAttempts: WRITEBACK_MAX_ATTEMPTS }, countsTowardAssetState: false },
  store_writes: { subject: 'connection', run: storeWritesStep, retry: { ...ASSET_RETRY, maxAttempts: WRITEBACK_MAX_ATTEMPTS }, countsTowardAssetState: false },
  // Groq unreachable while sending or polling: tried again, backing off from a minute to about an hour (its answers wait for us for days).
  batch: { subject: 'batch', run: batchStep, retry: { maxAttempts: 8, backoffSeconds: (attempts) => Math.min(3_600, 60 * 2 ** attempts) }, countsTowardAssetState: false },
  // A storage outage while writing the ZIP is retried a few times; the person sees the download's own status.
  zip: { subject: 'download', run: zipStep, retry: { ...ASSET_RETRY, maxAttempts: ZIP_MAX_ATTEMPTS }, countsTowardAssetState: false, maxRunMs: ZIP_MAX_RUN_MS },
  // Queued when the source text is approved (lib/alt's translationSubscriber); parked while no provider is configured.
  translate: { subject: 'asset', run: translateStep, next: nothing, resumeParked: visionConfigured, retry: ASSET_RETRY, countsTowardAssetState: false, key: 'locale' },
});

/** Fails loudly at start (the sweeper and every runner call it) when a kind the database knows has no step. */
export function assertRegistryComplete(): void {
  const missing = JOB_KINDS.filter((kind) => !steps()[kind]);
  if (missing.length) throw new Error(`No step is registered for job kind(s) ${missing.join(', ')} (lib/jobs/registry.ts).`);
}

export function stepFor(kind: JobKind): StepDefinition {
  const definition = steps()[kind];
  if (!definition) throw new Error(`No step is registered for job kind ${kind} (lib/jobs/registry.ts).`);
  return definition;
}

/** Of the kinds that have parked jobs, those whose condition now holds. */
export async function kindsToResume(db: Db, parked: readonly JobKind[]): Promise<JobKind[]> {
  const resumable: JobKind[] = [];
  for (const kind of parked) if (await steps()[kind].resumeParked?.(db)) resumable.push(kind);
  return resumable;
}

/** Kinds whose work goes ahead while its asset is in the trash (the claimer reads this; it names no kind itself). */
export function kindsRunningWhileTrashed(): JobKind[] {
  return JOB_KINDS.filter((kind) => steps()[kind].runsWhileTrashed === true);
}

/** The kind whose jobs are webhook deliveries (subject 'delivery'): the outbox queues its jobs without naming it. */
export function deliveryKind(): JobKind {
  return onlyKind((definition) => definition.subject === 'delivery', 'about a delivery');
}

/** The kind whose jobs are about a Batch API batch (subject 'batch'): lib/alt queues it without naming it. */
export function batchKind(): JobKind {
  return onlyKind((definition) => definition.subject === 'batch', 'about a batch');
}

/** The kind whose jobs write a download's ZIP (subject 'download'): lib/downloads queues it without naming it. */
export function downloadKind(): JobKind {
  return onlyKind((definition) => definition.subject === 'download', 'about a download');
}

/** Kinds whose jobs make the photo's shown state (syncAssetState, Retry, "next try at"). */
export function kindsCountingTowardAssetState(): JobKind[] {
  return JOB_KINDS.filter((kind) => steps()[kind].countsTowardAssetState);
}

/** The kind keyed by embedding model (embed): the embed backfill queues and runs it without naming it. */
export function embeddingKind(): JobKind {
  return onlyKind((definition) => definition.key === 'embedding_model', 'keyed by embedding model');
}

/** The kind that writes alt text (describe): Retry queues it when the text is retrying. */
export function altTextKind(): JobKind {
  return onlyKind((definition) => definition.writesAltText === true, 'writing alt text');
}

function onlyKind(declares: (definition: StepDefinition) => boolean, what: string): JobKind {
  const [kind, ...others] = JOB_KINDS.filter((candidate) => declares(steps()[candidate]));
  if (!kind || others.length) throw new Error(`Exactly one job kind must be ${what} (lib/jobs/registry.ts).`);
  return kind;
}
