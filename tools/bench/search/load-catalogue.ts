import { randomBytes, randomUUID } from 'node:crypto';
import { finished } from 'node:stream/promises';
import { getTableColumns } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Db, DbHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { assets } from '@/db/schema';
import { registerModel, storeVectors, toVectorLiteral, type Embedder } from '@/lib/embed';

/** One catalogue item as the benchmark and the evaluation load it. */
export interface CatalogueProduct {
  altText: string;
  tags: string[];
  filename: string;
  sku: string;
  /** The bench's collection and status filters need both; the evaluation leaves them out. */
  collection?: string;
  approved?: boolean;
}

/** Migrates a fresh database and registers the embedder's model as the active one (how to reach it included). */
export async function prepareCatalogueDb(handle: DbHandle, embedder: Embedder, modelDir: string): Promise<void> {
  await migrate(handle);
  const registered = await registerModel(handle.db, embedder.id, embedder.dimensions, { provider: 'local', model: embedder.id, modelDir });
  if (!registered.ok) throw new Error(registered.message);
}

/** The assets row the pipeline would have left for a described product (the id is the database's or the caller's). */
function assetRow(product: CatalogueProduct) {
  const random = randomBytes(12).toString('hex');
  return {
    filename: product.filename,
    declaredType: 'image/jpeg',
    declaredSize: 250_000,
    declaredSha256: random.padEnd(64, '0'),
    sha256: random.padEnd(64, '1'),
    format: 'jpeg',
    mimeType: 'image/jpeg',
    originalKey: `o/${random}`,
    derivativePrefix: `d/${random}`,
    width: 1200,
    height: 1600,
    state: 'embedded' as const,
    tags: product.tags,
    sku: product.sku,
    collection: product.collection ?? null,
    altText: product.altText,
    altSource: product.approved ? ('human' as const) : ('ai' as const),
    altStatus: product.approved ? ('approved' as const) : ('proposed' as const),
  };
}

/** Inserts described assets and their vectors for one model, as the pipeline would have left them. */
export async function loadProducts(
  db: Db,
  model: { id: string; dimensions: number },
  products: readonly CatalogueProduct[],
  vectors: readonly Float32Array[],
  inputHashes: readonly string[],
): Promise<void> {
  const inserted = await db
    .insert(assets)
    .values(products.map(assetRow))
    .returning({ id: assets.id, filename: assets.filename });
  const written = await storeVectors(
    db,
    model,
    inserted.map((row, i) => ({ assetId: row.id, version: 1, filename: row.filename, vector: vectors[i], inputHash: inputHashes[i] })),
  );
  if (written !== products.length) throw new Error(`stored ${written} of ${products.length} vectors`);
}

type CopyValue = string | number | null | readonly string[];

/** A value in COPY's text format: `\N` for null, arrays as quoted array literals, and \\, tab and newlines escaped. */
export function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : `{${value.map((item) => `"${item.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  return text.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] as string);
}

/** Rows in COPY's text format, one line each. */
export function copyLines(rowsOf: readonly (readonly CopyValue[])[]): string {
  return rowsOf.map((row) => `${row.map(copyField).join('\t')}\n`).join('');
}

async function copyInto(client: postgres.Sql, table: string, columns: readonly string[], lines: string): Promise<void> {
  const stream = await client.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable();
  stream.end(lines);
  await finished(stream);
}

/**
 * The same rows as loadProducts, written with COPY FROM STDIN (PostgreSQL only: PGlite reads COPY from a blob, not
 * from a stream): the ids are made here, so the vectors need no round trip for them. Triggers fire as for an
 * INSERT (the full-text column is filled the same way); unlike storeVectors it does not check that the model is
 * live, which the bench's freshly registered model is. Returns the seconds each table took.
 */
export async function copyProducts(
  client: postgres.Sql,
  model: { id: string; dimensions: number },
  products: readonly CatalogueProduct[],
  vectors: readonly Float32Array[],
  inputHashes: readonly string[],
): Promise<{ assetsSeconds: number; embeddingsSeconds: number }> {
  if (vectors.some((vector) => vector.length !== model.dimensions)) throw new Error(`a vector is not ${model.dimensions}-dimensional`);
  const columnsOf = getTableColumns(assets);
  const rowsOf = products.map((product) => ({ id: randomUUID(), ...assetRow(product) }));
  const keys = Object.keys(rowsOf[0] ?? {}) as (keyof (typeof rowsOf)[number])[];
  let started = performance.now();
  await copyInto(client, 'assets', keys.map((key) => columnsOf[key].name), copyLines(rowsOf.map((row) => keys.map((key) => row[key]))));
  const assetsSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  await copyInto(
    client,
    'asset_embeddings',
    ['asset_id', 'model', 'embedding', 'input_hash'],
    copyLines(rowsOf.map((row, i) => [row.id, model.id, toVectorLiteral(vectors[i]), inputHashes[i]])),
  );
  return { assetsSeconds, embeddingsSeconds: (performance.now() - started) / 1000 };
}

/** An index the load does without, and how to make it again. */
export interface DroppedIndex {
  name: string;
  /** `create index …`, or `alter table … add constraint …` for a unique constraint. */
  recreate: string;
}

/**
 * Drops the catalogue tables' secondary indexes (unique constraints other than primary keys included) before a
 * bulk load: each row then updates the two primary keys instead of every index, GIN ones among them. The
 * primary keys stay (asset_embeddings' foreign key reads assets'). Returns what recreateIndexes needs.
 */
export async function dropLoadIndexes(client: postgres.Sql): Promise<DroppedIndex[]> {
  const found = await client<{ name: string; table: string; constraint: string | null; definition: string }[]>`
    select ic.relname as name, t.relname as table, c.conname as constraint,
      coalesce(pg_get_constraintdef(c.oid), pg_get_indexdef(i.indexrelid)) as definition
    from pg_index i
    join pg_class ic on ic.oid = i.indexrelid
    join pg_class t on t.oid = i.indrelid
    left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid
    where t.relname in ('assets', 'asset_embeddings') and t.relnamespace = 'public'::regnamespace
      and not i.indisprimary and (c.oid is null or c.contype = 'u')
    order by 1`;
  const dropped: DroppedIndex[] = [];
  for (const index of found) {
    if (index.constraint) {
      await client.unsafe(`alter table "${index.table}" drop constraint "${index.constraint}"`);
      dropped.push({ name: index.name, recreate: `alter table "${index.table}" add constraint "${index.constraint}" ${index.definition}` });
    } else {
      await client.unsafe(`drop index "${index.name}"`);
      dropped.push({ name: index.name, recreate: index.definition });
    }
  }
  return dropped;
}

/** Makes the dropped indexes again, one at a time; returns the seconds each took. */
export async function recreateIndexes(client: postgres.Sql, dropped: readonly DroppedIndex[]): Promise<{ name: string; seconds: number }[]> {
  const timings: { name: string; seconds: number }[] = [];
  for (const index of dropped) {
    const started = performance.now();
    await client.unsafe(index.recreate);
    timings.push({ name: index.name, seconds: (performance.now() - started) / 1000 });
  }
  return timings;
}
