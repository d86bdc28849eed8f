import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { notTrashedSql } from '@/lib/filters';
import { failureMessage } from '@/lib/assets';
import { rows } from '@/db/client';
import { altHistory, type AltTextRow, type AltTextSource, type AltTextStatus, type EventType } from '@/db/schema';
import { recordEvents } from '@/lib/events';
import { leaseHeld, type JobLease, type Queryable } from '@/lib/jobs';
import { statusOfWrittenText, type Editor } from './authorship';
import { searchConfigFor, sourceLocale, sourceRecordInsert } from '@/lib/locales';

/**
 * The alt_texts records, one per (asset, locale), and the one function per transition that writes them. The
 * source locale's record is the asset's own alt_* columns, projected here (mirrorSourceRecords) in the same
 * transaction as every write of those columns (lib/alt/write.ts, lib/review's decisions): search's trigger, the
 * review index, the connectors' writeback and the filters read the asset's columns, so this session keeps them
 * as they are and the record follows them. Every other locale is written only here, each transition with its
 * history row (alt_history.locale) and its events (carrying `locale`) in the caller's transaction, its
 * conditions checked in the statement that writes.
 */

export interface AltTextRecord {
  locale: string;
  text: string | null;
  status: AltTextStatus;
  source: AltTextSource | null;
  author: string | null;
  model: string | null;
  promptVersion: string | null;
  stale: boolean;
  version: number;
  /** `message` is for people; `detail`, the provider's or the gate's own words, only for admins (as an asset's lastErrorDetail). */
  failure: { code: string; message: string; detail?: string } | null;
  attempts: number;
  nextAttemptAt: string | null;
  updatedAt: string;
}

export function recordView(row: AltTextRow, options: { withDetail?: boolean } = {}): AltTextRecord {
  return {
    locale: row.locale,
    text: row.text,
    status: row.status,
    source: row.source,
    author: row.author,
    model: row.model,
    promptVersion: row.promptVersion,
    stale: row.stale,
    version: row.version,
    failure: row.failureCode ? { code: row.failureCode, message: failureMessage(row.failureCode), ...(options.withDetail && row.failureMessage ? { detail: row.failureMessage } : {}) } : null,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt ? row.nextAttemptAt.toISOString() : null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What a translation was made from: the md5 of the source text (the same in SQL's md5() and here). */
export function sourceHashOf(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function idList(assetIds: readonly string[]): SQL {
  return sql.join(assetIds.map((id) => sql`${id}::uuid`), sql`, `);
}

/**
 * Copies the asset's alt columns into its source-locale record, in the transaction that wrote them. A failure
 * is passed as code and message by its writer; otherwise a failure code already on the record stays while the
 * asset still has its error, and goes when the error is cleared.
 */
export async function mirrorSourceRecords(tx: Pick<Queryable, 'execute'>, assetIds: readonly string[], failure?: { code: string; message: string }): Promise<void> {
  if (!assetIds.length) return;
  const code = failure ? sql`${failure.code}::text` : sql`null::text`;
  const message = failure ? sql`${failure.message}::text` : sql`null::text`;
  const keep = (column: SQL, passed: SQL) =>
    failure ? passed : sql`case when (select a.alt_last_error from assets a where a.id = t.asset_id) is null then null else ${column} end`;
  await tx.execute(sql`${sourceRecordInsert(sourceLocale(), sql`a.id in (${idList(assetIds)})`, { code, message })}
    on conflict (asset_id, locale) do update set text = excluded.text, status = excluded.status, source = excluded.source,
      author = excluded.author, model = excluded.model, prompt_version = excluded.prompt_version, version = excluded.version,
      failure_code = ${keep(sql`t.failure_code`, sql`excluded.failure_code`)}, failure_message = ${keep(sql`t.failure_message`, sql`excluded.failure_message`)},
      attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at`);
}

/** A record for each asset in `locale`, missing until written: the queue and coverage count what is missing. */
export async function ensureRecords(tx: Pick<Queryable, 'execute'>, assetIds: readonly string[], locale: string): Promise<void> {
  if (!assetIds.length) return;
  await tx.execute(sql`insert into alt_texts (asset_id, locale, search_config, version)
    select a.id, ${locale}, ${searchConfigFor(locale)}, 0 from assets a where a.id in (${idList(assetIds)})
    on conflict (asset_id, locale) do nothing`);
}

/** Nobody's text stands in the record (t): the model's translation, or none. */
const NO_PERSON_TEXT = sql`(t.source is null or (t.source in ('ai', 'translation') and t.status in ('missing', 'proposed', 'failed')))`;

interface RecordWrite {
  assetId: string;
  locale: string;
  /** Assignments to alt_texts (t), besides version and updated_at. */
  set: SQL;
  /** What must still hold, on the record t, for the write to land. */
  when: SQL;
  history: (row: AltTextRow) => Omit<typeof altHistory.$inferInsert, 'assetId' | 'locale'> | null;
  events: (row: AltTextRow) => readonly EventType[];
  priority?: number;
}

interface RecordDbRow {
  asset_id: string;
  locale: string;
  text: string | null;
  status: AltTextStatus;
  source: AltTextSource | null;
  author: string | null;
  model: string | null;
  prompt_version: string | null;
  source_hash: string | null;
  stale: boolean;
  version: number;
  failure_code: string | null;
  failure_message: string | null;
  attempts: number;
  next_attempt_at: string | null;
  updated_at: string;
  search_config: string;
}

function fromDb(row: RecordDbRow): AltTextRow {
  return {
    assetId: row.asset_id,
    locale: row.locale,
    text: row.text,
    status: row.status,
    source: row.source,
    author: row.author,
    model: row.model,
    promptVersion: row.prompt_version,
    sourceHash: row.source_hash,
    stale: row.stale,
    version: row.version,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at ? new Date(row.next_attempt_at) : null,
    updatedAt: new Date(row.updated_at),
    searchConfig: row.search_config,
    searchTsv: null,
  };
}

const RETURNING = sql`t.asset_id, t.locale, t.text, t.status, t.source, t.author, t.model, t.prompt_version, t.source_hash, t.stale, t.version,
  t.failure_code, t.failure_message, t.attempts, t.next_attempt_at, t.updated_at, t.search_config`;

/** The events of a record's change carry its locale and its text (the asset's snapshot otherwise). */
function localeExtra(row: AltTextRow): ReadonlyMap<string, Record<string, unknown>> {
  return new Map([[row.assetId, { locale: row.locale, altText: row.text, altStatus: row.status, altSource: row.source, version: row.version, stale: row.stale }]]);
}

/** One conditional UPDATE of a record, then its history row and its events: null when its conditions no longer held. */
async function writeRecord(tx: Queryable, write: RecordWrite): Promise<AltTextRow | null> {
  await ensureRecords(tx, [write.assetId], write.locale);
  const [found] = await rows<RecordDbRow>(
    tx,
    sql`update alt_texts t set ${write.set}, version = t.version + 1, updated_at = now()
      where t.asset_id = ${write.assetId}::uuid and t.locale = ${write.locale} and ${write.when}
      returning ${RETURNING}`,
  );
  if (!found) return null;
  const row = fromDb(found);
  const history = write.history(row);
  if (history) await tx.insert(altHistory).values({ ...history, assetId: row.assetId, locale: row.locale });
  const types = write.events(row);
  if (types.length) await recordEvents(tx, types, [row.assetId], { priority: write.priority, extra: localeExtra(row) });
  return row;
}

/** What a change of a record records: that it changed, and that it is approved when the text now standing is. */
function recordEventsOf(row: AltTextRow): EventType[] {
  return row.status === 'approved' ? ['alt_text.changed', 'alt_text.approved'] : ['alt_text.changed'];
}

export interface TranslationWrite {
  assetId: string;
  locale: string;
  text: string;
  /** sourceHashOf the approved source text the translation was made from. */
  sourceHash: string;
  provider: string;
  model: string;
  promptVersion: string;
  lease?: JobLease;
  priority?: number;
  usage?: CallUsage;
}

/** What the model call cost, for the history (a translation's tokens beside a description's). */
export interface CallUsage {
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
}

/**
 * The model's translation, a proposal. Written only where no person's text stands and only while the source
 * locale's approved text is still the one translated (its hash compared in the writing statement): an answer
 * to a source text changed in the meantime is discarded, never stored as current.
 */
export async function proposeTranslation(tx: Queryable, write: TranslationWrite): Promise<AltTextRow | null> {
  return writeRecord(tx, {
    assetId: write.assetId,
    locale: write.locale,
    set: sql`text = ${write.text}, status = 'proposed', source = 'translation', author = ${write.provider}, model = ${write.model},
      prompt_version = ${write.promptVersion}, source_hash = ${write.sourceHash}, stale = false, failure_code = null, failure_message = null,
      attempts = t.attempts + 1, next_attempt_at = null`,
    when: sql`${NO_PERSON_TEXT} and exists (select 1 from assets a where a.id = t.asset_id and a.alt_status = 'approved' and a.alt_text <> ''
      and md5(a.alt_text) = ${write.sourceHash})${write.lease ? sql` and ${leaseHeld(write.lease)}` : sql``}`,
    history: (row) => ({ event: 'translated', text: row.text, provider: write.provider, model: write.model, promptVersion: write.promptVersion, outcome: 'written', ...write.usage }),
    events: recordEventsOf,
    priority: write.priority,
  });
}

export interface TranslationFailure {
  assetId: string;
  locale: string;
  code: string;
  message: string;
  /** When to try again; null: not by itself (a person's Regenerate, or a new source text). */
  nextAttemptAt: Date | null;
  lease?: JobLease;
  /** The answer the quality gate refused (wrong language, an opener, a refusal): kept in the history for review. */
  rejectedText?: string | null;
  usage?: CallUsage;
}

/** A translation that failed (the gate refused it, the provider failed): the code and message in their columns. */
export async function failTranslation(tx: Queryable, failure: TranslationFailure): Promise<AltTextRow | null> {
  return writeRecord(tx, {
    assetId: failure.assetId,
    locale: failure.locale,
    set: sql`status = case when t.text is null then 'failed' else t.status end, failure_code = ${failure.code}, failure_message = ${failure.message},
      attempts = t.attempts + 1, next_attempt_at = ${failure.nextAttemptAt ? failure.nextAttemptAt.toISOString() : null}::timestamptz`,
    when: failure.lease ? sql`${NO_PERSON_TEXT} and ${leaseHeld(failure.lease)}` : NO_PERSON_TEXT,
    history: () => ({ event: failure.code === 'gate_rejected' ? 'gate_rejected' : 'failed', text: failure.rejectedText ?? null, outcome: failure.code, message: failure.message, ...failure.usage }),
    events: () => [],
  });
}

export interface LocaleEdit {
  assetId: string;
  locale: string;
  /** A text, '' with decorative, or null to clear it (the locale is translated again once the source is approved). */
  text: string | null;
  decorative: boolean;
  version: number;
  editor: Editor;
  priority?: number;
}

/** A person's (or a token's) text for one locale, with the version guard; null when the version is stale. */
export async function editLocaleText(tx: Queryable, edit: LocaleEdit): Promise<AltTextRow | null> {
  const byPerson = sql`source = 'human', author = ${edit.editor.name}, model = null, prompt_version = null, source_hash = null, stale = false,
    failure_code = null, failure_message = null, next_attempt_at = null`;
  const set = edit.decorative
    ? sql`text = '', status = 'decorative', ${byPerson}`
    : edit.text === null
      ? sql`text = null, status = 'missing', source = null, author = null, model = null, prompt_version = null, source_hash = null, stale = false,
          failure_code = null, failure_message = null`
      : sql`text = ${edit.text}, status = ${statusOfWrittenText(edit.editor)}, ${byPerson}`;
  return writeRecord(tx, {
    assetId: edit.assetId,
    locale: edit.locale,
    set,
    when: sql`t.version = ${edit.version} and exists (select 1 from assets a where a.id = t.asset_id and ${notTrashedSql('a')})`,
    history: (row) => ({
      event: row.status === 'decorative' ? 'decorative' : 'human_edit',
      text: row.text,
      userId: edit.editor.userId,
      outcome: 'written',
      message: edit.decorative ? 'marked decorative' : row.text === null ? 'cleared' : null,
    }),
    events: recordEventsOf,
    priority: edit.priority,
  });
}

export interface LocaleImport {
  assetId: string;
  locale: string;
  text: string;
  /** The text the preview showed it replacing: anything else standing now is a conflict, and nothing is written. */
  from: string | null;
  importer: Editor;
  /** For the history: the file's row. */
  row: number;
}

/** A CSV import's text for one locale (an `alt_text:fr` column): source `import`, approved when a person imports it. */
export async function importLocaleText(tx: Queryable, write: LocaleImport): Promise<AltTextRow | null> {
  return writeRecord(tx, {
    assetId: write.assetId,
    locale: write.locale,
    set: sql`text = ${write.text}, status = ${statusOfWrittenText(write.importer)}, source = 'import', author = ${`${write.importer.name} (CSV import)`},
      model = null, prompt_version = null, source_hash = null, stale = false, failure_code = null, failure_message = null, next_attempt_at = null`,
    when: sql`t.text is not distinct from ${write.from}`,
    history: (row) => ({ event: 'imported', text: row.text, userId: write.importer.userId, outcome: 'written', message: `imported from a CSV file (row ${write.row})` }),
    events: recordEventsOf,
  });
}

/**
 * The source text changed: each translation made from another text (or a person's text written beside
 * another source) is stale, back in the queue (an approved one becomes a proposal again) until it is
 * translated again or a person decides. Returns the records marked.
 */
export async function markTranslationsStale(tx: Queryable, assetIds: readonly string[]): Promise<AltTextRow[]> {
  if (!assetIds.length) return [];
  const marked = (
    await rows<RecordDbRow>(
      tx,
      sql`update alt_texts t set stale = true, status = case when t.status = 'approved' then 'proposed' else t.status end,
          version = t.version + 1, updated_at = now()
        from assets a
        where a.id = t.asset_id and t.asset_id in (${idList(assetIds)}) and t.locale <> ${sourceLocale()} and not t.stale
          and t.text is not null and t.status <> 'decorative'
          and (t.source_hash is null or t.source_hash is distinct from md5(coalesce(a.alt_text, '')))
        returning ${RETURNING}`,
    )
  ).map(fromDb);
  if (marked.length) {
    await tx.insert(altHistory).values(marked.map((row) => ({ assetId: row.assetId, locale: row.locale, event: 'marked_stale' as const, text: row.text, outcome: 'written', message: 'the source text changed' })));
    for (const row of marked) await recordEvents(tx, ['alt_text.changed'], [row.assetId], { extra: localeExtra(row) });
  }
  return marked;
}

/** Every configured locale's record of one asset (a locale without one is missing). */
export async function recordsOf(tx: Pick<Queryable, 'execute'>, assetId: string): Promise<AltTextRow[]> {
  return (await rows<RecordDbRow>(tx, sql`select ${RETURNING} from alt_texts t where t.asset_id = ${assetId}::uuid`)).map(fromDb);
}

/** What a locale's queue can be narrowed to; without one, what needs a person: proposals (stale ones too) and failures. */
export const LOCALE_STATUSES = ['proposed', 'failed', 'missing', 'approved', 'decorative'] as const;
export type LocaleStatus = (typeof LOCALE_STATUSES)[number];

/**
 * "The record of locale L of asset `a` has status S", as SQL: the one place the queue, its counts, coverage and
 * "select all matching" ask it (the filter compiler calls this too). A record not written yet is missing.
 */
export function localeStatusCondition(locale: string, status?: LocaleStatus): SQL {
  const current = sql`(select t.status, t.stale from alt_texts t where t.asset_id = a.id and t.locale = ${locale})`;
  if (!status) return sql`exists (select 1 from ${current} r where r.status in ('proposed', 'failed') or (r.stale and r.status <> 'decorative'))`;
  if (status === 'missing') return sql`not exists (select 1 from ${current} r where r.status <> 'missing')`;
  return sql`exists (select 1 from ${current} r where r.status = ${status})`;
}

export interface LocaleDecisionItem {
  id: string;
  version: number;
  text: string | null;
}

export type LocaleAction = 'approve' | 'reject' | 'decorative' | 'regenerate' | 'edit' | 'undo';

/** The record's columns a decision replaces, kept on its history row for undo. */
const PREVIOUS_RECORD = sql`jsonb_build_object('text', o.text, 'status', o.status, 'source', o.source, 'author', o.author, 'model', o.model,
  'prompt_version', o.prompt_version, 'source_hash', o.source_hash, 'stale', o.stale)`;

const HISTORY_EVENT: Record<Exclude<LocaleAction, 'undo'>, string> = { approve: 'approved', reject: 'rejected', decorative: 'decorative', regenerate: 'regenerate_requested', edit: 'human_edit' };

/**
 * A review decision on many records of one locale, set-based like the source locale's (lib/review): each item
 * carries the record version the reviewer saw, checked in the UPDATE; history rows keep what it replaced.
 * Returns the records changed; the caller records their events (recordLocaleEvents) in the same transaction.
 */
export async function decideRecords(tx: Queryable, action: LocaleAction, locale: string, items: readonly LocaleDecisionItem[], reviewer: Editor): Promise<AltTextRow[]> {
  if (!items.length) return [];
  await ensureRecords(tx, items.map((item) => item.id), locale);
  const input = sql.join(items.map((item) => sql`(${item.id}::uuid, ${item.version}::int, ${item.text}::text)`), sql`, `);
  if (action === 'undo') return undoRecords(tx, locale, input, reviewer);
  const byPerson = sql`source = 'human', author = ${reviewer.name}, model = null, prompt_version = null, source_hash = null, stale = false,
    failure_code = null, failure_message = null, next_attempt_at = null`;
  const cleared = sql`text = null, status = 'missing', source = null, author = null, model = null, prompt_version = null, source_hash = null,
    stale = false, failure_code = null, failure_message = null, next_attempt_at = null`;
  const spec: Record<Exclude<LocaleAction, 'undo'>, { applies: SQL; set: SQL }> = {
    approve: { applies: sql`t.status = 'proposed' and t.text <> ''`, set: sql`status = 'approved', stale = false` },
    reject: { applies: sql`t.status in ('missing', 'proposed', 'failed')`, set: cleared },
    regenerate: { applies: sql`t.status in ('missing', 'proposed', 'failed')`, set: cleared },
    decorative: { applies: sql`t.status <> 'decorative'`, set: sql`text = '', status = 'decorative', ${byPerson}` },
    edit: { applies: sql`true`, set: sql`text = i.text, status = ${statusOfWrittenText(reviewer)}, ${byPerson}` },
  };
  const { applies, set } = spec[action];
  const event = HISTORY_EVENT[action];
  const changed = await rows<RecordDbRow>(
    tx,
    sql`with input(id, version, text) as (values ${input}),
      changed as (
        update alt_texts t set ${set}, version = t.version + 1, updated_at = now()
        from input i join alt_texts o on o.asset_id = i.id and o.locale = ${locale}
        where t.asset_id = i.id and t.locale = ${locale} and t.version = i.version and ${applies}
        returning ${RETURNING}, ${PREVIOUS_RECORD} as previous
      ),
      logged as (
        insert into alt_history (asset_id, locale, event, text, user_id, outcome, previous)
        select c.asset_id, ${locale}, ${event}, ${event === 'rejected' || event === 'regenerate_requested' ? sql`c.previous ->> 'text'` : sql`c.text`}, ${reviewer.userId}::uuid, 'written', c.previous from changed c
      )
      select * from changed`,
  );
  return changed.map(fromDb);
}

/** Restores what a person's own latest decision on each record replaced, if nothing changed it since. */
async function undoRecords(tx: Queryable, locale: string, input: SQL, reviewer: Editor): Promise<AltTextRow[]> {
  const column = (name: string) => sql`l.previous ->> ${name}`;
  const changed = await rows<RecordDbRow>(
    tx,
    sql`with input(id, version, text) as (values ${input}),
      last as (
        select distinct on (h.asset_id) h.asset_id, h.event, h.user_id, h.previous
        from alt_history h join input i on h.asset_id = i.id where h.locale = ${locale}
        order by h.asset_id, h.created_at desc, h.id desc
      ),
      changed as (
        update alt_texts t set text = ${column('text')}, status = ${column('status')}, source = ${column('source')}, author = ${column('author')},
          model = ${column('model')}, prompt_version = ${column('prompt_version')}, source_hash = ${column('source_hash')},
          stale = (${column('stale')})::boolean, version = t.version + 1, updated_at = now()
        from input i join last l on l.asset_id = i.id
        where t.asset_id = i.id and t.locale = ${locale} and t.version = i.version and l.previous is not null and l.user_id is not distinct from ${reviewer.userId}::uuid
        returning ${RETURNING}, l.event
      ),
      logged as (
        insert into alt_history (asset_id, locale, event, text, user_id, outcome, message)
        select c.asset_id, ${locale}, 'undone', c.text, ${reviewer.userId}::uuid, 'written', 'undid ' || c.event from changed c
      )
      select * from changed`,
  );
  return changed.map(fromDb);
}

/** The events of records changed together (a decision): each with its locale and text. */
export async function recordLocaleEvents(tx: Queryable, changed: readonly AltTextRow[], priority: number): Promise<void> {
  for (const row of changed) await recordEvents(tx, recordEventsOf(row), [row.assetId], { priority, extra: localeExtra(row) });
}

/** The current version and text of each asset's record in `locale` (0 and null where none was written). */
export async function currentRecords(tx: Pick<Queryable, 'execute'>, locale: string, assetIds: readonly string[]): Promise<Map<string, { version: number; text: string | null }>> {
  if (!assetIds.length) return new Map();
  const found = await rows<{ id: string; version: number | null; text: string | null }>(
    tx,
    sql`select a.id, t.version, t.text from assets a left join alt_texts t on t.asset_id = a.id and t.locale = ${locale} where a.id in (${idList(assetIds)})`,
  );
  return new Map(found.map((row) => [row.id, { version: row.version ?? 0, text: row.text }]));
}
