import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { downloads, jobs, type Download, type Job } from '@/db/schema';
import type { Caller } from '@/lib/auth';
import { fail, type Result } from '@/lib/auth';
import { config } from '@/lib/config';
import { claimNextJob, enqueueDownloadJob, leaseHeld, runClaimedJob, type DeliveryStep } from '@/lib/jobs';
import { getStorage, newDownloadKey, type Storage } from '@/lib/storage';
import { resolveSelection, type PhotoSelection } from './selection';
import { originals, renditions, zipPhotos, type PhotoFileSource } from './zip';
import { findPreset } from '@/lib/renditions';

/**
 * "Download" on many photos. Up to DOWNLOADS_STREAM_MAX_PHOTOS the ZIP streams straight in the answer; more
 * would hold a request open for minutes (proxies and load balancers cut those), so the ZIP is built by a job
 * (kind `zip`, about the download) into storage, and the person finds it on /downloads and in
 * GET /api/downloads/{id} once it is ready, for DOWNLOADS_KEEP_DAYS.
 */

/** A storage outage while writing is retried this often before the download is marked failed. */
export const ZIP_MAX_ATTEMPTS = 3;
/** A ZIP of 10,000 large originals takes longer than the runner's usual five-minute bound on a step. */
export const ZIP_MAX_RUN_MS = 2 * 60 * 60_000;

export interface DownloadRequest {
  selection: PhotoSelection;
  /** A preset's name (lib/renditions); none: the originals. */
  preset: string | null;
}

export type DownloadPlan = { kind: 'stream'; ids: string[]; files: PhotoFileSource } | { kind: 'queued'; download: Download };

/** Streams small selections; queues a job for large ones (refused past MAX_DOWNLOAD_PHOTOS). */
export async function requestDownload(db: Db, request: DownloadRequest, caller: Caller): Promise<Result<DownloadPlan>> {
  const files = await photoFiles(db, await getStorage(), request.preset);
  if (!files.ok) return files;
  const resolved = await resolveSelection(db, request.selection);
  if (!resolved.ok) return resolved;
  if (resolved.ids.length === 0) return fail('validation_failed', 'No photo matches this filter: there is nothing to download.');
  if (resolved.ids.length <= config().downloads.streamMaxPhotos) return { ok: true, kind: 'stream', ids: resolved.ids, files: files.source };
  await removeExpiredDownloads(db, await getStorage());
  const download = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(downloads)
      .values({
        userId: caller.userId,
        requestedBy: caller.name,
        preset: request.preset,
        assetIds: resolved.ids,
        expiresAt: sql`now() + make_interval(days => ${config().downloads.keepDays})`,
      })
      .returning();
    await enqueueDownloadJob(tx, row.id);
    return row;
  });
  return { ok: true, kind: 'queued', download };
}

/** Builds a queued download's ZIP now (after the request's answer), unless another worker has taken it. */
export async function runDownloadJob(db: Db, downloadId: string): Promise<void> {
  const claim = await claimNextJob(db, { downloadId });
  if (claim) await runClaimedJob(db, claim);
}

/** The file a ZIP is saved as: `loupe-photos-2026-12-05.zip`, or with the preset's name. */
export function zipFilename(preset: string | null, now = new Date()): string {
  return `loupe-${preset ? `${preset.replace(/[^A-Za-z0-9_-]/g, '-')}-` : ''}photos-${now.toISOString().slice(0, 10)}.zip`;
}

/**
 * The job: writes the ZIP to storage, then marks the download ready, only while the job is still ours. A run
 * that fails for good marks the download failed with why, so the person is told rather than left waiting.
 */
export const zipStep: DeliveryStep = async ({ db, job, lease }) => {
  const [download] = job.downloadId ? await db.select().from(downloads).where(eq(downloads.id, job.downloadId)) : [];
  if (!download || download.status !== 'pending') return { ok: true };
  const storage = await getStorage();
  const key = newDownloadKey();
  const files = await photoFiles(db, storage, download.preset);
  if (!files.ok) {
    await db.update(downloads).set({ status: 'failed', error: files.message }).where(and(eq(downloads.id, download.id), leaseHeld(lease)));
    return { ok: false, kind: 'failed', code: files.code, message: files.message };
  }
  try {
    const { stream, done } = zipPhotos(db, download.assetIds, files.source);
    const [summary] = await Promise.all([done, storage.put(key, stream, { contentType: 'application/zip' })]);
    const size = (await storage.head(key))?.size ?? null;
    const marked = await db
      .update(downloads)
      .set({ status: 'ready', zipKey: key, sizeBytes: size, entries: summary.entries, skipped: summary.skipped, readyAt: sql`now()`, error: null })
      .where(and(eq(downloads.id, download.id), leaseHeld(lease)))
      .returning({ id: downloads.id });
    if (!marked.length) {
      await storage.delete(key);
      return { ok: false, kind: 'claim_lost' };
    }
    return { ok: true };
  } catch (error) {
    await storage.delete(key);
    const message = `The ZIP could not be written: ${error instanceof Error ? error.message : String(error)}.`;
    if (job.attempts + 1 >= ZIP_MAX_ATTEMPTS) {
      await db.update(downloads).set({ status: 'failed', error: message }).where(and(eq(downloads.id, download.id), leaseHeld(lease)));
      return { ok: false, kind: 'failed', code: 'zip_failed', message };
    }
    return { ok: false, kind: 'failed', code: 'zip_failed', message, retryAt: new Date(Date.now() + 30_000 * 2 ** job.attempts) };
  }
};

/** Where each photo's bytes come from: its original, or its rendition of a preset (refused when there is no such preset). */
export async function photoFiles(db: Db, storage: Storage, preset: string | null): Promise<Result<{ source: PhotoFileSource }>> {
  if (preset === null) return { ok: true, source: originals(storage) };
  if (!(await findPreset(db, preset))) return fail('validation_failed', `There is no preset named "${preset}": GET /api/presets lists them, or leave the preset out for the originals.`);
  return { ok: true, source: renditions(db, storage, preset) };
}

/** Expired ZIPs: their files and rows go (each person's list shows only downloads still to be had). */
export async function removeExpiredDownloads(db: Db, storage: Storage): Promise<number> {
  const expired = await db.select({ id: downloads.id, zipKey: downloads.zipKey }).from(downloads).where(lt(downloads.expiresAt, sql`now()`)).limit(100);
  for (const row of expired) {
    if (row.zipKey) await storage.delete(row.zipKey);
    await db.delete(downloads).where(eq(downloads.id, row.id));
  }
  return expired.length;
}

export interface DownloadView {
  id: string;
  status: Download['status'];
  preset: string | null;
  photos: number;
  /** Photos in the ZIP and left out (listed in its alt-text.csv), once ready. */
  entries: number | null;
  skipped: number | null;
  sizeBytes: number | null;
  error: string | null;
  createdAt: string;
  readyAt: string | null;
  expiresAt: string;
  /** A signed, expiring link to the ZIP, once ready. */
  url: string | null;
  /** The job building it: its status, attempts and last error. */
  job: { status: Job['status']; attempts: number; lastError: string | null } | null;
}

const mine = (caller: Caller) => (caller.userId ? eq(downloads.userId, caller.userId) : isNull(downloads.userId));

async function toView(storage: Storage, row: Download, job: Pick<Job, 'status' | 'attempts' | 'lastError'> | null): Promise<DownloadView> {
  const url =
    row.status === 'ready' && row.zipKey
      ? await storage.signedGetUrl(row.zipKey, { expiresInSeconds: config().downloadUrlTtlSeconds, downloadName: zipFilename(row.preset, row.createdAt), contentType: 'application/zip' })
      : null;
  return {
    id: row.id,
    status: row.status,
    preset: row.preset,
    photos: row.assetIds.length,
    entries: row.entries,
    skipped: row.skipped,
    sizeBytes: row.sizeBytes,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    readyAt: row.readyAt?.toISOString() ?? null,
    expiresAt: row.expiresAt.toISOString(),
    url,
    job: job ? { status: job.status, attempts: job.attempts, lastError: job.lastError } : null,
  };
}

const downloadColumns = { download: downloads, jobStatus: jobs.status, jobAttempts: jobs.attempts, jobError: jobs.lastError };

/** The caller's downloads still to be had, newest first. */
export async function listDownloads(db: Db, storage: Storage, caller: Caller): Promise<DownloadView[]> {
  const rows = await db
    .select(downloadColumns)
    .from(downloads)
    .leftJoin(jobs, eq(jobs.downloadId, downloads.id))
    .where(and(mine(caller), sql`${downloads.expiresAt} > now()`))
    .orderBy(desc(downloads.createdAt))
    .limit(100);
  return Promise.all(rows.map((row) => toView(storage, row.download, row.jobStatus === null ? null : { status: row.jobStatus, attempts: row.jobAttempts ?? 0, lastError: row.jobError })));
}

/** One of the caller's downloads; someone else's is not found. */
export async function findDownload(db: Db, storage: Storage, caller: Caller, id: string): Promise<Result<{ download: DownloadView }>> {
  const [row] = await db
    .select(downloadColumns)
    .from(downloads)
    .leftJoin(jobs, eq(jobs.downloadId, downloads.id))
    .where(and(eq(downloads.id, id), mine(caller), sql`${downloads.expiresAt} > now()`));
  if (!row) return fail('not_found', 'No such download: it may have expired, or it is someone else’s.');
  return { ok: true, download: await toView(storage, row.download, row.jobStatus === null ? null : { status: row.jobStatus, attempts: row.jobAttempts ?? 0, lastError: row.jobError }) };
}
