import sharp from 'sharp';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets, type Asset } from '@/db/schema';
import { config } from '@/lib/config';
import { leaseHeld, type JobLease } from '@/lib/jobs';
import type { Step, StepOutcome } from '@/lib/jobs';
import { derivativeKey, getStorage } from '@/lib/storage';
import { makeDerivatives } from './derivatives';
import { storeDerivatives } from './derive-step';
import { withSharpSlot } from './sharp-limiter';
import { extractKeyframes, extractPoster, NO_VIDEO_TOOLS, probeVideo, videoDeadline, videoTools, withVideoWorkspace, type VideoFailure } from './video';

type Derivatives = NonNullable<Asset['derivatives']>;

const MISSING_ORIGINAL: StepOutcome = { ok: false, kind: 'failed', code: 'upload_missing', message: 'The original file is missing from storage, so no poster frame can be made. Upload it again.' };

function failed(failure: VideoFailure): StepOutcome {
  return { ok: false, kind: 'failed', code: failure.code, message: failure.message };
}

/**
 * The derive job for a video: probe (duration, size, codec, frame rate, frame count; limits), then a poster frame made into
 * the same `grid` and `vision` WebP derivatives a photo gets, so the library and the asset page need nothing
 * special. Keyframes for alt text are the `frames` job's work.
 */
export const deriveVideoStep: Step = async ({ db, asset, lease }) => {
  const tools = await videoTools();
  if (!tools) return failed(NO_VIDEO_TOOLS);
  const storage = await getStorage();
  const made = await storage.withFile(asset.originalKey, (file) =>
    withVideoWorkspace(async (workDir) => {
      const deadline = videoDeadline();
      const probed = await probeVideo(tools, file, deadline);
      if (!probed.ok) return probed;
      const poster = await extractPoster(tools, file, probed.facts.durationSeconds, workDir, deadline);
      if (!poster.ok) return poster;
      return { ok: true as const, facts: probed.facts, poster: poster.png };
    }),
  );
  if (!made) return MISSING_ORIGINAL;
  if (!made.ok) return failed(made);
  const derived = await makeDerivatives(made.poster, { maxInputPixels: config().upload.maxInputPixels, sniffedFormat: 'png' });
  if (!derived.ok) return { ok: false, kind: 'failed', code: 'corrupt_video', message: `The poster frame could not be made (${derived.message}).` };

  const derivatives = await storeDerivatives(storage, asset.derivativePrefix, derived.outputs);
  const { facts } = made;
  // The format stays the sniffed container (mp4, mov, webm): ffprobe names a whole family ("mov,mp4,m4a,…") by its first member.
  return write(db, asset, lease, { width: facts.width, height: facts.height, metadata: { ...facts, kind: 'video' }, derivatives });
};

/**
 * The frames job: up to five frames spread over the video, taken by seeking within the decode budget, 1024 px on
 * the long side, as WebP derivatives `frame-1`…`frame-5`, for the one alt-text request a video gets.
 */
export const framesStep: Step = async ({ db, asset, lease }) => {
  const tools = await videoTools();
  if (!tools) return failed(NO_VIDEO_TOOLS);
  const storage = await getStorage();
  const durationSeconds = Number(asset.metadata?.durationSeconds ?? 0);
  const extracted = await storage.withFile(asset.originalKey, (file) => withVideoWorkspace((workDir) => extractKeyframes(tools, file, durationSeconds, workDir, videoDeadline())));
  if (!extracted) return MISSING_ORIGINAL;
  if (!extracted.ok) return failed(extracted);

  const derivatives: Derivatives = { ...(asset.derivatives ?? {}) };
  for (const [index, png] of extracted.frames.entries()) {
    const { data, info } = await withSharpSlot(() => sharp(png).webp({ quality: 80 }).toBuffer({ resolveWithObject: true }));
    const key = derivativeKey(asset.derivativePrefix, `frame-${index + 1}`);
    await storage.put(key, data, { contentType: 'image/webp' });
    derivatives[`frame-${index + 1}`] = { key, width: info.width, height: info.height, bytes: data.length };
  }
  return write(db, asset, lease, { derivatives });
};

async function write(db: Db, asset: Asset, lease: JobLease, values: Partial<typeof assets.$inferInsert> & { derivatives: Derivatives }): Promise<StepOutcome> {
  const written = await db.update(assets).set(values).where(and(eq(assets.id, asset.id), leaseHeld(lease))).returning({ id: assets.id });
  if (written.length > 0) return { ok: true };
  // Deleted or taken over meanwhile: our fresh files must not stay behind if nobody owns them.
  const [stillThere] = await db.select({ id: assets.id }).from(assets).where(eq(assets.id, asset.id));
  if (!stillThere) {
    const storage = await getStorage();
    await Promise.all(Object.values(values.derivatives).map((derivative) => storage.delete(derivative.key)));
  }
  return { ok: false, kind: 'claim_lost' };
}
