import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { toVectorLiteral } from './normalize';

export interface VectorWrite {
  assetId: string;
  /** The asset's version and filename when its input was read: a write for an asset edited since is skipped. */
  version: number;
  filename: string;
  vector: Float32Array;
  inputHash: string;
}

/**
 * Upserts vectors for one model. A write is skipped when the model was retired meanwhile (its dimension may no
 * longer be searched) or the asset changed since its text was read (a newer re-embed will write instead).
 * Returns how many rows were written.
 */
export async function storeVectors(db: Db, model: { id: string; dimensions: number }, writes: VectorWrite[]): Promise<number> {
  const valid = writes.filter((w) => w.vector.length === model.dimensions);
  if (valid.length === 0) return 0;
  const values = sql.join(
    valid.map((w) => sql`(${w.assetId}::uuid, ${w.version}::int, ${w.filename}::text, ${toVectorLiteral(w.vector)}::vector, ${w.inputHash}::text)`),
    sql`, `,
  );
  const written = await rows<{ asset_id: string }>(db, sql`
    insert into asset_embeddings (asset_id, model, embedding, input_hash)
    select v.asset_id, m.id, v.embedding, v.input_hash
    from (values ${values}) as v(asset_id, version, filename, embedding, input_hash)
    join assets a on a.id = v.asset_id and a.version = v.version and a.filename = v.filename
    join embedding_models m on m.id = ${model.id} and m.status <> 'retired' and m.dimensions = ${model.dimensions}
    on conflict (asset_id, model) do update
      set embedding = excluded.embedding, input_hash = excluded.input_hash, created_at = now()
    returning asset_id`);
  return written.length;
}
