import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { altBatches, altBatchLines, altHistory, assets, backfillRuns, jobs, type AltBatch, type Asset } from '@/db/schema';
import { config } from '@/lib/config';
import { isVideo } from '@/lib/ingest';
import { enqueueBatchJob, enqueueJob, isLeaseHeld, JOB_PRIORITY, leaseHeld, type DeliveryStep, type JobLease, type Queryable } from '@/lib/jobs';
import type { Result } from '@/lib/result';
import { getStorage } from '@/lib/storage';
import { costUsd } from './budget';
import { batchClientFrom, type BatchCall, type BatchClient, type RemoteBatch } from './batch-client';
import { batchLine, GROQ_BATCH_LIMITS, packBatches, parseBatchAnswers, type BatchAnswer, type BatchFileLimits } from './batch-lines';
import { describeRequest, parseCompletion } from './chat-provider';
import { catalogueContextFor } from './context';
import { passesGate } from './gate';
import { visionImageFor } from './image';
import { PROMPT_VERSION } from './prompt';
import { groqChatBody } from './providers/groq';
import { nextAltAttemptAt } from './schedule';
import type { AltFailure, TokenUsage } from './types';
import { aiAltWrite, writeAlt, writeAltFailure } from './write';

/**
 * The backfill through Groq's Batch API (BACKFILL_MODE=batch): the same describe requests as online (same
 * prompt, locked instructions first so the prompt cache serves them, same image transport), sent as JSONL files
 * at half the price. Everything about a batch in flight is in the database (alt_batches: its remote ids and
 * status; alt_batch_lines: each line's asset and the asset's version when sent), and one `batch` job per batch
 * sends it, polls it every BACKFILL_BATCH_POLL_SECONDS and applies its answers, so any instance picks it up after
 * a restart. Each answer goes through the same parsing, cleaner and gate as an online one and is written by
 * writeAlt only onto the row as it was sent (its version): a person's edit meanwhile always wins.
 */

/** Groq bills Batch API tokens at half the online price. */
export const BATCH_PRICE_SHARE = 0.5;
/** A line that failed or expired this many times goes online, whatever BACKFILL_BATCH_RETRY says. */
export const MAX_BATCH_ATTEMPTS = 3;
/** Besides the image: the locked prompt, the catalogue data and the JSON around them, generously. */
const LINE_OVERHEAD_BYTES = 16 * 1024;
/** Rows per statement: well under PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 2_000;

export const BATCH_NEEDS_GROQ = "BACKFILL_MODE=batch needs Groq's Batch API (VISION_PROVIDER=groq with GROQ_API_KEY); the photos were described online instead.";

export type QueuedBatches = Result<{ batches: number; lines: number; online: number }, { kind: 'unsupported'; message: string }>;

type Sendable = Pick<Asset, 'id' | 'version' | 'derivatives' | 'mimeType'>;

/**
 * Queues these assets' describe requests as batches (within Groq's file limits), each with its job due now; the
 * assets' describe jobs hand their work over (they are not run online meanwhile). Videos, whose keyframe URLs
 * could not outlive a batch's window, are described online.
 */
export async function queueDescribeBatches(db: Db, assetIds: readonly string[], options: { runId?: string | null; limits?: BatchFileLimits } = {}): Promise<QueuedBatches> {
  if (!batchClientFrom(config().vision)) return { ok: false, kind: 'unsupported', message: BATCH_NEEDS_GROQ };
  const found: Sendable[] = [];
  for (const ids of chunks(assetIds, ROWS_PER_STATEMENT)) {
    found.push(...(await db.select({ id: assets.id, version: assets.version, derivatives: assets.derivatives, mimeType: assets.mimeType }).from(assets).where(inArray(assets.id, ids))));
  }
  const videos = found.filter((asset) => isVideo(asset));
  for (const video of videos) await enqueueJob(db, { assetId: video.id, kind: 'describe', priority: JOB_PRIORITY.backfill, force: true });
  const photos = found.filter((asset) => !isVideo(asset));
  const groups = packBatches(photos, estimatedLineBytes, options.limits ?? GROQ_BATCH_LIMITS);
  for (const group of groups) {
    await db.transaction((tx) => insertBatch(tx, group.map((asset) => ({ assetId: asset.id, assetVersion: asset.version, attempt: 1 })), options.runId ?? null));
  }
  return { ok: true, batches: groups.length, lines: photos.length, online: videos.length };
}

function estimatedLineBytes(asset: Sendable): number {
  const imageBytes = config().vision.imageTransport === 'base64' ? Math.ceil(((asset.derivatives?.vision?.bytes ?? 0) * 4) / 3) : 1_024;
  return imageBytes + LINE_OVERHEAD_BYTES;
}

interface LineToSend {
  assetId: string;
  assetVersion: number;
  attempt: number;
}

async function insertBatch(tx: Queryable, lines: readonly LineToSend[], runId: string | null): Promise<void> {
  const { vision, backfill } = config();
  const [batch] = await tx
    .insert(altBatches)
    .values({ provider: 'groq', model: vision.model, completionWindow: backfill.batchWindow, lines: lines.length, backfillRunId: runId })
    .returning({ id: altBatches.id });
  for (const part of chunks(lines, ROWS_PER_STATEMENT)) {
    await tx.insert(altBatchLines).values(part.map((line) => ({ batchId: batch.id, customId: `${line.assetId}.${line.attempt}`, ...line })));
    // The describe job hands its work to the batch: a retry due meanwhile would otherwise call the model online too.
    await tx
      .update(jobs)
      .set({ status: 'done', succeededAt: sql`coalesce(${jobs.succeededAt}, now())`, updatedAt: sql`now()` })
      .where(and(inArray(jobs.assetId, part.map((line) => line.assetId)), eq(jobs.kind, 'describe'), inArray(jobs.status, ['pending', 'waiting'])));
  }
  await enqueueBatchJob(tx, batch.id, JOB_PRIORITY.backfill);
}

/**
 * The batch job: sends the batch (once: a create that went through before a crash is found again by its
 * metadata), then polls it every BACKFILL_BATCH_POLL_SECONDS until Groq says it completed, expired, failed or was
 * cancelled, then applies every answer and sends the rest on (the next batch or online, BACKFILL_BATCH_RETRY).
 * Groq refusing the batch (a plan or model without batch access) sends its photos online, with the reason kept
 * for the admin page.
 */
export const batchStep: DeliveryStep = async ({ db, job, lease }) => {
  const [batch] = job.batchId ? await db.select().from(altBatches).where(eq(altBatches.id, job.batchId)) : [];
  if (!batch || batch.status === 'applied' || batch.status === 'refused') return { ok: true };
  const client = batchClientFrom(config().vision);
  if (!client) return refuse(db, batch, lease, BATCH_NEEDS_GROQ);
  const polled = batch.status === 'submitting' ? await send(db, batch, client, lease) : batch.remoteId ? await client.retrieve(batch.remoteId) : null;
  if (!polled) return refuse(db, batch, lease, 'the batch was never created at Groq');
  if (!polled.ok) {
    if (polled.kind === 'refused') return refuse(db, batch, lease, polled.message);
    return { ok: false, kind: 'failed', code: 'batch_unavailable', message: `Groq's Batch API could not be reached: ${polled.message}`, retryAt: new Date(Date.now() + 60_000) };
  }
  const remote = polled.value;
  const [updated] = await db
    .update(altBatches)
    .set({
      remoteId: remote.id,
      status: remote.status,
      outputFileId: remote.outputFileId,
      errorFileId: remote.errorFileId,
      completedLines: remote.counts.completed,
      failedLines: remote.counts.failed,
      message: remote.errors,
      updatedAt: sql`now()`,
    })
    .where(and(eq(altBatches.id, batch.id), leaseHeld(lease)))
    .returning();
  if (!updated) return { ok: false, kind: 'claim_lost' };
  if (remote.status === 'failed') return refuse(db, updated, lease, `Groq failed the batch: ${remote.errors ?? 'no reason given'}`);
  if (!['completed', 'expired', 'cancelled'].includes(remote.status)) return { ok: true, again: new Date(Date.now() + config().backfill.batchPollSeconds * 1000) };
  const applied = await applyBatch(db, updated, remote, client, lease);
  if (!applied.ok) return { ok: false, kind: 'failed', code: 'batch_unavailable', message: `Groq's batch results could not be read: ${applied.message}`, retryAt: new Date(Date.now() + 60_000) };
  return (await isLeaseHeld(db, lease)) ? { ok: true } : { ok: false, kind: 'claim_lost' };
};

async function send(db: Db, batch: AltBatch, client: BatchClient, lease: JobLease): Promise<BatchCall<RemoteBatch>> {
  const listed = await client.list();
  if (!listed.ok) return listed;
  const existing = listed.value.find((remote) => remote.metadata.loupe_batch === batch.id);
  if (existing) return { ok: true, value: existing };
  const lines = await db.select().from(altBatchLines).where(and(eq(altBatchLines.batchId, batch.id), isNull(altBatchLines.outcome)));
  const jsonl: string[] = [];
  for (const line of lines) {
    const [asset] = await db.select().from(assets).where(eq(assets.id, line.assetId));
    const body = asset ? await describeBody(db, asset, batch) : null;
    if (body?.ok) jsonl.push(batchLine(line.customId, body.body));
    else await settleLine(db, batch, line, lease, { kind: 'failed', failure: body ?? { ok: false, kind: 'image_rejected', message: 'the photo is gone' } });
  }
  if (jsonl.length === 0) return { ok: false, kind: 'refused', message: 'no line of the batch could be sent' };
  const uploaded = await client.upload(Buffer.from(`${jsonl.join('\n')}\n`), `loupe-${batch.id}.jsonl`);
  if (!uploaded.ok) return uploaded;
  await db.update(altBatches).set({ inputFileId: uploaded.value, updatedAt: sql`now()` }).where(eq(altBatches.id, batch.id));
  return client.create(uploaded.value, batch.completionWindow, { loupe_batch: batch.id });
}

/** The describe request exactly as online (prompt, image transport, reasoning settings), for the batch's model. */
async function describeBody(db: Db, asset: Asset, batch: AltBatch): Promise<Result<{ body: object }, AltFailure>> {
  const vision = config().vision;
  // A signed URL must outlive the batch's window: Groq may fetch it at any time within it.
  const image = await visionImageFor(asset, await getStorage(), vision.imageTransport, { urlSeconds: windowSeconds(batch.completionWindow) + 3_600 });
  if (!image.ok) return image;
  const context = await catalogueContextFor(db, asset);
  const request = describeRequest({ model: batch.model, temperature: vision.temperature, maxTokens: vision.maxTokens }, { image: image.image, context });
  return { ok: true, body: groqChatBody(request, vision.reasoning) };
}

function windowSeconds(window: string): number {
  const match = /^(\d+)([hd])$/.exec(window);
  return match ? Number(match[1]) * (match[2] === 'd' ? 86_400 : 3_600) : 86_400;
}

/** Reads the output and error files, applies every open line once, and sends the unanswered ones on. */
async function applyBatch(db: Db, batch: AltBatch, remote: RemoteBatch, client: BatchClient, lease: JobLease): Promise<Result<object, { message: string }>> {
  const answers = new Map<string, BatchAnswer>();
  for (const fileId of [remote.outputFileId, remote.errorFileId]) {
    if (!fileId) continue;
    const content = await client.content(fileId);
    if (!content.ok) return content;
    for (const answer of parseBatchAnswers(content.value)) answers.set(answer.customId, answer);
  }
  const open = await db.select().from(altBatchLines).where(and(eq(altBatchLines.batchId, batch.id), isNull(altBatchLines.outcome)));
  const unanswered: (typeof open)[number][] = [];
  for (const line of open) {
    const answer = answers.get(line.customId);
    if (answer?.status === 200) await settleLine(db, batch, line, lease, { kind: 'answered', body: answer.body });
    else if (answer?.status && answer.status < 500 && answer.status !== 429 && answer.status !== 408) {
      // Refused for this request (an image Groq will not take): sending it again would fail the same way.
      await settleLine(db, batch, line, lease, { kind: 'failed', failure: { ok: false, kind: answer.status === 400 ? 'image_rejected' : 'bad_request', message: lineError(answer) } });
    } else unanswered.push(line);
  }
  await sendOn(db, batch, unanswered, lease);
  await db.update(altBatches).set({ status: 'applied', endedAt: sql`now()`, updatedAt: sql`now()` }).where(and(eq(altBatches.id, batch.id), leaseHeld(lease)));
  return { ok: true };
}

function lineError(answer: BatchAnswer): string {
  const body = answer.body as { error?: { message?: unknown } } | null;
  return `Groq answered ${answer.status} in the batch: ${typeof body?.error?.message === 'string' ? body.error.message : 'no message'}`;
}

type LineRow = typeof altBatchLines.$inferSelect;

type LineResult = { kind: 'answered'; body: unknown } | { kind: 'failed'; failure: AltFailure };

/**
 * One line's answer, written once (the line's outcome is claimed in the same transaction, under the job's
 * lease): the text through the parser and the gate, written by writeAlt only onto the asset's row as it was
 * sent; its tokens and batch price in alt_history and the run that sent it.
 */
async function settleLine(db: Db, batch: AltBatch, line: LineRow, lease: JobLease, result: LineResult): Promise<void> {
  const [asset] = await db.select().from(assets).where(eq(assets.id, line.assetId));
  if (!asset) return;
  const parsed = result.kind === 'answered' ? parseCompletion(result.body, 0, config().vision.maxTokens) : result.failure;
  const context = parsed.ok ? await catalogueContextFor(db, asset) : null;
  const verdict = parsed.ok && context ? passesGate(parsed.text, context) : null;
  const usage: TokenUsage | undefined = parsed.usage;
  const cost = usage ? costUsd(usage.inputTokens, usage.outputTokens) * BATCH_PRICE_SHARE : null;
  const who = {
    assetId: asset.id,
    provider: batch.provider,
    model: batch.model,
    promptVersion: PROMPT_VERSION,
    background: true,
    inputTokens: usage?.inputTokens ?? null,
    outputTokens: usage?.outputTokens ?? null,
    reasoningTokens: usage?.reasoningTokens ?? null,
    costUsd: cost,
  };
  await db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(altBatchLines)
      .set({ outcome: 'not_written' })
      .where(and(eq(altBatchLines.batchId, line.batchId), eq(altBatchLines.customId, line.customId), isNull(altBatchLines.outcome), leaseHeld(lease)))
      .returning();
    if (!claimed) return;
    const sameRow = eq(assets.version, line.assetVersion);
    let outcome: string;
    if (parsed.ok && verdict?.pass) {
      const write = aiAltWrite({ assetId: asset.id, text: verdict.text, provider: batch.provider, model: batch.model, promptVersion: PROMPT_VERSION, replaceAi: 'proposed', priority: JOB_PRIORITY.backfill });
      const written = await writeAlt(tx, {
        ...write,
        when: and(write.when, sameRow),
        history: () => [{ ...who, event: 'generated', source: 'ai', text: verdict.text, outcome: 'written', message: `Groq batch ${batch.remoteId ?? batch.id}` }],
      });
      outcome = written ? 'written' : 'not_written';
      if (!written) {
        await tx.insert(altHistory).values({ ...who, event: 'generated', source: 'ai', text: verdict.text, outcome: 'not_written', message: 'The photo or its alt text changed after the batch was sent: the answer was kept here and not applied.' });
      }
    } else {
      const failure: AltFailure = parsed.ok ? { ok: false, kind: 'gate_rejected', message: `quality gate: ${verdict && !verdict.pass ? verdict.reason : 'empty'}` } : parsed;
      outcome = parsed.ok ? 'gate_rejected' : 'failed';
      await tx.insert(altHistory).values(
        parsed.ok
          ? { ...who, event: 'gate_rejected', source: 'ai', text: verdict?.text || parsed.text, outcome: 'gate_rejected', message: failure.message }
          : { ...who, event: 'failed', outcome: failure.kind, message: failure.message },
      );
      // As an online failure: the text stays, the backfill tries again later; only on the row as it was sent.
      await writeAltFailure(tx, { assetId: asset.id, result: failure, nextAttemptAt: nextAltAttemptAt(failure, asset.altAttempts + 1), expectedVersion: line.assetVersion });
    }
    await tx.update(altBatchLines).set({ outcome }).where(and(eq(altBatchLines.batchId, line.batchId), eq(altBatchLines.customId, line.customId)));
    if (batch.backfillRunId) {
      await tx
        .update(backfillRuns)
        .set({
          written: sql`${backfillRuns.written} + ${outcome === 'written' ? 1 : 0}`,
          inputTokens: sql`${backfillRuns.inputTokens} + ${usage?.inputTokens ?? 0}`,
          outputTokens: sql`${backfillRuns.outputTokens} + ${usage?.outputTokens ?? 0}`,
          costUsd: sql`${backfillRuns.costUsd} + ${cost ?? 0}`,
        })
        .where(eq(backfillRuns.id, batch.backfillRunId));
    }
  });
}

/** Lines with no answer (expired, cancelled, a server error): into the next batch, or online (BACKFILL_BATCH_RETRY). */
async function sendOn(db: Db, batch: AltBatch, lines: readonly LineRow[], lease: JobLease): Promise<void> {
  if (lines.length === 0) return;
  const toBatch = config().backfill.batchRetry === 'batch' ? lines.filter((line) => line.attempt < MAX_BATCH_ATTEMPTS) : [];
  const online = lines.filter((line) => !toBatch.includes(line));
  await db.transaction(async (tx) => {
    const claimed = await claimLines(tx, batch, lines, lease, (line) => (toBatch.includes(line) ? 'resent' : 'online'));
    const resent = toBatch.filter((line) => claimed.has(line.customId));
    if (resent.length) await insertBatch(tx, resent.map((line) => ({ assetId: line.assetId, assetVersion: line.assetVersion, attempt: line.attempt + 1 })), batch.backfillRunId);
    for (const line of online.filter((candidate) => claimed.has(candidate.customId))) {
      await enqueueJob(tx, { assetId: line.assetId, kind: 'describe', priority: JOB_PRIORITY.backfill, force: true });
    }
  });
}

/** Marks lines still open with their outcome, under the lease; returns the custom ids this call marked. */
async function claimLines(tx: Queryable, batch: AltBatch, lines: readonly LineRow[], lease: JobLease, outcomeOf: (line: LineRow) => string): Promise<Set<string>> {
  const claimed = new Set<string>();
  for (const line of lines) {
    const [row] = await tx
      .update(altBatchLines)
      .set({ outcome: outcomeOf(line) })
      .where(and(eq(altBatchLines.batchId, batch.id), eq(altBatchLines.customId, line.customId), isNull(altBatchLines.outcome), leaseHeld(lease)))
      .returning({ customId: altBatchLines.customId });
    if (row) claimed.add(row.customId);
  }
  return claimed;
}

/** Groq would not take the batch: its open lines go online, and the reason stays on the batch for the admin page. */
async function refuse(db: Db, batch: AltBatch, lease: JobLease, reason: string): Promise<{ ok: true }> {
  const message = `Groq refused the Batch API: ${reason} The photos were sent to the online API instead; set BACKFILL_MODE=online, or use a plan and model Groq runs batches for.`;
  console.warn(`[loupe] batch ${batch.id}: ${message}`);
  await db.transaction(async (tx) => {
    const lines = await tx.select().from(altBatchLines).where(and(eq(altBatchLines.batchId, batch.id), isNull(altBatchLines.outcome)));
    const claimed = await claimLines(tx, batch, lines, lease, () => 'online');
    for (const line of lines.filter((candidate) => claimed.has(candidate.customId))) {
      await enqueueJob(tx, { assetId: line.assetId, kind: 'describe', priority: JOB_PRIORITY.backfill, force: true });
    }
    await tx.update(altBatches).set({ status: 'refused', message, endedAt: sql`now()`, updatedAt: sql`now()` }).where(and(eq(altBatches.id, batch.id), leaseHeld(lease)));
  });
  return { ok: true };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface BatchView {
  id: string;
  status: AltBatch['status'];
  model: string;
  lines: number;
  completedLines: number;
  failedLines: number;
  message: string | null;
  createdAt: Date;
  endedAt: Date | null;
}

/** The most recent batches, for the admin page (a refusal's message included). */
export async function recentBatches(db: Db, limit = 10): Promise<BatchView[]> {
  return db
    .select({
      id: altBatches.id,
      status: altBatches.status,
      model: altBatches.model,
      lines: altBatches.lines,
      completedLines: altBatches.completedLines,
      failedLines: altBatches.failedLines,
      message: altBatches.message,
      createdAt: altBatches.createdAt,
      endedAt: altBatches.endedAt,
    })
    .from(altBatches)
    .orderBy(sql`${altBatches.createdAt} desc`)
    .limit(limit);
}
