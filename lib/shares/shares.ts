import { randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets, shares, type Asset, type Share } from '@/db/schema';
import { downloadName } from '@/lib/assets';
import { fail, hashToken, roleAllows, shareGuesses, type Caller, type Result } from '@/lib/auth';
import { config } from '@/lib/config';
import { idsInLibrary, newestInCollection, resolveCollection, resolveSelection, type PhotoSelection } from '@/lib/downloads';
import type { Storage } from '@/lib/storage';
import { formatDate, plural } from '@/lib/words';

/**
 * Share links: a page anyone holding the link may open without an account, showing some photos (derivatives
 * through short signed URLs), their alt text and, when allowed, their originals and a ZIP. The token is 192
 * random bits, shown once and kept only as its SHA-256. Photos picked, or matched by a filter, are frozen when
 * the link is made: what the person saw is what is shared, and a later upload or tag never widens a link
 * already sent. A collection's link is live: sharing "the Summer collection" means the collection as it grows.
 * A wrong token is a 404 counted against the client's address (SHARE_GUESSES_PER_MINUTE); an expired or
 * revoked one is 410.
 */

const TOKEN_BYTES = 24;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;
export const MAX_SHARE_DAYS = 365;
/** Photos on one page of a share. */
export const SHARE_PAGE_SIZE = 60;
/**
 * Signed URLs on a share page live at most this long (and never past the link's expiry), so a revoked link's
 * page stops showing photos soon after.
 */
const SHARE_URL_SECONDS = 10 * 60;

export type ShareSelection = PhotoSelection | { collection: string };

export interface ShareRequest {
  selection: ShareSelection;
  expiresAt: Date;
  allowDownload: boolean;
}

export type ShareStatus = 'active' | 'expired' | 'revoked';

export interface ShareView {
  id: string;
  label: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  allowDownload: boolean;
  status: ShareStatus;
  /** The photos it names (a collection's: null, as it changes). */
  photos: number | null;
  collection: string | null;
}

function statusOf(share: Share, now = new Date()): ShareStatus {
  if (share.revokedAt) return 'revoked';
  return share.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

export function toShareView(share: Share): ShareView {
  return {
    id: share.id,
    label: share.label,
    createdBy: share.createdByName,
    createdAt: share.createdAt.toISOString(),
    expiresAt: share.expiresAt.toISOString(),
    revokedAt: share.revokedAt?.toISOString() ?? null,
    allowDownload: share.allowDownload,
    status: statusOf(share),
    photos: share.assetIds?.length ?? null,
    collection: share.collection,
  };
}

/** Makes a link; the token is in `url` and never stored. */
export async function createShare(db: Db, request: ShareRequest, caller: Caller, origin: string, now = new Date()): Promise<Result<{ share: ShareView; url: string }>> {
  if (request.expiresAt.getTime() <= now.getTime()) return fail('validation_failed', 'The expiry is in the past: choose a time after now.');
  if (request.expiresAt.getTime() > now.getTime() + MAX_SHARE_DAYS * 86_400_000) {
    return fail('validation_failed', `A share link lasts at most ${MAX_SHARE_DAYS} days: choose an earlier expiry.`);
  }
  let assetIds: string[] | null = null;
  let collection: string | null = null;
  let label: string;
  if ('collection' in request.selection) {
    const inCollection = await resolveCollection(db, request.selection.collection);
    if (!inCollection.ok) return inCollection;
    if (!inCollection.ids.length) return fail('validation_failed', `No photo is in the collection "${request.selection.collection}": check its name.`);
    collection = request.selection.collection;
    label = `Collection “${collection}”`;
  } else {
    const resolved = await resolveSelection(db, request.selection);
    if (!resolved.ok) return resolved;
    const present = await idsInLibrary(db, resolved.ids);
    const missing = resolved.ids.find((id) => !present.has(id));
    if (missing) return fail('validation_failed', `Photo ${missing} is not in the library (in the trash, or never uploaded): leave it out.`);
    if (!resolved.ids.length) return fail('validation_failed', 'No photo matches this filter: there is nothing to share.');
    assetIds = resolved.ids;
    label = 'filter' in request.selection ? `${plural(assetIds.length, 'photo')} matching a filter` : plural(assetIds.length, 'photo');
  }
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const [row] = await db
    .insert(shares)
    .values({ tokenHash: hashToken(token), createdBy: caller.userId, createdByName: caller.name, assetIds, collection, label, allowDownload: request.allowDownload, expiresAt: request.expiresAt })
    .returning();
  return { ok: true, share: toShareView(row), url: `${origin}/s/${token}` };
}

/** Admins see every link; everyone else the links they made. Newest first. */
export async function listShares(db: Db, caller: Caller): Promise<ShareView[]> {
  const rows = await db
    .select()
    .from(shares)
    .where(roleAllows(caller.role, 'admin') ? undefined : caller.userId ? eq(shares.createdBy, caller.userId) : sql`false`)
    .orderBy(desc(shares.createdAt))
    .limit(500);
  return rows.map(toShareView);
}

/** Revokes a link at once (its page answers 410); the maker or an admin may. Revoking twice is not an error. */
export async function revokeShare(db: Db, caller: Caller, id: string): Promise<Result<{ share: ShareView }>> {
  const mayRevoke = roleAllows(caller.role, 'admin') ? undefined : caller.userId ? eq(shares.createdBy, caller.userId) : sql`false`;
  const [row] = await db
    .update(shares)
    .set({ revokedAt: sql`coalesce(${shares.revokedAt}, now())` })
    .where(and(eq(shares.id, id), mayRevoke))
    .returning();
  if (!row) return fail('not_found', 'No such share link, or it is someone else’s (only admins may revoke those).');
  return { ok: true, share: toShareView(row) };
}

/**
 * The share behind a token, for someone with no account. Checked in this order: the address's wrong guesses
 * (429 past the limit, before any lookup), the token (404, and one more wrong guess counted), the link's
 * revocation or expiry (410).
 */
export async function openShare(db: Db, token: string, address: string, now = new Date()): Promise<Result<{ share: Share }>> {
  const allowed = await shareGuesses.peek(db, address, now);
  if (!allowed.ok) return allowed;
  const [share] = TOKEN_PATTERN.test(token) ? await db.select().from(shares).where(eq(shares.tokenHash, hashToken(token))) : [];
  if (!share) {
    await shareGuesses.count(db, address, now);
    return fail('not_found', 'No such share link: check that it was copied whole.');
  }
  if (share.revokedAt) return fail('share_gone', `This share link was revoked on ${formatDate(share.revokedAt)}. Ask whoever sent it for a new one.`);
  if (share.expiresAt.getTime() <= now.getTime()) return fail('share_gone', `This share link expired on ${formatDate(share.expiresAt)}. Ask whoever sent it for a new one.`);
  return { ok: true, share };
}

/** The ids a share shows now: its frozen ids still in the library (in their order), or its collection's photos. */
export async function sharedIds(db: Db, share: Share): Promise<string[]> {
  if (share.collection !== null) return newestInCollection(db, share.collection);
  const ids = share.assetIds ?? [];
  const present = await idsInLibrary(db, ids);
  return ids.filter((id) => present.has(id));
}

export interface SharedPhoto {
  filename: string;
  altText: string | null;
  decorative: boolean;
  width: number | null;
  height: number | null;
  /** The small derivative, signed for a few minutes; null before it exists. */
  imageUrl: string | null;
  /** The original, signed for a few minutes, when the link allows downloads. */
  downloadUrl: string | null;
}

export interface SharedPage {
  label: string;
  expiresAt: string;
  allowDownload: boolean;
  total: number;
  page: number;
  pages: number;
  photos: SharedPhoto[];
}

/** One page of what a share shows: nothing of the library beyond these photos (no ids, no tags, no people). */
export async function sharedPage(db: Db, storage: Storage, share: Share, page: number, now = new Date()): Promise<SharedPage> {
  const ids = await sharedIds(db, share);
  const pages = Math.max(1, Math.ceil(ids.length / SHARE_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  const slice = ids.slice((current - 1) * SHARE_PAGE_SIZE, current * SHARE_PAGE_SIZE);
  const rows = slice.length ? await db.select().from(assets).where(inArray(assets.id, slice)) : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const seconds = Math.max(1, Math.min(SHARE_URL_SECONDS, config().downloadUrlTtlSeconds, Math.floor((share.expiresAt.getTime() - now.getTime()) / 1000)));
  const photos = await Promise.all(
    slice.flatMap((id) => {
      const asset = byId.get(id);
      return asset ? [sharedPhoto(storage, asset, share.allowDownload, seconds)] : [];
    }),
  );
  return { label: share.label, expiresAt: share.expiresAt.toISOString(), allowDownload: share.allowDownload, total: ids.length, page: current, pages, photos };
}

async function sharedPhoto(storage: Storage, asset: Asset, allowDownload: boolean, seconds: number): Promise<SharedPhoto> {
  const shown = asset.derivatives?.grid ?? asset.derivatives?.vision;
  const [imageUrl, downloadUrl] = await Promise.all([
    shown ? storage.signedGetUrl(shown.key, { expiresInSeconds: seconds, contentType: 'image/webp' }) : null,
    allowDownload && asset.state !== 'failed_derive'
      ? storage.signedGetUrl(asset.originalKey, { expiresInSeconds: seconds, downloadName: downloadName(asset.filename, asset.format), contentType: asset.mimeType ?? 'application/octet-stream' })
      : null,
  ]);
  return { filename: asset.filename, altText: asset.decorative ? '' : asset.altText, decorative: asset.decorative, width: asset.width, height: asset.height, imageUrl, downloadUrl };
}
