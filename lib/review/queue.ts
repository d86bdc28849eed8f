import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import type { AltSource } from '@/db/schema';
import { altFailureOf, decodeCursor, encodeCursor, failureMessage, gateMessage } from '@/lib/assets';
import { config } from '@/lib/config';
import type { Storage } from '@/lib/storage';
import { reviewStatusOfSql, type AssetFilter } from '@/lib/filters';
import { flagsExpression, queueSql } from './filters';
import type { ReviewFlag, ReviewStatus } from './vocabulary';

/** One asset as the reviewer sees it: the text to decide on, what it would replace, the context and the flags. */
export interface ReviewItem {
  id: string;
  version: number;
  status: ReviewStatus;
  /** The proposal to decide on: the asset's text, or for a gate-rejected one the text the gate refused. */
  text: string | null;
  /** The text a decision would replace (the last one a person wrote or approved, or an earlier proposal). */
  replaces: string | null;
  /** Why the gate refused the proposal, or why generating one failed. */
  reason: string | null;
  /** When Loupe tries to generate it again by itself (ISO 8601): set while it is retrying (gate_rejected included). */
  nextTryAt: string | null;
  flags: ReviewFlag[];
  filename: string;
  title: string | null;
  sku: string | null;
  collection: string | null;
  tags: string[];
  width: number | null;
  height: number | null;
  provenance: { source: AltSource | null; author: string | null; model: string | null; promptVersion: string | null; updatedAt: string | null };
  image: { url: string; width: number; height: number } | null;
  uploadedAt: string;
  /** In a locale's queue other than the source (LOCALES): the locale, the source text it translates, and whether that changed since. */
  locale?: string;
  sourceText?: string | null;
  stale?: boolean;
}

export interface ReviewPage {
  items: ReviewItem[];
  nextCursor: string | null;
}

export type ReviewPageResult = ({ ok: true } & ReviewPage) | { ok: false; kind: 'bad_cursor' };

export const REVIEW_PAGE_SIZE = 20;
export const MAX_REVIEW_PAGE_SIZE = 100;

interface ItemRow {
  id: string;
  version: number;
  status: ReviewStatus;
  alt_text: string | null;
  rejected_text: string | null;
  rejected_reason: string | null;
  alt_last_error: string | null;
  alt_next_attempt_at: string | null;
  replaces: string | null;
  flags: ReviewFlag[];
  filename: string;
  title: string | null;
  sku: string | null;
  collection: string | null;
  tags: string[];
  width: number | null;
  height: number | null;
  alt_source: AltSource | null;
  alt_author: string | null;
  alt_model: string | null;
  alt_prompt_version: string | null;
  alt_updated_at: string | null;
  vision: { key: string; width: number; height: number } | null;
  created_at: string;
  created_at_text: string;
}

/** The queue in order, oldest first, one page at a time (keyset over created_at, id: the partial index's order). */
export async function reviewPage(db: Db, storage: Storage, filter: AssetFilter, options: { cursor?: string; limit?: number } = {}): Promise<ReviewPageResult> {
  const cursor = options.cursor ? decodeCursor(options.cursor) : null;
  if (options.cursor && !cursor) return { ok: false, kind: 'bad_cursor' };
  const limit = Math.min(options.limit ?? REVIEW_PAGE_SIZE, MAX_REVIEW_PAGE_SIZE);
  const after = cursor ? sql`and (a.created_at, a.id) > (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)` : sql``;
  const page = await rows<ItemRow>(
    db,
    sql`select a.id, a.version, ${reviewStatusOfSql()} as status, a.alt_text, a.alt_last_error, a.alt_next_attempt_at, a.filename, a.title, a.sku, a.collection, a.tags,
          a.width, a.height, a.alt_source, a.alt_author, a.alt_model, a.alt_prompt_version, a.alt_updated_at, a.derivatives -> 'vision' as vision,
          a.created_at, a.created_at::text as created_at_text, ${flagsExpression()} as flags,
          g.text as rejected_text, g.message as rejected_reason, r.text as replaces
        from (
          select a.* from assets a where ${queueSql(filter)} ${after}
          order by a.created_at, a.id limit ${limit + 1}
        ) a
        left join lateral (
          select h.text, h.message from alt_history h
          where h.asset_id = a.id and h.event = 'gate_rejected' and a.alt_text is null and a.alt_last_error like 'gate_rejected:%'
          order by h.created_at desc limit 1
        ) g on true
        left join lateral (
          select h.text from alt_history h
          where h.asset_id = a.id and h.text <> '' and h.text is distinct from coalesce(a.alt_text, g.text)
            and (h.event in ('human_edit', 'approved') or (h.event = 'generated' and h.outcome = 'written'))
          order by h.created_at desc limit 1
        ) r on true
        order by a.created_at, a.id`,
  );
  const more = page.length > limit;
  const visible = page.slice(0, limit);
  const items = await Promise.all(visible.map((row) => toItem(row, storage)));
  const last = visible.at(-1);
  return { ok: true, items, nextCursor: more && last ? encodeCursor({ createdAt: last.created_at_text, id: last.id }) : null };
}

async function toItem(row: ItemRow, storage: Storage): Promise<ReviewItem> {
  const image = row.vision
    ? { url: await storage.signedGetUrl(row.vision.key, { expiresInSeconds: config().downloadUrlTtlSeconds, contentType: 'image/webp' }), width: row.vision.width, height: row.vision.height }
    : null;
  const gateRejected = row.status === 'gate_rejected';
  // In words for people (lib/assets/messages.ts): never a failure code or the provider's own message.
  const failure = altFailureOf(row.alt_last_error);
  const gateReason = (row.rejected_reason ?? failure?.detail ?? '').replace(/^quality gate: /, '') || null;
  return {
    id: row.id,
    version: row.version,
    status: row.status,
    text: gateRejected ? row.rejected_text : row.alt_text,
    replaces: row.replaces,
    reason: gateRejected ? gateMessage(gateReason) : (row.status === 'retrying' || row.status === 'failed') && failure ? failureMessage(failure.code) : null,
    nextTryAt: (gateRejected || row.status === 'retrying') && row.alt_next_attempt_at ? new Date(row.alt_next_attempt_at).toISOString() : null,
    flags: row.flags,
    ...photoFacts(row),
    provenance: { source: row.alt_source, author: row.alt_author, model: row.alt_model, promptVersion: row.alt_prompt_version, updatedAt: row.alt_updated_at ? new Date(row.alt_updated_at).toISOString() : null },
    image,
  };
}

/** What a queue item shows of the photo itself, whichever locale's text it carries. */
export function photoFacts(row: { filename: string; title: string | null; sku: string | null; collection: string | null; tags: string[]; width: number | null; height: number | null; created_at: string | Date }) {
  return { filename: row.filename, title: row.title, sku: row.sku, collection: row.collection, tags: row.tags, width: row.width, height: row.height, uploadedAt: new Date(row.created_at).toISOString() };
}
