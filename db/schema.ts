import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * One schema for PostgreSQL and PGlite. Migrations in drizzle/ are generated from it (npm run db:generate);
 * the full-text trigger and the vector extension live in hand-written migrations there.
 */

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A pgvector column without a fixed dimension: each embedding model keeps its own size (see lib/embed). */
const vector = customType<{ data: number[]; driverData: string }>({
  dataType: () => 'vector',
  toDriver: (value) => `[${value.join(',')}]`,
  fromDriver: (value) => JSON.parse(value) as number[],
});

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ASSET_STATES = [
  'awaiting_upload',
  'stored',
  'derived',
  'described',
  'embedded',
  'failed_upload',
  'failed_derive',
  'failed_describe',
  'failed_embed',
] as const;
export type AssetState = (typeof ASSET_STATES)[number];

/** shop: a person's text that arrived from a connected store (lib/connections); the model never replaces it either. */
export const ALT_SOURCES = ['ai', 'human', 'shop'] as const;
export type AltSource = (typeof ALT_SOURCES)[number];
/** The sources that are a person's text: the model writes only where none of these stands. */
export const PERSON_ALT_SOURCES = ['human', 'shop'] as const;

/** Where an asset's alt text stands in review: set by the pipeline and by people. */
export const ALT_STATUSES = ['none', 'proposed', 'approved', 'rejected', 'decorative'] as const;
export type AltStatus = (typeof ALT_STATUSES)[number];

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie value: a leaked table does not leak sessions. */
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
    lastSeenAt: timestamptz('last_seen_at').notNull().defaultNow(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * A CSV file chosen on the import page, kept between its preview and its apply (lib/catalogue/import-files.ts):
 * the bytes in storage (importFileKey: derived from the person and the digest), found by the person who
 * uploaded it and the file's SHA-256, until it expires.
 */
export const importFiles = pgTable(
  'import_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** SHA-256 of the file's bytes, hex: what the page's forms carry. */
    digest: text('digest').notNull(),
    filename: text('filename').notNull(),
    size: integer('size').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
  },
  (t) => [uniqueIndex('import_files_user_digest_idx').on(t.userId, t.digest), index('import_files_expires_at_idx').on(t.expiresAt)],
);

export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  role: text('role', { enum: ROLES }).notNull(),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  expiresAt: timestamptz('expires_at'),
  lastUsedAt: timestamptz('last_used_at'),
  revokedAt: timestamptz('revoked_at'),
});

export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    email: text('email').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
    usedAt: timestamptz('used_at'),
  },
  // One pending invite per email: two live links for one address could both be accepted.
  (t) => [uniqueIndex('invites_pending_email_idx').on(t.email).where(sql`${t.usedAt} is null`)],
);

/** Failed sign-ins per key (`email:<address>` or `ip:<address>`), for slowing down and locking out guessing. */
export const signinThrottle = pgTable('signin_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: timestamptz('window_started_at').notNull().defaultNow(),
  lockedUntil: timestamptz('locked_until'),
});

/** Fixed-window counters for per-user rate limits (`<action>:<user or token id>`); see lib/auth/rate-limit.ts. */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStartedAt: timestamptz('window_started_at').notNull(),
  count: integer('count').notNull(),
});

/** Small instance-wide values, such as the generated signing secret. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const assets = pgTable(
  'assets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    filename: text('filename').notNull(),
    declaredType: text('declared_type').notNull(),
    declaredSize: bigint('declared_size', { mode: 'number' }).notNull(),
    /** Null when the browser could not hash the file (no WebCrypto on plain HTTP): completion then dedupes alone. */
    declaredSha256: text('declared_sha256'),
    /** Set once the stored bytes are verified; unique, so one file is stored once. */
    sha256: text('sha256'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    format: text('format'),
    mimeType: text('mime_type'),
    /** Where verified bytes live: no upload URL is ever signed for it, so they cannot be replaced. */
    originalKey: text('original_key').notNull().unique(),
    /** Where the upload URL writes; completion moves the bytes to originalKey before checking them. */
    uploadKey: text('upload_key').unique(),
    derivativePrefix: text('derivative_prefix').notNull().unique(),
    width: integer('width'),
    height: integer('height'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    derivatives: jsonb('derivatives').$type<Record<string, { key: string; width: number; height: number; bytes: number }>>(),

    /**
     * Derived: after the upload is verified, written only by lib/jobs from the asset's jobs, in the same
     * transaction as each job transition, so lists and the API read one column. The same holds for the
     * error columns. `claimed_until`/`claim_token` lease the upload's verification only (lib/ingest).
     */
    state: text('state', { enum: ASSET_STATES }).notNull().default('awaiting_upload'),
    errorCode: text('error_code'),
    error: text('error'),
    claimedUntil: timestamptz('claimed_until'),
    claimToken: uuid('claim_token'),
    uploadExpiresAt: timestamptz('upload_expires_at'),
    /** A parted upload's id at the storage driver (S3 UploadId); null for single-PUT uploads and once assembled. */
    multipartUploadId: text('multipart_upload_id'),
    /** The part size a parted upload was planned with: every part but the last has exactly this many bytes. */
    partSize: integer('part_size'),

    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    title: text('title'),
    sku: text('sku'),
    collection: text('collection'),
    /** The Shopify product handle, once an import has told us: the export then writes a Shopify-ready CSV. */
    handle: text('handle'),
    /** The photo's URL in the shop (Shopify's Image Src), as the import read it: the Shopify export names the image by it. */
    imageSrc: text('image_src'),
    decorative: boolean('decorative').notNull().default(false),

    altText: text('alt_text'),
    altSource: text('alt_source', { enum: ALT_SOURCES }),
    altStatus: text('alt_status', { enum: ALT_STATUSES }).notNull().default('none'),
    altAuthor: text('alt_author'),
    altModel: text('alt_model'),
    altPromptVersion: text('alt_prompt_version'),
    altUpdatedAt: timestamptz('alt_updated_at'),
    /** Bumped on every change to alt text, tags or decorative: people's edits carry it to detect conflicts. */
    version: integer('version').notNull().default(1),
    altAttempts: integer('alt_attempts').notNull().default(0),
    altLastError: text('alt_last_error'),
    altNextAttemptAt: timestamptz('alt_next_attempt_at'),

    /** alt text (A) > tags (B) > filename (C); maintained by a trigger (drizzle/0001_search_tsv.sql). */
    searchTsv: tsvector('search_tsv'),

    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),

    /**
     * In the trash since then (lib/library/trash.ts): out of the library, search, review, coverage, export and
     * the backfill, files kept, restorable until the purge job removes it TRASH_DAYS later.
     */
    deletedAt: timestamptz('deleted_at'),
    /** Who moved it to the trash: a person's name, or an API token's. */
    deletedBy: text('deleted_by'),

    /** The product this photo shows (lib/connections: a store's product), and its place among the product's photos (0 = main). */
    productId: uuid('product_id').references((): AnyPgColumn => products.id, { onDelete: 'set null' }),
    productPosition: integer('product_position'),
  },
  (t) => [
    uniqueIndex('assets_sha256_idx').on(t.sha256),
    index('assets_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('assets_state_idx').on(t.state),
    index('assets_declared_sha_idx').on(t.declaredSha256),
    index('assets_search_tsv_idx').using('gin', t.searchTsv),
    index('assets_tags_idx').using('gin', t.tags),
    // A tag whatever its case (lib/filters); loupe_lower_tags is defined in drizzle/0022_filter_indexes.sql.
    index('assets_tags_lower_idx').using('gin', sql`loupe_lower_tags(${t.tags})`),
    // Exact filename / SKU matches rank first in search (lib/search); text_pattern_ops also serves "stem.%" prefixes.
    index('assets_filename_lower_idx').on(sql`lower(${t.filename}) text_pattern_ops`),
    index('assets_sku_lower_idx').on(sql`lower(${t.sku})`),
    // The review queue, oldest first (lib/review); the predicate is REVIEW_QUEUE there, word for word.
    index('assets_review_queue_idx')
      .on(t.createdAt, t.id)
      .where(sql`${t.altStatus} in ('none', 'proposed') and ${t.state} not in ('awaiting_upload', 'failed_upload') and ${t.deletedAt} is null`),
    index('assets_trash_idx').on(t.deletedAt).where(sql`${t.deletedAt} is not null`),
    // "Shared word for word by another asset" (a review flag).
    index('assets_alt_text_md5_idx').on(sql`md5(${t.altText})`).where(sql`${t.altText} <> ''`),
    index('assets_collection_idx').on(t.collection),
    // A collection whatever its case (lib/filters).
    index('assets_collection_lower_idx').on(sql`lower(${t.collection})`),
    index('assets_product_idx').on(t.productId, t.productPosition),
  ],
);

export const ALT_EVENTS = ['generated', 'gate_rejected', 'failed', 'human_edit', 'approved', 'rejected', 'decorative', 'regenerate_requested', 'undone', 'imported', 'translated', 'marked_stale'] as const;
export type AltEvent = (typeof ALT_EVENTS)[number];

/** Every alt-text change, proposal, rejection and failed attempt, with who or what caused it. */
export const altHistory = pgTable(
  'alt_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    assetId: uuid('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    event: text('event', { enum: ALT_EVENTS }).notNull(),
    text: text('text'),
    source: text('source', { enum: ALT_SOURCES }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    provider: text('provider'),
    model: text('model'),
    promptVersion: text('prompt_version'),
    outcome: text('outcome'),
    message: text('message'),
    latencyMs: integer('latency_ms'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** Thinking tokens a reasoning model spent (part of output_tokens), when the provider's usage reports them. */
    reasoningTokens: integer('reasoning_tokens'),
    /** A review decision's alt columns before it (lib/review), so the reviewer can undo it. */
    previous: jsonb('previous').$type<Record<string, unknown>>(),
    /**
     * A model call made for background work (a backfill, a bulk regenerate or reject): today's such calls are
     * what BACKFILL_MAX_IMAGES_PER_DAY and BACKFILL_MAX_USD_PER_DAY count (lib/jobs/backfill/report.ts).
     */
    background: boolean('background').notNull().default(false),
    /** What the call cost where that is not its tokens at the online price (a Batch API answer, at half); null: the online price. */
    costUsd: doublePrecision('cost_usd'),
    /** The alt-text record's locale (alt_texts); null for the source locale's entries, written before 0020 or by lib/alt/write.ts. */
    locale: text('locale'),
  },
  (t) => [
    index('alt_history_asset_idx').on(t.assetId, t.createdAt),
    // Today's background calls, read before every background model call (the daily budgets).
    index('alt_history_background_idx').on(t.createdAt).where(sql`${t.background}`),
  ],
);

/** Where an alt-text record stands in one locale (alt_texts). */
export const ALT_TEXT_STATUSES = ['missing', 'proposed', 'approved', 'decorative', 'failed'] as const;
export type AltTextStatus = (typeof ALT_TEXT_STATUSES)[number];
/** Who wrote a record's text: translation is the model's, from the source locale's approved text. */
export const ALT_TEXT_SOURCES = ['ai', 'human', 'import', 'shop', 'translation'] as const;
export type AltTextSource = (typeof ALT_TEXT_SOURCES)[number];

/**
 * Alt text per (asset, locale), written by lib/alt only (one function per transition, each with its history
 * and events). The source locale's record is also projected onto the asset's alt_* columns (search's trigger,
 * the review index and the connectors read those), written in the same transaction.
 */
export const altTexts = pgTable(
  'alt_texts',
  {
    assetId: uuid('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    locale: text('locale').notNull(),
    text: text('text'),
    status: text('status', { enum: ALT_TEXT_STATUSES }).notNull().default('missing'),
    source: text('source', { enum: ALT_TEXT_SOURCES }),
    author: text('author'),
    model: text('model'),
    promptVersion: text('prompt_version'),
    /** For a translation: md5 of the source text it was made from; a different source text makes it stale. */
    sourceHash: text('source_hash'),
    /** Set when the source text changed after this translation was made: back in the queue, re-translated. */
    stale: boolean('stale').notNull().default(false),
    version: integer('version').notNull().default(1),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    /** PostgreSQL's text-search configuration for the locale ('french', 'simple'…), set by the writer. */
    searchConfig: text('search_config').notNull().default('simple'),
    /** to_tsvector(search_config, text): a trigger (drizzle/0020_alt_texts.sql). */
    searchTsv: tsvector('search_tsv'),
  },
  (t) => [
    primaryKey({ columns: [t.assetId, t.locale] }),
    index('alt_texts_queue_idx').on(t.locale, t.status),
    index('alt_texts_search_tsv_idx').using('gin', t.searchTsv),
  ],
);
export type AltTextRow = typeof altTexts.$inferSelect;

/** Provider-wide back-off (after a long 429), shared by every instance and surviving restarts. */
export const providerState = pgTable('provider_state', {
  provider: text('provider').primaryKey(),
  blockedUntil: timestamptz('blocked_until'),
  reason: text('reason'),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  /** The pacer's shared schedule (lib/alt/pacing.ts): the earliest time the next call may be sent. */
  nextCallAt: timestamptz('next_call_at'),
  /** The provider's own count from its last response's x-ratelimit-remaining-* headers. */
  remainingRequests: integer('remaining_requests'),
  remainingTokens: integer('remaining_tokens'),
  /** Calls sent on `calls_day` (UTC), against VISION_RPD. */
  callsDay: date('calls_day', { mode: 'string' }),
  callsToday: integer('calls_today').notNull().default(0),
});

export const EMBEDDING_MODEL_STATUSES = ['building', 'active', 'retired'] as const;

/** Each embedding model Loupe has vectors for; exactly one is active (searched) at a time. */
export const embeddingModels = pgTable('embedding_models', {
  id: text('id').primaryKey(),
  dimensions: integer('dimensions').notNull(),
  status: text('status', { enum: EMBEDDING_MODEL_STATUSES }).notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  activatedAt: timestamptz('activated_at'),
});

/** Vectors per (asset, model): each model has its own dimension and its own partial HNSW index. */
export const assetEmbeddings = pgTable(
  'asset_embeddings',
  {
    assetId: uuid('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    model: text('model')
      .notNull()
      .references(() => embeddingModels.id, { onDelete: 'cascade' }),
    embedding: vector('embedding').notNull(),
    inputHash: text('input_hash').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.assetId, t.model] })],
);

export const BACKFILL_TRIGGERS = ['cli', 'cron', 'admin'] as const;
export type BackfillTrigger = (typeof BACKFILL_TRIGGERS)[number];

/** One row per backfill run (CLI, cron route or the admin page's button), for the admin page and the daily budget. */
export const backfillRuns = pgTable(
  'backfill_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    trigger: text('trigger', { enum: BACKFILL_TRIGGERS }).notNull(),
    /** The selection and limits it ran with (regenerate, filters, limit). */
    options: jsonb('options').$type<Record<string, unknown>>().notNull(),
    startedAt: timestamptz('started_at').notNull().defaultNow(),
    endedAt: timestamptz('ended_at'),
    selected: integer('selected').notNull().default(0),
    written: integer('written').notNull().default(0),
    /** Failed jobs by kind of failure (`describe:timeout`, `embed:internal`…). */
    failed: jsonb('failed').$type<Record<string, number>>().notNull().default({}),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
    stopReason: text('stop_reason'),
    /** A running run's lease, renewed while it works: a run whose process died is closed as abandoned once it lapses. */
    claimedUntil: timestamptz('claimed_until'),
  },
  (t) => [
    index('backfill_runs_started_idx').on(t.startedAt),
    // One run at a time: a second cron call finds this taken and returns at once.
    uniqueIndex('backfill_runs_one_running_idx').on(sql`(true)`).where(sql`${t.endedAt} is null`),
  ],
);

export type BackfillRun = typeof backfillRuns.$inferSelect;

/**
 * Where a batch stands: `submitting` until its file is uploaded and the batch created (lib/alt/batch), then
 * Groq's own statuses as last polled, then `applied` once every line's answer went through the gate (or on to
 * the next batch or online), or `refused` when Groq would not take it (the lines went online).
 */
export const ALT_BATCH_STATUSES = ['submitting', 'validating', 'in_progress', 'finalizing', 'completed', 'failed', 'expired', 'cancelling', 'cancelled', 'applied', 'refused'] as const;
export type AltBatchStatus = (typeof ALT_BATCH_STATUSES)[number];

/** One batch of describe requests sent to Groq's Batch API; its state lives here, so a restart mid-batch loses nothing. */
export const altBatches = pgTable(
  'alt_batches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    status: text('status', { enum: ALT_BATCH_STATUSES }).notNull().default('submitting'),
    /** Groq's batch id, once created. */
    remoteId: text('remote_id'),
    inputFileId: text('input_file_id'),
    outputFileId: text('output_file_id'),
    errorFileId: text('error_file_id'),
    completionWindow: text('completion_window').notNull(),
    lines: integer('lines').notNull(),
    completedLines: integer('completed_lines').notNull().default(0),
    failedLines: integer('failed_lines').notNull().default(0),
    /** Why Groq refused or failed it, for the admin page. */
    message: text('message'),
    backfillRunId: uuid('backfill_run_id').references(() => backfillRuns.id, { onDelete: 'set null' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    endedAt: timestamptz('ended_at'),
  },
  (t) => [index('alt_batches_created_idx').on(t.createdAt)],
);

export type AltBatch = typeof altBatches.$inferSelect;

/** One request line of a batch: the asset and its row's version when sent (the version guard), and what came of it. */
export const altBatchLines = pgTable(
  'alt_batch_lines',
  {
    batchId: uuid('batch_id')
      .notNull()
      .references(() => altBatches.id, { onDelete: 'cascade' }),
    customId: text('custom_id').notNull(),
    assetId: uuid('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    assetVersion: integer('asset_version').notNull(),
    /** 1 for its first batch; a line failed or expired and sent again counts up. */
    attempt: integer('attempt').notNull().default(1),
    /** Null while its answer is awaited: written, not_written, gate_rejected, failed, resent, online. */
    outcome: text('outcome'),
  },
  (t) => [
    primaryKey({ name: 'alt_batch_lines_pk', columns: [t.batchId, t.customId] }),
    // The backfill's selection leaves out assets with an answer awaited.
    index('alt_batch_lines_open_idx').on(t.assetId).where(sql`${t.outcome} is null`),
  ],
);
export type User = typeof users.$inferSelect;
export type Asset = typeof assets.$inferSelect;
export type AltHistoryRow = typeof altHistory.$inferSelect;

/** purge: a trashed asset's removal (files, then row), due TRASH_DAYS after it was trashed. webhook: one delivery. */
/** sync: one connection's pass over its store; writeback: one asset's alt text to one connection's store. */
/** batch: one Groq batch of describe requests (alt_batches), sent, polled and applied. */
/** zip: one download of many photos written to storage as a ZIP (lib/downloads). */
/** translate: one asset's approved source text into one locale (the job's key). */
export const JOB_KINDS = ['derive', 'describe', 'embed', 'frames', 'webhook', 'purge', 'sync', 'writeback', 'store_writes', 'batch', 'zip', 'translate'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * pending: due at next_attempt_at; running: leased (claimed_until) by a worker; done: finished for this input;
 * waiting: finished a pass but asked to run again at next_attempt_at (alt text that failed: the asset moves on,
 * the text is retried); failed: given up, with the reason.
 */
export const JOB_STATUSES = ['pending', 'running', 'done', 'waiting', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * Every piece of background work: the one durable work model (lib/jobs). Per-asset work is one row per
 * (asset, kind, key); a webhook delivery's job belongs to the delivery instead (asset_id null), so that an
 * asset.deleted delivery is not deleted with its asset. Exactly one of the two is set (jobs_one_subject).
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    assetId: uuid('asset_id').references(() => assets.id, { onDelete: 'cascade' }),
    deliveryId: uuid('delivery_id').references((): AnyPgColumn => webhookDeliveries.id, { onDelete: 'cascade' }),
    /** A sync (this alone) or a writeback (with asset_id); deleting the connection drops its queued work. */
    connectionId: uuid('connection_id').references((): AnyPgColumn => connections.id, { onDelete: 'cascade' }),
    /** A batch of describe requests sent to Groq's Batch API (this alone). */
    batchId: uuid('batch_id').references((): AnyPgColumn => altBatches.id, { onDelete: 'cascade' }),
    /** A ZIP download (this alone); deleting the download drops its job. */
    downloadId: uuid('download_id').references((): AnyPgColumn => downloads.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: JOB_KINDS }).notNull(),
    /** '' for kinds done once per asset; the embedding model id for embed jobs; the locale for translate jobs. */
    key: text('key').notNull().default(''),
    status: text('status', { enum: JOB_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Null on a waiting job: parked until something changes (alt text with no vision provider configured). */
    nextAttemptAt: timestamptz('next_attempt_at').defaultNow(),
    /** Lower runs first: interactive work (0) before backfill (10). */
    priority: integer('priority').notNull(),
    claimedUntil: timestamptz('claimed_until'),
    claimToken: uuid('claim_token'),
    /**
     * The instance (process) holding the claim; null for a claimer that never joined as one. No foreign key: a
     * holder whose row is gone is as dead as one whose heartbeat stopped, and either job is taken again at once.
     */
    claimedBy: uuid('claimed_by'),
    /** The input the job was asked to process: re-enqueueing a done job with the same hash is a no-op. */
    inputHash: text('input_hash'),
    /** When a run last succeeded (null: never): the asset's state counts the step as passed from then on. */
    succeededAt: timestamptz('succeeded_at'),
    lastErrorCode: text('last_error_code'),
    lastError: text('last_error'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('jobs_asset_kind_key_idx').on(t.assetId, t.kind, t.key),
    uniqueIndex('jobs_delivery_idx').on(t.deliveryId),
    uniqueIndex('jobs_batch_idx').on(t.batchId),
    // A delivery's, a download's or a batch's job is about it alone; any other job is about an asset, a connection, or both (a writeback).
    check(
      'jobs_one_subject',
      sql`case when ${t.deliveryId} is not null then ${t.assetId} is null and ${t.connectionId} is null and ${t.downloadId} is null and ${t.batchId} is null when ${t.downloadId} is not null then ${t.assetId} is null and ${t.connectionId} is null and ${t.batchId} is null when ${t.batchId} is not null then ${t.assetId} is null and ${t.connectionId} is null else ${t.assetId} is not null or ${t.connectionId} is not null end`,
    ),
    uniqueIndex('jobs_download_idx').on(t.downloadId),
    uniqueIndex('jobs_connection_kind_idx').on(t.connectionId, t.kind).where(sql`${t.assetId} is null and ${t.connectionId} is not null`),
    index('jobs_due_idx').on(t.priority, t.nextAttemptAt).where(sql`${t.status} in ('pending', 'waiting', 'running')`),
  ],
);

export type Job = typeof jobs.$inferSelect;

/**
 * Every process that claims jobs (a server, a CLI run) while it lives: a row with a heartbeat. A job held by an
 * instance whose heartbeat went stale (killed, frozen, cut off) is taken again at once, without waiting out
 * its lease (lib/jobs/instance.ts).
 */
export const instances = pgTable('instances', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** What runs there: 'server' or the CLI command's name. */
  role: text('role').notNull(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  startedAt: timestamptz('started_at').notNull().defaultNow(),
  heartbeatAt: timestamptz('heartbeat_at').notNull().defaultNow(),
});

export type Instance = typeof instances.$inferSelect;

/**
 * What the outbox (lib/events) records about a change: asset.updated is a change to what the asset is called or
 * filed under (title, SKU, collection, tags), alt_text.* a change to its text or its approval.
 */
export const EVENT_TYPES = ['alt_text.approved', 'alt_text.changed', 'asset.created', 'asset.updated', 'asset.deleted'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Every event type is one a webhook endpoint may subscribe to, under the same name and with the same payload. */
export const WEBHOOK_EVENT_TYPES = EVENT_TYPES;
export type WebhookEventType = EventType;
/** Sent only to the endpoint an admin tests; nobody subscribes to it. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** Where Loupe sends events (lib/webhooks): admin-managed, each with its own signing secret. */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: uuid('id').primaryKey().defaultRandom(),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  events: text('events', { enum: WEBHOOK_EVENT_TYPES }).array().notNull(),
  /** `whsec_` + base64 (Standard Webhooks): kept as is, since signing needs it; shown to the admin once. */
  secret: text('secret').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  /** Why it stopped (an admin, or the receiver answering 410 Gone). */
  disabledReason: text('disabled_reason'),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

/**
 * The outbox (lib/events): every event, written in the transaction of the change it describes, whoever listens;
 * its data is a snapshot, not a reference (asset.deleted outlives its asset, so asset_id has no foreign key).
 * A webhook test event (webhook.test) is one too, with no asset. Pruned after EVENTS_KEEP_DAYS.
 */
export const events = pgTable(
  'events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: text('type').notNull(),
    assetId: uuid('asset_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('events_created_idx').on(t.createdAt), index('events_asset_idx').on(t.assetId, t.createdAt)],
);
export type EventRow = typeof events.$inferSelect;

/**
 * One event to one endpoint; its job (jobs.delivery_id) carries status, next retry and last error, and this row
 * what the receiver last answered.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** Every attempt ever made, redeliveries included (the job's own count restarts when it succeeds or is redelivered). */
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: timestamptz('last_attempt_at'),
    responseStatus: integer('response_status'),
    /** The first few KB of the last answer, for the log. */
    responseBody: text('response_body'),
    durationMs: integer('duration_ms'),
    deliveredAt: timestamptz('delivered_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt), index('webhook_deliveries_event_idx').on(t.eventId)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

export const WRITEBACK_MODES = ['on_approval', 'manual', 'nightly'] as const;
export type WritebackMode = (typeof WRITEBACK_MODES)[number];
export const CONNECTION_STATUSES = ['active', 'paused'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/**
 * A connected store (lib/connections). The credential is encrypted at rest (AES-256-GCM, lib/connections/secret.ts):
 * ciphertext, IV and tag, all base64; it never leaves the server. The sync cursor lets a crashed sync resume:
 * `sync_since` is the pass's modified_after, `sync_cursor` the next page, `sync_high_water` the newest change seen.
 */
export const connections = pgTable('connections', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  username: text('username').notNull(),
  /** The kind's non-secret settings (lib/connectors: what its accessFrom made of the admin's input). */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  secretCiphertext: text('secret_ciphertext').notNull(),
  secretIv: text('secret_iv').notNull(),
  secretTag: text('secret_tag').notNull(),
  /** The account the store named when the credentials were verified. */
  account: text('account'),
  writebackMode: text('writeback_mode', { enum: WRITEBACK_MODES }).notNull().default('on_approval'),
  status: text('status', { enum: CONNECTION_STATUSES }).notNull().default('active'),
  statusMessage: text('status_message'),
  syncSince: text('sync_since'),
  syncCursor: text('sync_cursor'),
  syncHighWater: text('sync_high_water'),
  /** The pacer's schedule for calls to this store, shared by every instance. */
  nextCallAt: timestamptz('next_call_at'),
  lastSyncedAt: timestamptz('last_synced_at'),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const CONNECTION_RUN_KINDS = ['sync', 'writeback'] as const;
export const CONNECTION_RUN_OUTCOMES = ['running', 'done', 'failed', 'paused'] as const;
export type ConnectionRunOutcome = (typeof CONNECTION_RUN_OUTCOMES)[number];

/** The connection's log: one row per sync or writeback run, with counts and the first errors. */
export const connectionRuns = pgTable(
  'connection_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: CONNECTION_RUN_KINDS }).notNull(),
    outcome: text('outcome', { enum: CONNECTION_RUN_OUTCOMES }).notNull().default('running'),
    startedAt: timestamptz('started_at').notNull().defaultNow(),
    endedAt: timestamptz('ended_at'),
    seen: integer('seen').notNull().default(0),
    created: integer('created').notNull().default(0),
    linked: integer('linked').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    written: integer('written').notNull().default(0),
    conflicts: integer('conflicts').notNull().default(0),
    /** The first errors (capped, lib/connections/runs.ts): what failed and why. */
    errors: jsonb('errors').$type<{ remoteId: string | null; code: string; message: string }[]>().notNull().default([]),
  },
  (t) => [
    index('connection_runs_connection_idx').on(t.connectionId, t.startedAt),
    uniqueIndex('connection_runs_one_open_sync_idx').on(t.connectionId).where(sql`${t.kind} = 'sync' and ${t.endedAt} is null`),
  ],
);

/** A product groups photos: a store's product (connection and remote id), or one a CSV import named. */
export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectionId: uuid('connection_id').references(() => connections.id, { onDelete: 'set null' }),
    remoteId: text('remote_id'),
    title: text('title').notNull(),
    sku: text('sku'),
    handle: text('handle'),
    collection: text('collection'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('products_remote_idx').on(t.connectionId, t.remoteId)],
);

export const REMOTE_STATUSES = ['in_sync', 'pending', 'conflict', 'failed'] as const;
export type RemoteStatus = (typeof REMOTE_STATUSES)[number];

/**
 * One store image linked to a library asset. `remote_alt` is the store's text as last read; `last_seen_alt` the
 * store text Loupe last agreed with (read at sync, or written by Loupe): a store text that differs from it was
 * edited in the shop, and is never overwritten (status conflict). `previous_alt` is the text Loupe replaced (undo).
 */
export const assetRemotes = pgTable(
  'asset_remotes',
  {
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    remoteId: text('remote_id').notNull(),
    assetId: uuid('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    remoteAlt: text('remote_alt'),
    lastSeenAlt: text('last_seen_alt'),
    status: text('status', { enum: REMOTE_STATUSES }).notNull().default('pending'),
    lastWrittenAt: timestamptz('last_written_at'),
    /** The asset's version whose text the store holds. */
    writtenVersion: integer('written_version'),
    previousAlt: text('previous_alt'),
    /** An undo is queued: the next writeback restores previous_alt instead of writing Loupe's text. */
    restorePending: boolean('restore_pending').notNull().default(false),
    /** The writeback run the queued write counts toward, and the run of the last write (undo per run). */
    pendingRunId: uuid('pending_run_id'),
    lastRunId: uuid('last_run_id'),
    /** The store's bulk operation this remote's write rides in (batched writeback), and the text sent in it. */
    bulkOperationId: text('bulk_operation_id'),
    bulkAlt: text('bulk_alt'),
    error: text('error'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.remoteId] }),
    index('asset_remotes_asset_idx').on(t.assetId),
    index('asset_remotes_waiting_idx').on(t.connectionId, t.remoteId).where(sql`${t.pendingRunId} is not null or ${t.restorePending}`),
  ],
);

export type Connection = typeof connections.$inferSelect;
export type ConnectionRun = typeof connectionRuns.$inferSelect;
export type Product = typeof products.$inferSelect;
export type AssetRemote = typeof assetRemotes.$inferSelect;

export const PRESET_FITS = ['cover', 'contain', 'inside'] as const;
export type PresetFit = (typeof PRESET_FITS)[number];
export const PRESET_FORMATS = ['jpeg', 'png', 'webp', 'avif'] as const;
export type PresetFormat = (typeof PRESET_FORMATS)[number];
/** `strip`: no metadata at all (pixels in sRGB); `icc`: the original's colour profile is kept. */
export const PRESET_METADATA = ['strip', 'icc'] as const;
export type PresetMetadata = (typeof PRESET_METADATA)[number];

/** A preset an admin defined (the built-in ones are in lib/renditions/presets.ts, not here). */
export const presets = pgTable('presets', {
  name: text('name').primaryKey(),
  /** What people see on pages; '' shows the name. */
  label: text('label').notNull().default(''),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  fit: text('fit', { enum: PRESET_FITS }).notNull(),
  /** `#RRGGBB`, or `transparent` (not for JPEG). */
  background: text('background').notNull(),
  format: text('format', { enum: PRESET_FORMATS }).notNull(),
  quality: integer('quality').notNull(),
  metadata: text('metadata', { enum: PRESET_METADATA }).notNull(),
  /** Trim the background-coloured border first, then place the product at 85% of the frame (marketplace main images). */
  trim: boolean('trim').notNull().default(false),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const RENDITION_STATUSES = ['making', 'ready'] as const;

/**
 * One file made from an asset by a preset, keyed by the preset's hash (lib/renditions): a changed preset makes
 * a new row. `making` rows are claimed (claim token, lease) by the one request making the file; the others wait.
 */
export const renditions = pgTable(
  'renditions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    assetId: uuid('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    preset: text('preset').notNull(),
    presetHash: text('preset_hash').notNull(),
    /** Chosen when the row is claimed, so a purge finds the object even while it is being made. */
    key: text('key').notNull().unique(),
    status: text('status', { enum: RENDITION_STATUSES }).notNull().default('making'),
    contentType: text('content_type').notNull(),
    bytes: integer('bytes'),
    width: integer('width'),
    height: integer('height'),
    etag: text('etag'),
    claimToken: uuid('claim_token'),
    claimedUntil: timestamptz('claimed_until'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('renditions_asset_preset_hash_idx').on(t.assetId, t.preset, t.presetHash)],
);

export type PresetRow = typeof presets.$inferSelect;
export type Rendition = typeof renditions.$inferSelect;

export const DOWNLOAD_STATUSES = ['pending', 'ready', 'failed'] as const;
export type DownloadStatus = (typeof DOWNLOAD_STATUSES)[number];

/**
 * A ZIP of many photos too large to stream in the answer (lib/downloads): the photo ids frozen when asked, the
 * preset (null: originals), and once its job has run, the ZIP's storage key, kept until expires_at.
 */
export const downloads = pgTable(
  'downloads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Who asked (a person, or the person behind an API token); null for a server token. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    requestedBy: text('requested_by').notNull(),
    preset: text('preset'),
    assetIds: uuid('asset_ids').array().notNull(),
    status: text('status', { enum: DOWNLOAD_STATUSES }).notNull().default('pending'),
    zipKey: text('zip_key'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    entries: integer('entries'),
    skipped: integer('skipped'),
    error: text('error'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    readyAt: timestamptz('ready_at'),
    expiresAt: timestamptz('expires_at').notNull(),
  },
  (t) => [index('downloads_user_idx').on(t.userId, t.createdAt), index('downloads_expires_idx').on(t.expiresAt)],
);

export type Download = typeof downloads.$inferSelect;

/**
 * A share link (lib/shares): the token is shown once and kept only as its SHA-256. It names photo ids (picked,
 * or what a filter matched when it was made) or a collection (live: photos added later are shared too).
 */
export const shares = pgTable(
  'shares',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdByName: text('created_by_name').notNull(),
    assetIds: uuid('asset_ids').array(),
    collection: text('collection'),
    /** What was shared, for the admin list ("3 photos", "collection Summer"). */
    label: text('label').notNull(),
    allowDownload: boolean('allow_download').notNull().default(false),
    expiresAt: timestamptz('expires_at').notNull(),
    revokedAt: timestamptz('revoked_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('shares_token_hash_idx').on(t.tokenHash),
    index('shares_created_idx').on(t.createdAt),
    check('shares_one_selection', sql`(${t.assetIds} is null) <> (${t.collection} is null)`),
  ],
);

export type Share = typeof shares.$inferSelect;
