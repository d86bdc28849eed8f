import { and, eq, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets, type Asset } from '@/db/schema';
import { config } from '@/lib/config';
import type { Result } from '@/lib/result';
import type { SignedRequest, Storage, UploadedPart } from '@/lib/storage';

/** S3 numbers parts 1 to 10,000; a file that would need more gets bigger parts. */
export const MAX_PARTS = 10_000;
/** Part URLs signed in one request: a page of work for a browser with a few parts in flight. */
export const MAX_PARTS_PER_SIGNING = 100;

const MIB = 1024 * 1024;

export interface PartPlan {
  partSize: number;
  partCount: number;
}

/** The configured part size, raised (in whole MiB) where the file would otherwise need more than MAX_PARTS. */
export function planParts(size: number, configuredPartSize: number): PartPlan {
  const partSize = Math.max(configuredPartSize, Math.ceil(size / MAX_PARTS / MIB) * MIB);
  return { partSize, partCount: Math.ceil(size / partSize) };
}

/** Every part has partSize bytes except the last, which has the rest. */
export function expectedPartSize(size: number, plan: PartPlan, partNumber: number): number {
  return partNumber < plan.partCount ? plan.partSize : size - plan.partSize * (plan.partCount - 1);
}

export type PartedUploadFailure = { code: 'not_found' | 'already_completed' | 'upload_missing'; message: string };

export interface PartedUploadView {
  assetId: string;
  size: number;
  partSize: number;
  partCount: number;
  received: { partNumber: number; size: number }[];
}

/**
 * The caller's own parted upload, still waiting for its parts. Another person's upload id answers exactly as
 * an unknown one: it is not theirs to look at, write or complete.
 */
async function openPartedUpload(db: Db, assetId: string, callerUserId: string | null): Promise<Result<{ asset: Asset; plan: PartPlan }, PartedUploadFailure>> {
  const [asset] = await db
    .select()
    .from(assets)
    .where(and(eq(assets.id, assetId), uploadedByCaller(callerUserId)));
  if (!asset || asset.partSize === null) return { ok: false, code: 'not_found', message: 'No such parted upload: start the upload again.' };
  if (asset.state !== 'awaiting_upload') return { ok: false, code: 'already_completed', message: `This upload was already completed (state: ${asset.state}).` };
  if (asset.multipartUploadId === null) return { ok: false, code: 'already_completed', message: 'This upload is being completed: its parts are assembled.' };
  return { ok: true, asset, plan: planOf(asset) };
}

/** Uploads announced by this caller (a person, or a server-made token acting for nobody). */
export function uploadedByCaller(callerUserId: string | null): SQL {
  return sql`${assets.uploadedBy} is not distinct from ${callerUserId}`;
}

function planOf(asset: Asset): PartPlan {
  const partSize = asset.partSize ?? asset.declaredSize;
  return { partSize, partCount: Math.ceil(asset.declaredSize / partSize) };
}

/** Which parts storage already holds: what a client resuming after a reload or a dropped connection skips. */
export async function listUploadParts(db: Db, storage: Storage, assetId: string, callerUserId: string | null): Promise<Result<{ view: PartedUploadView }, PartedUploadFailure>> {
  const open = await openPartedUpload(db, assetId, callerUserId);
  if (!open.ok) return open;
  const { asset, plan } = open;
  const parts = await storage.listParts(asset.originalKey, asset.multipartUploadId ?? '');
  if (parts === null) return { ok: false, code: 'upload_missing', message: 'The parts of this upload are gone (it expired): start the upload again.' };
  const received = parts
    .filter((part) => part.partNumber <= plan.partCount && part.size === expectedPartSize(asset.declaredSize, plan, part.partNumber))
    .map(({ partNumber, size }) => ({ partNumber, size }));
  return { ok: true, view: { assetId, size: asset.declaredSize, ...plan, received } };
}

export type SignPartsFailure = PartedUploadFailure | { code: 'part_out_of_range'; message: string };

/**
 * Short-lived URLs for the given parts, each bound to its exact size. Signing keeps the upload alive: the
 * abandoned-uploads cleanup counts from the last URL handed out, so a long upload is never swept mid-way.
 */
export async function signUploadParts(
  db: Db,
  storage: Storage,
  assetId: string,
  callerUserId: string | null,
  partNumbers: number[],
): Promise<Result<{ parts: ({ partNumber: number } & SignedRequest)[] }, SignPartsFailure>> {
  const open = await openPartedUpload(db, assetId, callerUserId);
  if (!open.ok) return open;
  const { asset, plan } = open;
  const outside = partNumbers.filter((partNumber) => partNumber < 1 || partNumber > plan.partCount);
  if (outside.length > 0) {
    return { ok: false, code: 'part_out_of_range', message: `This upload has parts 1 to ${plan.partCount}; there is no part ${outside.slice(0, 5).join(', ')}.` };
  }
  const expiresInSeconds = config().upload.urlTtlSeconds;
  await db
    .update(assets)
    .set({ uploadExpiresAt: sql`now() + make_interval(secs => ${expiresInSeconds})` })
    .where(eq(assets.id, asset.id));
  const parts = await Promise.all(
    [...new Set(partNumbers)].map(async (partNumber) => ({
      partNumber,
      ...(await storage.signedPartUrl(asset.originalKey, asset.multipartUploadId ?? '', partNumber, {
        expiresInSeconds,
        size: expectedPartSize(asset.declaredSize, plan, partNumber),
      })),
    })),
  );
  return { ok: true, parts };
}

export type PartTargetCheck = Result<object, { code: 'not_found' | 'upload_closed'; message: string }>;

/** A local part PUT may land only while its upload awaits parts and no completion is assembling them. */
export async function checkPartTarget(db: Db, uploadId: string): Promise<PartTargetCheck> {
  const [asset] = await db
    .select({ state: assets.state, open: sql<boolean>`${or(isNull(assets.claimedUntil), lt(assets.claimedUntil, sql`now()`))}` })
    .from(assets)
    .where(eq(assets.multipartUploadId, uploadId));
  if (!asset) return { ok: false, code: 'not_found', message: 'This upload no longer exists (completed, or expired): start the upload again.' };
  if (asset.state !== 'awaiting_upload' || !asset.open) {
    return { ok: false, code: 'upload_closed', message: 'This upload is being completed: its parts can no longer change.' };
  }
  return { ok: true };
}

export type AssembleFailure = { kind: 'upload_missing' } | { kind: 'parts_incomplete'; code: 'parts_missing' | 'part_size_mismatch'; message: string };

/**
 * Completion of a parted upload, under the completion's claim: every planned part must be there with its
 * planned size, then storage assembles them at the original key and the upload id is forgotten (in one
 * conditional write, so only the claim holder does it). A completion retried after a crash between the two
 * finds the upload gone and the assembled object in place.
 */
export async function assembleParts(db: Db, storage: Storage, asset: Asset, holdsClaim: SQL | undefined): Promise<Result<object, AssembleFailure>> {
  const uploadId = asset.multipartUploadId;
  if (uploadId === null) return { ok: true };
  const plan = planOf(asset);
  const parts = await storage.listParts(asset.originalKey, uploadId);
  if (parts === null) return (await storage.head(asset.originalKey)) ? { ok: true } : { ok: false, kind: 'upload_missing' };
  const byNumber = new Map(parts.map((part) => [part.partNumber, part]));
  const missing: number[] = [];
  const wrongSize: string[] = [];
  const planned: UploadedPart[] = [];
  for (let partNumber = 1; partNumber <= plan.partCount; partNumber++) {
    const part = byNumber.get(partNumber);
    const expected = expectedPartSize(asset.declaredSize, plan, partNumber);
    if (!part) missing.push(partNumber);
    else if (part.size !== expected) wrongSize.push(`part ${partNumber} has ${part.size} bytes, not ${expected}`);
    else planned.push(part);
  }
  if (missing.length > 0) {
    const shown = missing.length > 10 ? `${missing.slice(0, 10).join(', ')} and ${missing.length - 10} more` : missing.join(', ');
    return {
      ok: false,
      kind: 'parts_incomplete',
      code: 'parts_missing',
      message: `${missing.length} of ${plan.partCount} parts have not arrived (part ${shown}): upload them, then complete again.`,
    };
  }
  if (wrongSize.length > 0) {
    return { ok: false, kind: 'parts_incomplete', code: 'part_size_mismatch', message: `${wrongSize.slice(0, 5).join('; ')}: upload those parts again, then complete again.` };
  }
  await storage.completeMultipartUpload(asset.originalKey, uploadId, planned);
  await db.update(assets).set({ multipartUploadId: null }).where(holdsClaim);
  return { ok: true };
}
