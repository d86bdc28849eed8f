import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';

/**
 * The one place that writes vector index DDL. Each embedding model gets its own partial HNSW cosine index over
 * `embedding::halfvec(D)` WHERE model = '<id>', so models of different sizes share one table without mixing.
 * Half precision halves the index (it must stay in memory to be fast); bench:search measures the recall. The
 * table keeps full-precision vectors. Runs under a transaction-scoped advisory lock, so concurrent instances
 * never race on DDL.
 */

export type Executor = Pick<Db, 'execute'>;

/** HNSW build parameters: m 16 (pgvector's default), ef_construction 128 for recall ≥ 0.95 at ef_search 100. */
const HNSW_M = 16;
const HNSW_EF_CONSTRUCTION = 128;

export const VECTOR_DDL_LOCK = sql`pg_advisory_xact_lock(hashtext('loupe.vector_index'))`;

/** Model ids go into DDL and partial-index predicates as literals, so they are limited to a safe alphabet. */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$/;

export function vectorIndexName(modelId: string): string {
  return `asset_embeddings_hnsw_${createHash('sha256').update(modelId).digest('hex').slice(0, 16)}`;
}

/**
 * The model id as an SQL literal. Inlined rather than bound: a partial index is only chosen when the planner can
 * prove `model = '<id>'`, which a generic plan over a bound parameter cannot.
 */
export function modelLiteral(modelId: string): ReturnType<typeof sql.raw> {
  if (!MODEL_ID_PATTERN.test(modelId)) throw new Error(`unsafe embedding model id: ${JSON.stringify(modelId)}`);
  return sql.raw(`'${modelId}'`);
}

/** The type vectors are indexed and compared as: queries must use the same expression as the index. */
export function indexedVectorType(dimensions: number): ReturnType<typeof sql.raw> {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 4000) {
    throw new Error(`HNSW indexes on halfvec take 1 to 4000 dimensions, not ${dimensions}`);
  }
  return sql.raw(`halfvec(${dimensions})`);
}

/** Creates the model's index, or rebuilds it when its definition does not match (dimension or parameters). */
export async function ensureVectorIndex(tx: Executor, model: { id: string; dimensions: number }): Promise<void> {
  await tx.execute(sql`select ${VECTOR_DDL_LOCK}`);
  const name = vectorIndexName(model.id);
  const [existing] = await rows<{ indexdef: string }>(tx, sql`select indexdef from pg_indexes where indexname = ${name}`);
  const wanted = [`halfvec(${model.dimensions})`, 'halfvec_cosine_ops', `'${model.id}'::text`, `m='${HNSW_M}'`, `ef_construction='${HNSW_EF_CONSTRUCTION}'`];
  if (existing && wanted.every((part) => existing.indexdef.includes(part))) return;
  if (existing) await tx.execute(sql`drop index ${sql.identifier(name)}`);
  await tx.execute(sql`
    create index ${sql.identifier(name)} on asset_embeddings
    using hnsw ((embedding::${indexedVectorType(model.dimensions)}) halfvec_cosine_ops)
    with (m = ${sql.raw(String(HNSW_M))}, ef_construction = ${sql.raw(String(HNSW_EF_CONSTRUCTION))})
    where model = ${modelLiteral(model.id)}`);
}
