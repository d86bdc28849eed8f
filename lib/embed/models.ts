import { and, eq, ne, sql, type SQLWrapper } from 'drizzle-orm';
import { visibleSql } from '@/lib/filters';
import { rows, type Db } from '@/db/client';
import { embeddingModels, settings } from '@/db/schema';
import { ensureVectorIndex, MODEL_ID_PATTERN, modelLiteral, VECTOR_DDL_LOCK } from './vector-index';
import type { ModelSpec } from './types';
import type { Result } from '@/lib/result';

/**
 * The model registry. Exactly one model is `active` (searched). A newly configured model is `building` while
 * its vectors are written beside the active model's, which keeps serving; once every asset has a vector from the
 * new model it becomes active in one transaction and the old one `retired`. So a switch never empties search.
 */

export interface LiveModel {
  id: string;
  dimensions: number;
  status: 'building' | 'active';
}

export type RegisterResult = Result<{ model: LiveModel }, { kind: 'failed'; message: string }>;

const specKey = (id: string) => `embedding_model:${id}`;


/** Records the model (active if it is the first, otherwise building), how to reach it, and its index. */
export async function registerModel(db: Db, id: string, dimensions: number, spec: ModelSpec): Promise<RegisterResult> {
  if (!MODEL_ID_PATTERN.test(id)) {
    return { ok: false, kind: 'failed', message: `EMBEDDING_MODEL ${JSON.stringify(id)} has characters Loupe does not accept in a model id.` };
  }
  return db.transaction(async (tx) => {
    await tx.execute(sql`select ${VECTOR_DDL_LOCK}`);
    const [existing] = await tx.select().from(embeddingModels).where(eq(embeddingModels.id, id));
    if (existing && existing.dimensions !== dimensions) {
      return {
        ok: false as const,
        kind: 'failed' as const,
        message: `The model ${id} was registered with ${existing.dimensions} dimensions but now gives ${dimensions}; ` +
          'give the changed model another EMBEDDING_MODEL id so it is built beside the old one.',
      };
    }
    const [active] = await tx.select({ id: embeddingModels.id }).from(embeddingModels).where(eq(embeddingModels.status, 'active'));
    let status: LiveModel['status'];
    if (!existing) {
      status = active ? 'building' : 'active';
      await tx.insert(embeddingModels).values({ id, dimensions, status, activatedAt: status === 'active' ? new Date() : null });
    } else if (existing.status === 'retired') {
      status = active ? 'building' : 'active';
      await tx.update(embeddingModels).set({ status }).where(eq(embeddingModels.id, id));
    } else {
      status = existing.status;
    }
    await tx
      .insert(settings)
      .values({ key: specKey(id), value: JSON.stringify(spec) })
      .onConflictDoUpdate({ target: settings.key, set: { value: JSON.stringify(spec), updatedAt: new Date() } });
    await ensureVectorIndex(tx, { id, dimensions });
    return { ok: true as const, model: { id, dimensions, status } };
  });
}

export async function activeModel(db: Db): Promise<LiveModel | null> {
  const [row] = await db
    .select({ id: embeddingModels.id, dimensions: embeddingModels.dimensions })
    .from(embeddingModels)
    .where(eq(embeddingModels.status, 'active'));
  return row ? { ...row, status: 'active' } : null;
}

/** Active and building models: the ones every new or edited asset is embedded with. */
export async function liveModels(db: Db): Promise<LiveModel[]> {
  const found = await db
    .select({ id: embeddingModels.id, dimensions: embeddingModels.dimensions, status: embeddingModels.status })
    .from(embeddingModels)
    .where(ne(embeddingModels.status, 'retired'));
  return found.filter((m): m is LiveModel => m.status !== 'retired');
}

export async function modelSpec(db: Db, id: string): Promise<ModelSpec | null> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, specKey(id)));
  return row ? (JSON.parse(row.value) as ModelSpec) : null;
}

/** Makes a building model active once no embeddable asset lacks its vector; returns whether it switched. */
export async function activateIfComplete(db: Db, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select ${VECTOR_DDL_LOCK}`);
    const [model] = await tx.select().from(embeddingModels).where(and(eq(embeddingModels.id, id), eq(embeddingModels.status, 'building')));
    if (!model) return false;
    const [missing] = await rows<{ exists: boolean }>(tx, sql`
      select exists (
        select 1 from assets a
        where ${visibleSql('a')}
          and not exists (select 1 from asset_embeddings e where e.asset_id = a.id and e.model = ${modelLiteral(id)})
      ) as exists`);
    if (missing.exists) return false;
    await tx.update(embeddingModels).set({ status: 'retired' }).where(eq(embeddingModels.status, 'active'));
    await tx.update(embeddingModels).set({ status: 'active', activatedAt: new Date() }).where(eq(embeddingModels.id, id));
    return true;
  });
}
