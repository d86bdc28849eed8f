import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { integer, MAX_DB_INTEGER, text } from '@/lib/text-input';
import { rows, type Db } from '@/db/client';
import { isUuid } from '@/lib/assets';
import { currentRecords, decideRecords, MAX_HUMAN_ALT_LENGTH, mirrorSourceRecords, queueTranslations, recordLocaleEvents, statusOfWrittenText, type Editor } from '@/lib/alt';
import { isSourceLocale } from '@/lib/locales';
import { recordEvents, type EventType } from '@/lib/events';
import { enqueueJob, JOB_PRIORITY } from '@/lib/jobs';
import { altStatusSql, type AssetFilter } from '@/lib/filters';
import { queueSql } from './filters';
import { MAX_REVIEW_ITEMS, type ReviewAction } from './vocabulary';

/**
 * Review decisions, one asset or ten thousand at a time. Each item carries the version the reviewer saw; the
 * version check and the write are one UPDATE, so a stale item is never overwritten (it is answered with the
 * current text instead), and "approved" always means a person saw that very text. Every decision is a row in
 * alt_history with who, when and the alt columns before it (which is what undo restores).
 */

/** Items per transaction: big enough to amortise the round trip, small enough to keep locks short. */
export const REVIEW_CHUNK = 2_000;

export type ItemOutcome = 'done' | 'conflict' | 'not_found' | 'invalid' | 'not_applicable';

export const OUTCOME_STATUS: Record<ItemOutcome, number> = { done: 200, conflict: 409, not_found: 404, invalid: 400, not_applicable: 422 };

export interface ItemResult {
  id: string;
  outcome: ItemOutcome;
  status: number;
  /** After the decision, or the current one on a conflict. */
  version?: number;
  /** The current alt text on a conflict (what the other reviewer or the model wrote). */
  text?: string | null;
  message?: string;
}

/** Who decides: a person (or, for the decisions tokens may take, an API token). */
export type Reviewer = Editor;

interface ValidItem {
  id: string;
  version: number;
  text: string | null;
}

const itemSchema = z.object({
  id: text().refine(isUuid, 'not an asset id (a UUID)'),
  version: integer(1, MAX_DB_INTEGER),
  text: text().trim().min(1, 'alt text cannot be empty: mark the image decorative instead').max(MAX_HUMAN_ALT_LENGTH).optional(),
});

/** Each raw item checked on its own: one malformed item is answered as invalid and the others go ahead. */
export function checkItems(action: ReviewAction, raw: unknown[]): { valid: ValidItem[]; invalid: ItemResult[] } {
  const valid: ValidItem[] = [];
  const invalid: ItemResult[] = [];
  const seen = new Set<string>();
  raw.forEach((item, index) => {
    const label = describeId(item, index);
    const parsed = itemSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      invalid.push(answer(label, 'invalid', { message: `item ${index}: ${issue.path.join('.') || 'item'}: ${issue.message}` }));
    } else if (action === 'edit' && parsed.data.text === undefined) {
      invalid.push(answer(label, 'invalid', { message: `item ${index}: edit needs the new text in "text"` }));
    } else if (action !== 'edit' && parsed.data.text !== undefined) {
      invalid.push(answer(label, 'invalid', { message: `item ${index}: only edit takes "text"` }));
    } else if (seen.has(parsed.data.id.toLowerCase())) {
      invalid.push(answer(label, 'invalid', { message: `item ${index}: this asset is listed twice; send it once` }));
    } else {
      seen.add(parsed.data.id.toLowerCase());
      valid.push({ id: parsed.data.id.toLowerCase(), version: parsed.data.version, text: parsed.data.text ?? null });
    }
  });
  return { valid, invalid };
}

function describeId(item: unknown, index: number): string {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id.slice(0, 100) : `#${index}`;
}

function answer(id: string, outcome: ItemOutcome, extra: Omit<ItemResult, 'id' | 'outcome' | 'status'> = {}): ItemResult {
  return { id, outcome, status: OUTCOME_STATUS[outcome], ...extra };
}

/** The alt columns a decision replaces, kept on its history row. */
const PREVIOUS = sql`jsonb_build_object('alt_text', o.alt_text, 'alt_source', o.alt_source, 'alt_status', o.alt_status, 'alt_author', o.alt_author,
  'alt_model', o.alt_model, 'alt_prompt_version', o.alt_prompt_version, 'alt_last_error', o.alt_last_error, 'decorative', o.decorative,
  'alt_updated_at', o.alt_updated_at)`;

interface ActionSql {
  event: 'approved' | 'rejected' | 'decorative' | 'regenerate_requested' | 'human_edit';
  /** Conditions on the target row `a` besides the version: what the action applies to. */
  applies: SQL;
  set: SQL;
  /** What to tell the reviewer when it does not apply. */
  refusal: string;
}

function actionSql(action: Exclude<ReviewAction, 'undo'>, reviewer: Reviewer): ActionSql {
  const byPerson = sql`alt_source = 'human', alt_author = ${reviewer.name}, alt_model = null, alt_prompt_version = null, alt_last_error = null,
    alt_next_attempt_at = null, alt_updated_at = now()`;
  const cleared = {
    // A proposal whoever wrote it (the model, or an API token), or missing text.
    applies: altStatusSql('undecided'),
    set: sql`alt_text = null, alt_source = null, alt_status = 'none', alt_author = null, alt_model = null, alt_prompt_version = null,
      alt_last_error = null, alt_next_attempt_at = now(), alt_updated_at = now()`,
  };
  switch (action) {
    case 'approve':
      return { event: 'approved', applies: sql`a.alt_status = 'proposed' and a.alt_text <> ''`, set: sql`alt_status = 'approved'`, refusal: 'there is no proposal to approve' };
    case 'reject':
      return { ...cleared, event: 'rejected', refusal: 'only a proposal or missing text can be rejected: this text was written or approved by a person' };
    case 'decorative':
      return { event: 'decorative', applies: sql`a.alt_status <> 'decorative'`, set: sql`alt_text = '', decorative = true, alt_status = 'decorative', ${byPerson}`, refusal: 'it is already decorative' };
    case 'regenerate':
      // The describe step fills only an empty slot, so the proposal is set aside (kept in the history) for the new one.
      return { ...cleared, event: 'regenerate_requested', refusal: 'only a proposal or missing text is regenerated: this text was written or approved by a person' };
    case 'edit':
      return { event: 'human_edit', applies: sql`true`, set: sql`alt_text = i.text, decorative = false, alt_status = ${statusOfWrittenText(reviewer)}, ${byPerson}`, refusal: '' };
  }
}

function valuesList(items: ValidItem[]): SQL {
  return sql.join(
    items.map((item) => sql`(${item.id}::uuid, ${item.version}::int, ${item.text}::text)`),
    sql`, `,
  );
}

type Executor = Pick<Db, 'execute'>;

interface Changed {
  id: string;
  version: number;
}

async function applyChunk(db: Executor, action: ReviewAction, items: ValidItem[], reviewer: Reviewer): Promise<Changed[]> {
  if (action === 'undo') return undoChunk(db, items, reviewer);
  const spec = actionSql(action, reviewer);
  // Joining assets a second time (o) reads each row as it was before this UPDATE: the history's "previous".
  return rows<Changed>(
    db,
    sql`with input(id, version, text) as (values ${valuesList(items)}),
      changed as (
        update assets a set ${spec.set}, version = a.version + 1, updated_at = now()
        from input i join assets o on o.id = i.id
        where a.id = i.id and a.version = i.version and ${spec.applies}
        returning a.id, a.version, a.alt_text, a.alt_source, ${PREVIOUS} as previous
      ),
      logged as (
        insert into alt_history (asset_id, event, text, source, user_id, outcome, previous)
        select c.id, ${spec.event}, ${spec.event === 'rejected' || spec.event === 'regenerate_requested' ? sql`c.previous ->> 'alt_text'` : sql`c.alt_text`}, c.alt_source, ${reviewer.userId}::uuid, 'written', c.previous from changed c
      )
      select id, version from changed`,
  );
}

/** Restores the alt columns a person's own latest decision replaced, if nothing changed the asset since. */
async function undoChunk(db: Executor, items: ValidItem[], reviewer: Reviewer): Promise<Changed[]> {
  const column = (name: string) => sql`l.previous ->> ${name}`;
  return rows<Changed>(
    db,
    sql`with input(id, version, text) as (values ${valuesList(items)}),
      last as (
        select distinct on (h.asset_id) h.asset_id, h.event, h.user_id, h.previous
        from alt_history h join input i on h.asset_id = i.id
        order by h.asset_id, h.created_at desc, h.id desc
      ),
      changed as (
        update assets a set alt_text = ${column('alt_text')}, alt_source = ${column('alt_source')}, alt_status = ${column('alt_status')},
          alt_author = ${column('alt_author')}, alt_model = ${column('alt_model')}, alt_prompt_version = ${column('alt_prompt_version')},
          alt_last_error = ${column('alt_last_error')}, decorative = (${column('decorative')})::boolean,
          alt_updated_at = (${column('alt_updated_at')})::timestamptz, alt_next_attempt_at = null, version = a.version + 1, updated_at = now()
        from input i join last l on l.asset_id = i.id
        where a.id = i.id and a.version = i.version and l.previous is not null and l.user_id is not distinct from ${reviewer.userId}::uuid
        returning a.id, a.version, a.alt_text, a.alt_source, l.event
      ),
      logged as (
        insert into alt_history (asset_id, event, text, source, user_id, outcome, message)
        select c.id, 'undone', c.alt_text, c.alt_source, ${reviewer.userId}::uuid, 'written', 'undid ' || c.event from changed c
      )
      select id, version from changed`,
  );
}

/** Why each item that was not changed was not: gone, changed since (with the current text), or not applicable. */
async function explainMisses(db: Executor, action: ReviewAction, missed: ValidItem[], reviewer: Reviewer): Promise<ItemResult[]> {
  if (!missed.length) return [];
  const current = await rows<{ id: string; version: number; alt_text: string | null }>(
    db,
    sql`select a.id, a.version, a.alt_text from assets a where a.id in (${sql.join(missed.map((item) => sql`${item.id}::uuid`), sql`, `)})`,
  );
  const byId = new Map(current.map((row) => [row.id, { version: row.version, text: row.alt_text }]));
  return missed.map((item) => explainMiss(action, item, byId.get(item.id), reviewer));
}

/**
 * The events each decision records: approving changes only the status; every other decision changes the text.
 * Decisions are the one set-based writer of alt text (thousands per statement); every other write goes through
 * lib/alt's writeAlt, and both record their events through lib/events in the change's transaction.
 */
const DECISION_EVENTS: Record<ReviewAction, EventType[]> = {
  approve: ['alt_text.approved'],
  edit: ['alt_text.changed', 'alt_text.approved'],
  reject: ['alt_text.changed'],
  decorative: ['alt_text.changed'],
  regenerate: ['alt_text.changed'],
  undo: ['alt_text.changed'],
};

/**
 * A new proposal, in the decision's transaction, so a rolled-back decision asks for nothing. Background work: a
 * reject or regenerate of ten thousand items is paced behind people's calls and held to the backfill's daily
 * budgets (BACKFILL_MAX_IMAGES_PER_DAY, BACKFILL_MAX_USD_PER_DAY), never a burst of model calls; only a single
 * photo's Regenerate (rate-limited per person) asks the model at once.
 */
async function queueProposal(tx: Parameters<typeof enqueueJob>[0], assetId: string): Promise<void> {
  await enqueueJob(tx, { assetId, kind: 'describe', priority: JOB_PRIORITY.backfill, force: true });
}

export interface DecisionSummary {
  results: ItemResult[];
  /** Ids the decision changed. */
  changed: string[];
}

/**
 * Applies `action` to each item in chunks of REVIEW_CHUNK, one transaction each; answers every item. Without a
 * locale, or with the source locale, the decision is on the asset's own text; with another configured locale,
 * on that locale's records (lib/alt's decideRecords), the item's version being the record's.
 */
export async function decide(db: Db, action: ReviewAction, items: ValidItem[], reviewer: Reviewer, locale?: string): Promise<DecisionSummary> {
  if (locale && !isSourceLocale(locale)) return decideLocale(db, action, items, reviewer, locale);
  const results: ItemResult[] = [];
  const changed: string[] = [];
  for (let start = 0; start < items.length; start += REVIEW_CHUNK) {
    const chunk = items.slice(start, start + REVIEW_CHUNK);
    await db.transaction(async (tx) => {
      const done = new Map((await applyChunk(tx, action, chunk, reviewer)).map((row) => [row.id, row.version]));
      // The asset's alt columns are the source locale's record, projected: both change in this transaction.
      await mirrorSourceRecords(tx, [...done.keys()]);
      // An edit is an approval only when a person writes it (statusOfWrittenText).
      const events: EventType[] = action === 'edit' && statusOfWrittenText(reviewer) === 'proposed' ? ['alt_text.changed'] : DECISION_EVENTS[action];
      // One photo decided in the queue is a person waiting; many are background work behind people's.
      await recordEvents(tx, events, [...done.keys()], { priority: items.length === 1 ? JOB_PRIORITY.interactive : JOB_PRIORITY.backfill });
      for (const item of chunk) {
        const version = done.get(item.id);
        if (version !== undefined) {
          results.push(answer(item.id, 'done', { version }));
          changed.push(item.id);
          if (action === 'reject' || action === 'regenerate') await queueProposal(tx, item.id);
        }
      }
      results.push(...(await explainMisses(tx, action, chunk.filter((item) => !done.has(item.id)), reviewer)));
    });
  }
  return { results, changed };
}

async function decideLocale(db: Db, action: ReviewAction, items: ValidItem[], reviewer: Reviewer, locale: string): Promise<DecisionSummary> {
  const results: ItemResult[] = [];
  const changed: string[] = [];
  const priority = items.length === 1 ? JOB_PRIORITY.interactive : JOB_PRIORITY.backfill;
  for (let start = 0; start < items.length; start += REVIEW_CHUNK) {
    const chunk = items.slice(start, start + REVIEW_CHUNK);
    await db.transaction(async (tx) => {
      const written = await decideRecords(tx, action, locale, chunk, reviewer);
      await recordLocaleEvents(tx, written, priority);
      const done = new Map(written.map((row) => [row.assetId, row.version]));
      // A rejected or set-aside translation is made again from the approved source text.
      if (action === 'reject' || action === 'regenerate') await queueTranslations(tx, [...done.keys()], JOB_PRIORITY.backfill, { force: true, locale });
      for (const item of chunk) {
        const version = done.get(item.id);
        if (version !== undefined) {
          results.push(answer(item.id, 'done', { version }));
          changed.push(item.id);
        }
      }
      const missed = chunk.filter((item) => !done.has(item.id));
      const current = await currentRecords(tx, locale, missed.map((item) => item.id));
      results.push(...missed.map((item) => explainMiss(action, item, current.get(item.id), reviewer)));
    });
  }
  return { results, changed };
}

/** Why an item was not changed: gone, changed since (with the current text), or not applicable. */
function explainMiss(action: ReviewAction, item: ValidItem, row: { version: number; text: string | null } | undefined, reviewer: Reviewer): ItemResult {
  if (!row) return answer(item.id, 'not_found', { message: 'no such asset: it may have been deleted' });
  if (row.version !== item.version) {
    return answer(item.id, 'conflict', {
      version: row.version,
      text: row.text,
      message: `this asset changed since you loaded it (you saw version ${item.version}; it is now ${row.version}): nothing was done, look at it again`,
    });
  }
  const refusal = action === 'undo' ? 'there is no decision of yours to undo on this asset' : actionSql(action, reviewer).refusal;
  return answer(item.id, 'not_applicable', { version: row.version, text: row.text, message: `nothing to do: ${refusal}` });
}

/**
 * "Select all N matching this filter", resolved here: the matching items with their current versions, but only
 * those unchanged since `asOf` (when the reviewer looked); the others come back as conflicts, never decided blind.
 */
export async function itemsMatching(db: Db, filter: AssetFilter, asOf: string): Promise<{ items: ValidItem[]; answered: ItemResult[]; more: boolean }> {
  const found = await rows<{ id: string; version: number; alt_text: string | null; fresh: boolean }>(
    db,
    sql`select a.id, a.version, a.alt_text, (coalesce(a.alt_updated_at, a.created_at) <= ${asOf}::timestamptz) as fresh from assets a
        where ${queueSql(filter)} order by a.created_at, a.id limit ${MAX_REVIEW_ITEMS + 1}`,
  );
  const more = found.length > MAX_REVIEW_ITEMS;
  const within = found.slice(0, MAX_REVIEW_ITEMS);
  return {
    items: within.filter((row) => row.fresh).map((row) => ({ id: row.id, version: row.version, text: null })),
    answered: within
      .filter((row) => !row.fresh)
      .map((row) =>
        answer(row.id, 'conflict', { version: row.version, text: row.alt_text, message: 'this asset changed after you chose "select all": nothing was done, look at it again' }),
      ),
    more,
  };
}
