import { createHash, randomUUID } from 'node:crypto';
import { and, eq, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets, renditions, type Asset, type Rendition } from '@/db/schema';
import { config } from '@/lib/config';
import { notTrashedSql } from '@/lib/filters';
import { isVideo } from '@/lib/ingest';
import type { Failure, Result } from '@/lib/result';
import { getStorage, newRenditionKey } from '@/lib/storage';
import { findPreset, presetHash, unknownPreset, type Preset } from './presets';
import { CONTENT_TYPES, EXTENSIONS, renderPreset, type RenderedFile, type RenderFailure } from './render';
import { dropRenditions } from './stored-keys';

/** A rendition ready in storage: read it with Storage.get(key) or sign a URL for it. */
export interface RenditionFile {
  key: string;
  contentType: string;
  bytes: number;
  /** Strong validator: the first 128 bits of the file's SHA-256, hex (quote it for an ETag header). */
  etag: string;
  /** The file's extension without the dot (jpg, png, webp, avif), for naming downloads. */
  extension: string;
  /** A name to save it under: the photo's filename without its extension, the preset's name, the extension. */
  filename: string;
  width: number;
  height: number;
  preset: string;
}

export type RenditionFailure = Failure<{
  code: 'not_found' | 'preset_not_found' | 'rendition_unavailable' | 'corrupt_image' | 'too_many_pixels';
  message: string;
}>;
export type RenditionResult = Result<RenditionFile, RenditionFailure>;

/** States in which the derive step has succeeded, so the source (original or video poster) is known good. */
const DERIVED_STATES: ReadonlySet<Asset['state']> = new Set(['derived', 'described', 'embedded', 'failed_describe', 'failed_embed']);

/**
 * How long a request making a rendition holds its claim without renewing it. Renewed every third of it while it
 * works; a maker that died leaves a claim others take over once this has passed.
 */
const CLAIM_SECONDS = 60;
/** How often a request waiting on another's rendition looks again (from the first, up to the last). */
const WAIT_POLL_MS = [25, 50, 100, 200, 400] as const;

/** Renditions being obtained by this process, by asset, preset and hash (on globalThis: one map across hot reloads). */
const globalForRenditions = globalThis as unknown as { loupeRenditionsInFlight?: Map<string, Promise<RenditionResult>> };
const inFlight = (globalForRenditions.loupeRenditionsInFlight ??= new Map());

/**
 * The file of `asset` made by the preset named `presetName`, made on first request and kept in storage. A
 * changed preset has a new hash, so its first request makes a new file. Concurrent requests make it once: in
 * this process they share one promise, across processes one of them claims the row (INSERT … ON CONFLICT DO
 * NOTHING) and the others wait for it to be ready. A photo is made from its original, a video from its poster.
 */
export async function renditionFile(db: Db, asset: Asset, presetName: string): Promise<RenditionResult> {
  const preset = await findPreset(db, presetName);
  if (!preset) return unknownPreset(presetName);
  const unavailable = unavailableReason(asset);
  if (unavailable) return unavailable;
  const hash = presetHash(preset);
  const flightKey = `${asset.id}/${preset.name}/${hash}`;
  const existing = inFlight.get(flightKey);
  if (existing) return existing;
  const made = obtain(db, asset, preset, hash).finally(() => inFlight.delete(flightKey));
  inFlight.set(flightKey, made);
  return made;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** renditionFile for an asset id (the API's): an unknown or trashed asset is `not_found`. */
export async function assetRendition(db: Db, assetId: string, presetName: string): Promise<RenditionResult> {
  const [asset] = UUID.test(assetId) ? await db.select().from(assets).where(eq(assets.id, assetId)).limit(1) : [];
  if (!asset) return { ok: false, code: 'not_found', message: 'No such asset: it may have been deleted.' };
  if (asset.deletedAt) return { ok: false, code: 'not_found', message: 'This photo is in the trash: restore it before asking for its renditions.' };
  return renditionFile(db, asset, presetName);
}

function unavailableReason(asset: Asset): RenditionFailure | null {
  if (asset.deletedAt) return { ok: false, code: 'rendition_unavailable', message: 'This photo is in the trash: restore it before asking for its renditions.' };
  if (!DERIVED_STATES.has(asset.state) || !asset.derivatives?.vision) {
    const why = asset.state.startsWith('failed_') ? 'it could not be processed (see its error on the asset page)' : 'it has not been processed yet';
    return { ok: false, code: 'rendition_unavailable', message: `This photo has no renditions: ${why}.` };
  }
  return null;
}

/**
 * A ready row is answered; otherwise this request claims the row and makes the file, or, when another holds
 * the claim, waits until the row is ready, gone (the maker failed: try again) or its claim lapsed (take it over).
 * Exported for tests, which call it without the in-process sharing to see the claim work across processes.
 */
export async function obtain(db: Db, asset: Asset, preset: Preset, hash: string): Promise<RenditionResult> {
  for (;;) {
    const current = await readRow(db, asset.id, preset.name, hash);
    if (current?.status === 'ready') return fileOf(asset, current);
    const claim = current ? await takeOver(db, current) : await claimNew(db, asset, preset, hash);
    if (claim === 'asset_gone') return { ok: false, code: 'rendition_unavailable', message: 'This photo was deleted.' };
    if (claim) return make(db, asset, preset, claim);
    await waitForMaker(db, asset.id, preset.name, hash);
  }
}

async function readRow(db: Db, assetId: string, preset: string, hash: string): Promise<Rendition | null> {
  const [row] = await db
    .select()
    .from(renditions)
    .where(and(eq(renditions.assetId, assetId), eq(renditions.preset, preset), eq(renditions.presetHash, hash)))
    .limit(1);
  return row ?? null;
}

const claimUntil = sql`now() + make_interval(secs => ${CLAIM_SECONDS})`;

async function claimNew(db: Db, asset: Asset, preset: Preset, hash: string): Promise<Rendition | null | 'asset_gone'> {
  try {
    const [row] = await db
      .insert(renditions)
      .values({ assetId: asset.id, preset: preset.name, presetHash: hash, key: newRenditionKey(), contentType: CONTENT_TYPES[preset.format], claimToken: randomUUID(), claimedUntil: claimUntil })
      .onConflictDoNothing({ target: [renditions.assetId, renditions.preset, renditions.presetHash] })
      .returning();
    return row ?? null;
  } catch (error) {
    if (isForeignKeyViolation(error)) return 'asset_gone';
    throw error;
  }
}

/**
 * A row whose maker's claim lapsed (the process died) is taken with a new key, and whatever the dead maker may
 * have written at the old key is deleted: no object is left that no row names.
 */
async function takeOver(db: Db, current: Rendition): Promise<Rendition | null> {
  if (current.status !== 'making') return null;
  const [row] = await db
    .update(renditions)
    .set({ key: newRenditionKey(), claimToken: randomUUID(), claimedUntil: claimUntil })
    .where(and(eq(renditions.id, current.id), eq(renditions.key, current.key), eq(renditions.status, 'making'), or(isNull(renditions.claimedUntil), lt(renditions.claimedUntil, sql`now()`))))
    .returning();
  if (!row) return null;
  await (await getStorage()).delete(current.key);
  return row;
}

async function waitForMaker(db: Db, assetId: string, preset: string, hash: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS[Math.min(attempt, WAIT_POLL_MS.length - 1)]));
    const [row] = await db
      .select({ status: renditions.status, lapsed: sql<boolean>`coalesce(${renditions.claimedUntil} < now(), true)` })
      .from(renditions)
      .where(and(eq(renditions.assetId, assetId), eq(renditions.preset, preset), eq(renditions.presetHash, hash)))
      .limit(1);
    if (!row || row.status === 'ready' || row.lapsed) return;
  }
}

async function make(db: Db, asset: Asset, preset: Preset, claim: Rendition): Promise<RenditionResult> {
  const token = claim.claimToken ?? '';
  const held = and(eq(renditions.id, claim.id), eq(renditions.claimToken, token));
  const renew = setInterval(() => {
    db.update(renditions).set({ claimedUntil: claimUntil }).where(held).catch(() => undefined);
  }, (CLAIM_SECONDS * 1000) / 3);
  const storage = await getStorage();
  try {
    const rendered = await renderSource(asset, preset);
    if (!rendered.ok) {
      await db.delete(renditions).where(held);
      // A format this server cannot decode (its decoder gone since the photo was processed): no rendition, as for a failed photo.
      return { ok: false, code: rendered.code === 'unsupported_format' ? 'rendition_unavailable' : rendered.code, message: rendered.message };
    }
    await storage.put(claim.key, rendered.data, { contentType: claim.contentType });
    const etag = createHash('sha256').update(rendered.data).digest('hex').slice(0, 32);
    // Only while the claim holds and the photo is still in the library: a purge reads the keys of the rows
    // it deletes, so a file stored for a photo trashed meanwhile is removed here, by its maker.
    const assetLive = sql`exists (select 1 from ${assets} a where a.id = ${renditions.assetId} and ${notTrashedSql('a')})`;
    const [ready] = await db
      .update(renditions)
      .set({ status: 'ready', bytes: rendered.data.length, width: rendered.width, height: rendered.height, etag, claimToken: null, claimedUntil: null })
      .where(and(held, assetLive))
      .returning();
    if (ready) {
      // Files of this preset's earlier versions (a preset changed since, or a new Loupe renders differently).
      await dropRenditions(db, and(eq(renditions.assetId, asset.id), eq(renditions.preset, preset.name), ne(renditions.presetHash, claim.presetHash)));
      return fileOf(asset, ready);
    }
    await storage.delete(claim.key);
    await db.delete(renditions).where(held);
    return { ok: false, code: 'rendition_unavailable', message: 'This photo was deleted while its rendition was being made.' };
  } catch (error) {
    await db.delete(renditions).where(held).catch(() => undefined);
    await storage.delete(claim.key).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(renew);
  }
}

/** A photo from its original; a video from its poster frame (the `vision` derivative, 1200 px on the long side). */
async function renderSource(asset: Asset, preset: Preset): Promise<Result<RenderedFile, RenderFailure | RenditionFailure>> {
  const storage = await getStorage();
  const maxInputPixels = config().upload.maxInputPixels;
  const poster = isVideo(asset) ? asset.derivatives?.vision : null;
  const key = poster ? poster.key : asset.originalKey;
  const pixels = poster ? poster.width * poster.height : (asset.width ?? 0) * (asset.height ?? 0);
  const sniffedFormat = poster ? 'webp' : asset.format;
  const rendered = await storage.withFile(key, (file) => renderPreset(file, preset, { maxInputPixels, pixels, sniffedFormat }));
  return rendered ?? { ok: false, code: 'rendition_unavailable', message: 'The original file is missing from storage, so no rendition can be made.' };
}

function fileOf(asset: Asset, row: Rendition): RenditionResult {
  const format = (Object.keys(CONTENT_TYPES) as (keyof typeof CONTENT_TYPES)[]).find((name) => CONTENT_TYPES[name] === row.contentType) ?? 'jpeg';
  return {
    ok: true,
    key: row.key,
    contentType: row.contentType,
    bytes: row.bytes ?? 0,
    etag: row.etag ?? '',
    extension: EXTENSIONS[format],
    filename: `${asset.filename.replace(/\.[^.]*$/, '') || 'photo'}-${row.preset}.${EXTENSIONS[format]}`,
    width: row.width ?? 0,
    height: row.height ?? 0,
    preset: row.preset,
  };
}

function isForeignKeyViolation(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if ((current as { code?: unknown }).code === '23503') return true;
  }
  return false;
}
