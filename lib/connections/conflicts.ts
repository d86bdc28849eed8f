import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { notTrashedSql } from '@/lib/filters';
import type { Db } from '@/db/handle';
import { assetRemotes, assets, connections } from '@/db/schema';
import { writeShopAlt } from '@/lib/alt';
import { fail, type Result } from '@/lib/auth';
import { config } from '@/lib/config';
import type { Storage } from '@/lib/storage';
import { enqueueWritebacks } from './writeback';

/**
 * Conflicts: a store image whose text was changed in the shop while Loupe's changed too. Nothing is written
 * until a person picks one text: Loupe's (written to the store, replacing the shop's edit knowingly) or the
 * store's (it becomes Loupe's text, approved by that person, source shop).
 */

export interface ConflictView {
  assetId: string;
  filename: string;
  thumbnailUrl: string | null;
  connectionId: string;
  store: string;
  remoteId: string;
  loupeText: string | null;
  storeText: string | null;
  /** The asset's version the person saw: deciding on a newer one is refused (409). */
  version: number;
}

export async function listConflicts(db: Db, storage: Storage, limit = 20): Promise<{ conflicts: ConflictView[]; total: number }> {
  const where = and(eq(assetRemotes.status, 'conflict'), notTrashedSql('assets'));
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({ remote: assetRemotes, store: connections.name, asset: { filename: assets.filename, altText: assets.altText, version: assets.version, derivatives: assets.derivatives } })
      .from(assetRemotes)
      .innerJoin(assets, eq(assets.id, assetRemotes.assetId))
      .innerJoin(connections, eq(connections.id, assetRemotes.connectionId))
      .where(where)
      .orderBy(asc(assetRemotes.updatedAt))
      .limit(limit),
    db.select({ total: sql<number>`count(*)::int` }).from(assetRemotes).innerJoin(assets, eq(assets.id, assetRemotes.assetId)).where(where),
  ]);
  const ttl = config().downloadUrlTtlSeconds;
  const conflicts = await Promise.all(
    rows.map(async ({ remote, store, asset }) => ({
      assetId: remote.assetId,
      filename: asset.filename,
      thumbnailUrl: asset.derivatives?.grid ? await storage.signedGetUrl(asset.derivatives.grid.key, { expiresInSeconds: ttl, contentType: 'image/webp' }) : null,
      connectionId: remote.connectionId,
      store,
      remoteId: remote.remoteId,
      loupeText: asset.altText,
      storeText: remote.remoteAlt,
      version: asset.version,
    })),
  );
  return { conflicts, total };
}

export interface ConflictDecision {
  connectionId: string;
  remoteId: string;
  keep: 'loupe' | 'store';
  /** The asset's version the person decided on. */
  version: number;
}

export async function resolveConflict(db: Db, decision: ConflictDecision, person: { userId: string | null; name: string }): Promise<Result<{ queued: boolean }>> {
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({ remote: assetRemotes, store: connections.name, version: assets.version })
      .from(assetRemotes)
      .innerJoin(assets, eq(assets.id, assetRemotes.assetId))
      .innerJoin(connections, eq(connections.id, assetRemotes.connectionId))
      .where(and(eq(assetRemotes.connectionId, decision.connectionId), eq(assetRemotes.remoteId, decision.remoteId)))
      .for('update');
    if (!found) return fail('not_found', 'No such store image: it may have been deleted with its connection.');
    if (found.remote.status !== 'conflict') return fail('conflict', 'This conflict was already decided.');
    if (found.version !== decision.version) return fail('version_conflict', 'The photo’s alt text changed since you loaded it: reload and decide again.');
    const storeText = found.remote.remoteAlt ?? '';
    const key = and(eq(assetRemotes.connectionId, decision.connectionId), eq(assetRemotes.remoteId, decision.remoteId));
    if (decision.keep === 'store') {
      const written = await writeShopAlt(tx, { assetId: found.remote.assetId, text: storeText, expectedVersion: decision.version, author: person.name, userId: person.userId, message: `took the text of the store "${found.store}" in a conflict` });
      if (!written) return fail('version_conflict', 'The photo’s alt text changed since you loaded it: reload and decide again.');
      await tx.update(assetRemotes).set({ status: 'in_sync', lastSeenAlt: storeText, writtenVersion: written.version, error: null, updatedAt: sql`now()` }).where(key);
      return { ok: true, queued: false };
    }
    // Loupe's text wins: the shop's edit, now seen by a person, is the text it replaces.
    await tx.update(assetRemotes).set({ status: 'pending', lastSeenAlt: storeText, writtenVersion: null, error: null, updatedAt: sql`now()` }).where(key);
    const queued = await enqueueWritebacks(tx, [found.remote.assetId], { connectionId: decision.connectionId, force: true });
    return { ok: true, queued: queued > 0 };
  });
}
