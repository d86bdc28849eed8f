import { and, inArray, isNotNull, sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import type { Db } from '@/db/handle';
import { assets, jobs, type Asset } from '@/db/schema';
import { DERIVATIVE_KINDS } from '@/lib/ingest';
import { config } from '@/lib/config';
import type { Step } from '@/lib/jobs';
import { renditionKeys } from '@/lib/renditions';
import { derivativeKey, getStorage, type Storage } from '@/lib/storage';

/**
 * The end of a trashed asset: its purge job's step (registered in lib/jobs/registry.ts) and the purge itself,
 * which emptying the trash shares. Its own module, importing nothing of lib/jobs but types, because the job
 * registry imports it.
 */

const DAY_MS = 86_400_000;

/** When an asset trashed at `deletedAt` is purged. */
export function purgeDate(deletedAt: Date): Date {
  return new Date(deletedAt.getTime() + config().trashDays * DAY_MS);
}

/** Every stored object of an asset: the original, a leftover upload, and each derivative (video frames included). */
function storedObjectKeys(asset: Pick<Asset, 'originalKey' | 'uploadKey' | 'derivativePrefix' | 'derivatives'>): string[] {
  const keys = new Set([asset.originalKey, ...DERIVATIVE_KINDS.map((kind) => derivativeKey(asset.derivativePrefix, kind))]);
  if (asset.uploadKey) keys.add(asset.uploadKey);
  for (const derivative of Object.values(asset.derivatives ?? {})) keys.add(derivative.key);
  return [...keys];
}

/** Stored objects deleted at once during a purge. */
const DELETE_CONCURRENCY = 8;

/**
 * Deletes the files of trashed assets whose purge job `claimToken` holds, then their rows (history, vectors and
 * jobs go by cascade). Files first: a failure half-way leaves a row to purge again, never files nobody points at.
 */
export async function purgeClaimed(db: Db, ids: readonly string[], claimToken: string, storage: Storage): Promise<number> {
  if (ids.length === 0) return 0;
  const held = sql`exists (select 1 from ${jobs} j where j.asset_id = ${assets.id} and j.kind = 'purge' and j.claim_token = ${claimToken}::uuid)`;
  const doomed = await db
    .select({ id: assets.id, originalKey: assets.originalKey, uploadKey: assets.uploadKey, derivativePrefix: assets.derivativePrefix, derivatives: assets.derivatives })
    .from(assets)
    .where(and(inArray(assets.id, [...ids]), isNotNull(assets.deletedAt), held));
  // Rendition rows go with the asset by cascade; their files are named only there, so they are deleted first.
  const keys = [...doomed.flatMap(storedObjectKeys), ...(await renditionKeys(db, doomed.map((asset) => asset.id)))];
  const limit = pLimit(DELETE_CONCURRENCY);
  await Promise.all(keys.map((key) => limit(() => storage.delete(key))));
  const removed = await db
    .delete(assets)
    .where(and(inArray(assets.id, [...ids]), isNotNull(assets.deletedAt), held))
    .returning({ id: assets.id });
  return removed.length;
}

/**
 * The purge job's step: once the asset has been in the trash TRASH_DAYS, its files and row go. Restored
 * meanwhile: nothing to do. Not yet due (TRASH_DAYS was raised, or the job was run early): it waits until then.
 * Deleting the row deletes this job with it, so the runner reports the job as lost; that is the purge's end.
 */
export const purgeStep: Step = async ({ db, asset, lease }) => {
  if (!asset.deletedAt) return { ok: true };
  const due = purgeDate(asset.deletedAt);
  if (due.getTime() > Date.now()) return { ok: true, again: due };
  await purgeClaimed(db, [asset.id], lease.token, await getStorage());
  return { ok: true };
};

