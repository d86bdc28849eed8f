import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { indexedVectorType, modelLiteral, searchModel, toVectorLiteral } from '@/lib/embed';
import { filterSql, type AssetFilter } from '@/lib/filters';
import { decodeCursor, encodeCursor } from './cursor';
import { regconfigFor } from './languages';
import { filenameStemPattern, parseQuery, type ParsedQuery } from './query-terms';
import { RESULT_COLUMNS, toHitAsset, type ResultRow, type SearchHitAsset } from './result-row';
import { nearestSql } from './vector-scan';

/** Reciprocal rank fusion constant (Cormack et al.): damps the weight of the very first ranks. */
const RRF_K = 60;
/** An exact filename or SKU hit outranks any fused score (those are at most 2 / (RRF_K + 1)). */
const EXACT_BOOST = 1;
/** Below this cosine similarity a vector neighbour is noise, not a match (nearest neighbours always exist). */
export const MIN_SIMILARITY = 0.3;
/** How deep each signal is read: enough for the requested page and a margin for fusion, never unbounded. */
const CANDIDATE_MARGIN = 40;
/**
 * At most this many full-text matches per tier are ranked. Ranking reads each matching row, so a word in a
 * third of a large library would cost more than the rest of the search; that many documents with one common
 * word barely differ in text rank anyway, and the vector signal orders them.
 */
const TEXT_RANK_CAP = 300;
export const MAX_CANDIDATES = 1000;
export const MAX_PAGE_SIZE = 100;

export type Signal = 'vector' | 'text' | 'exact';

/** How many candidates each signal reads for a page of `limit` after `served` results. */
export function candidateWindow(served: number, limit: number): number {
  return Math.min(MAX_CANDIDATES, served + limit + CANDIDATE_MARGIN);
}

export interface SearchRequest {
  q: string;
  filters: AssetFilter;
  cursor?: string;
  limit: number;
  /** Which signals to use (all by default); eval:search measures each alone. */
  signals?: readonly Signal[];
  /**
   * A configured locale other than the source (the caller resolved it): the full-text signal reads that
   * locale's alt text, stemmed by its language; vectors stay those of the source text.
   */
  locale?: string;
}

export interface SearchHit {
  asset: SearchHitAsset;
  score: number;
  matched: {
    exact: boolean;
    vector: { rank: number; similarity: number } | null;
    text: { rank: number; score: number } | null;
  };
}

/** Why results may be fewer than expected: shown to people, never an error. */
export type SearchNotice = 'no_terms' | 'vector_unavailable' | 'no_model_yet';

export type SearchResult =
  | {
      ok: true;
      terms: string[];
      model: string | null;
      hits: SearchHit[];
      nextCursor: string | null;
      notices: SearchNotice[];
    }
  | { ok: false; kind: 'bad_cursor' | 'empty_query' | 'query_too_long'; message: string };

interface FusedRow extends ResultRow {
  score: number;
  exact: boolean;
  vec_rank: string | number | null;
  distance: number | null;
  txt_rank: string | number | null;
  txt_score: number | null;
}

export async function searchAssets(db: Db, request: SearchRequest): Promise<SearchResult> {
  const query = parseQuery(request.q);
  if (!query.text) return { ok: false, kind: 'empty_query', message: 'Type a word, a phrase, a filename or a SKU to search for.' };
  const cursor = request.cursor ? decodeCursor(request.cursor) : undefined;
  if (cursor === null) return { ok: false, kind: 'bad_cursor', message: 'This cursor is not valid: start again from the first page.' };
  const signals = new Set(request.signals ?? ['vector', 'text', 'exact']);
  const limit = Math.min(Math.max(1, request.limit), MAX_PAGE_SIZE);
  const served = cursor?.n ?? 0;
  if (served >= MAX_CANDIDATES) return { ok: true, terms: query.terms, model: null, hits: [], nextCursor: null, notices: [] };
  const depth = candidateWindow(served, limit);

  const notices: SearchNotice[] = [];
  if (query.terms.length === 0) notices.push('no_terms');
  const useText = signals.has('text') && query.terms.length > 0;
  // A query without a single letter or digit (only `!`, `'`, emoji) has no meaning to embed either.
  let vector: { literal: string; model: string; dimensions: number } | null = null;
  if (signals.has('vector') && query.terms.length > 0) {
    const found = await searchModel(db);
    if (found === null) notices.push('no_model_yet');
    else if (!found.ok) {
      console.warn(`[loupe] search without vectors: ${found.message}`);
      notices.push('vector_unavailable');
    } else {
      const embedded = await found.embedder.embed([query.text]);
      if (embedded.ok) vector = { literal: toVectorLiteral(embedded.vectors[0]), model: found.model.id, dimensions: found.model.dimensions };
      else {
        console.warn(`[loupe] search without vectors: ${embedded.message}`);
        notices.push('vector_unavailable');
      }
    }
  }

  const where = filterSql(request.filters);
  const parts: SQL[] = [];
  if (vector) {
    const vectorType = indexedVectorType(vector.dimensions);
    const nearest = nearestSql({ vectorType, model: modelLiteral(vector.model), query: sql`${vector.literal}::${vectorType}`, filter: request.filters, limit: depth });
    parts.push(sql`
      select asset_id, row_number() over (order by distance, asset_id) as vec_rank, distance, null::bigint as txt_rank, null::real as txt_score, false as exact
      from ${nearest} nearest
      where distance <= ${1 - MIN_SIMILARITY}`);
  }
  if (useText) parts.push(textSignal(query, where, depth, request.locale));
  if (signals.has('exact')) {
    parts.push(sql`
      select a.id, null::bigint, null::float8, null::bigint, null::real, true
      from assets a
      where (lower(a.filename) = ${query.text.toLowerCase()} or lower(a.filename) like ${filenameStemPattern(query.text)}
             or lower(a.sku) = ${query.text.toLowerCase()})
        and ${where}
      limit ${limit}`);
  }
  if (parts.length === 0) return { ok: true, terms: query.terms, model: vector?.model ?? null, hits: [], nextCursor: null, notices };

  const fused = await rows<FusedRow>(db, fusedQuery(parts, cursor, limit));
  const hits = fused.slice(0, limit).map(toHit);
  const last = hits[hits.length - 1];
  const nextCursor =
    fused.length > limit && last ? encodeCursor({ s: last.score, id: last.asset.id, n: served + hits.length }) : null;
  return { ok: true, terms: query.terms, model: vector?.model ?? null, hits, nextCursor, notices };
}

/**
 * Full-text candidates: documents with every word first, then (only when those do not fill the candidate window)
 * documents with any word. Ranking every document that has any common word is what costs time on a large
 * library, so that part runs only for queries whose words rarely occur together.
 */
function textSignal(query: ParsedQuery, where: SQL, depth: number, locale?: string): SQL {
  // A locale's own document: its record's text in alt_texts, indexed with that language's configuration.
  const doc = locale ? sql`t.search_tsv` : sql`a.search_tsv`;
  const from = locale ? sql`assets a join alt_texts t on t.asset_id = a.id and t.locale = ${locale}` : sql`assets a`;
  const language = locale ? sql`${regconfigFor(locale)}::regconfig` : sql`'english'`;
  const tier = (level: number, tsquery: SQL, exclude: SQL) => sql`
    select asset_id, ${sql.raw(String(level))} as tier, ts_rank_cd(doc, tsq) as txt_score
    from (
      select a.id as asset_id, ${doc} as doc, tsq
      from ${from}, ${tsquery} tsq
      where ${doc} @@ tsq ${exclude} and ${where}
      limit ${TEXT_RANK_CAP}
    ) found
    order by txt_score desc, asset_id
    limit ${depth}`;
  const everyWord = sql`websearch_to_tsquery(${language}, ${query.websearchAll})`;
  const all = tier(0, everyWord, sql``);
  // Runs only when the every-word tier did not fill the window (a one-time filter skips it otherwise).
  const any = tier(1, sql`websearch_to_tsquery(${language}, ${query.websearchAny})`, sql`and not ${doc} @@ ${everyWord} and (select count(*) from all_words) < ${depth}`);
  const tiers = query.terms.length > 1 ? sql`(select * from all_words) union all (${any})` : sql`select * from all_words`;
  return sql`
    select asset_id, null::bigint, null::float8, row_number() over (order by tier, txt_score desc, asset_id), txt_score, false
    from (with all_words as (${all}) ${tiers}) matches`;
}

/** Unions the signals' ranked candidates, fuses them by reciprocal rank, and pages by (score, id). */
function fusedQuery(parts: SQL[], cursor: { s: number; id: string } | undefined, limit: number): SQL {
  const after = cursor ? sql`where (f.score < ${cursor.s}::float8 or (f.score = ${cursor.s}::float8 and f.asset_id > ${cursor.id}::uuid))` : sql``;
  return sql`
    with signals(asset_id, vec_rank, distance, txt_rank, txt_score, exact) as (${sql.join(parts, sql` union all `)}),
    fused as (
      select asset_id, min(vec_rank) as vec_rank, min(distance) as distance, min(txt_rank) as txt_rank, max(txt_score) as txt_score,
        bool_or(exact) as exact,
        coalesce(1.0::float8 / (${RRF_K} + min(vec_rank)), 0) + coalesce(1.0::float8 / (${RRF_K} + min(txt_rank)), 0)
          + case when bool_or(exact) then ${EXACT_BOOST}::float8 else 0 end as score
      from signals group by asset_id
    )
    select f.score, f.exact, f.vec_rank, f.distance, f.txt_rank, f.txt_score, ${sql.raw(RESULT_COLUMNS)}
    from fused f join assets a on a.id = f.asset_id
    ${after}
    order by f.score desc, f.asset_id
    limit ${limit + 1}`;
}

function toHit(row: FusedRow): SearchHit {
  return {
    asset: toHitAsset(row),
    score: Number(row.score),
    matched: {
      exact: row.exact,
      vector: row.vec_rank === null ? null : { rank: Number(row.vec_rank), similarity: 1 - Number(row.distance) },
      text: row.txt_rank === null ? null : { rank: Number(row.txt_rank), score: Number(row.txt_score) },
    },
  };
}
