import { randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '@/db/client';
import { assetRemotes, assets, connections, products, ASSET_STATES, type Asset } from '@/db/schema';
import { PROMPT_VERSION } from '@/lib/alt';
import { useTestDatabase } from '@/test/db';
import { filterSchema, filterSql, reviewStatusOfSql, FLAG_FILTERS, type AssetFilter } from '.';

/**
 * Results stay as they were where the filter means the same: each of the three filter modules this language
 * replaced (the library's, search's and the review queue's), copied here word for word as they stood, against
 * the compiler on a library seeded with every processing state, every alt-text situation, the trash, tags and
 * collections in two cases, products, store links and flagged texts.
 */

// --- today's predicates, as lib/assets/filter.ts, lib/search/filters.ts and lib/review/filters.ts had them ---
const LEGACY_RETRYING = sql`(a.alt_status = 'none' and a.alt_last_error is not null and a.alt_next_attempt_at is not null and a.state <> 'failed_describe')`;
const LEGACY_ALT_FAILED = sql`(a.alt_status = 'none' and a.state = 'failed_describe')`;
const LEGACY_FAILED = sql`a.state in ('failed_derive', 'failed_describe', 'failed_embed')`;
const LEGACY_VISIBLE = sql`a.state not in ('awaiting_upload', 'failed_upload') and a.deleted_at is null`;
const LEGACY_QUEUE = sql`a.alt_status in ('none', 'proposed') and a.state not in ('awaiting_upload', 'failed_upload') and a.deleted_at is null`;

function legacyLibrary(filter: { q?: string; tag?: string; collection?: string; status?: string; state?: 'failed' | 'retrying'; product?: string; store?: 'conflict' | 'not_in_store' }): SQL {
  const parts: SQL[] = [LEGACY_VISIBLE];
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    parts.push(sql`(a.filename ilike ${pattern} or a.title ilike ${pattern} or a.sku ilike ${pattern})`);
  }
  if (filter.tag) parts.push(sql`exists (select 1 from unnest(a.tags) as t(value) where lower(t.value) = lower(${filter.tag}))`);
  if (filter.collection) parts.push(sql`lower(a.collection) = lower(${filter.collection})`);
  if (filter.status) parts.push(sql`a.alt_status = ${filter.status}`);
  if (filter.state === 'failed') parts.push(LEGACY_FAILED);
  if (filter.state === 'retrying') parts.push(sql`(not ${LEGACY_FAILED} and (a.error_code is not null or ${LEGACY_RETRYING}))`);
  if (filter.product) parts.push(sql`a.product_id = ${filter.product}`);
  if (filter.store === 'conflict') parts.push(sql`exists (select 1 from asset_remotes r where r.asset_id = a.id and r.status = 'conflict')`);
  if (filter.store === 'not_in_store') {
    parts.push(sql`(a.alt_status in ('approved', 'decorative') or a.decorative or (a.alt_source in ('human', 'shop') and a.alt_text is not null))
      and exists (select 1 from asset_remotes r where r.asset_id = a.id and r.status <> 'conflict' and r.written_version is distinct from a.version)`);
  }
  return sql.join(parts, sql` and `);
}

function legacySearch(filter: { tag?: string; state?: string; source?: string; type?: string; from?: string; to?: string }): SQL {
  const parts: SQL[] = [LEGACY_VISIBLE];
  if (filter.tag) parts.push(sql`a.tags @> array[${filter.tag}]::text[]`);
  if (filter.state) parts.push(sql`a.alt_status = ${filter.state}`);
  if (filter.source) parts.push(sql`a.alt_source = ${filter.source}`);
  if (filter.type) parts.push(sql`(lower(a.format) = ${filter.type} or lower(a.mime_type) = ${filter.type})`);
  if (filter.from) parts.push(sql`a.created_at >= ${filter.from}::timestamptz`);
  if (filter.to) parts.push(filter.to.length === 10 ? sql`a.created_at < ${filter.to}::date + 1` : sql`a.created_at <= ${filter.to}::timestamptz`);
  return sql.join(parts, sql` and `);
}

function legacyReviewStatus(status: string): SQL {
  switch (status) {
    case 'approved':
    case 'decorative':
      return sql`a.alt_status = ${status} and ${LEGACY_VISIBLE}`;
    case 'proposed':
      return sql`${LEGACY_QUEUE} and a.alt_status = 'proposed'`;
    case 'outdated':
      return sql`${LEGACY_QUEUE} and a.alt_status = 'proposed' and a.alt_prompt_version is distinct from ${PROMPT_VERSION}`;
    case 'gate_rejected':
      return sql`${LEGACY_QUEUE} and ${LEGACY_RETRYING} and a.alt_last_error like 'gate_rejected:%'`;
    case 'retrying':
      return sql`${LEGACY_QUEUE} and ${LEGACY_RETRYING}`;
    case 'failed':
      return sql`${LEGACY_QUEUE} and ${LEGACY_ALT_FAILED}`;
    default:
      return sql`${LEGACY_QUEUE} and a.alt_status = 'none' and not ${LEGACY_RETRYING} and not ${LEGACY_ALT_FAILED}`;
  }
}

function legacyReview(filter: { status?: string; tag?: string; collection?: string; from?: string; to?: string; model?: string; promptVersion?: string; flag?: string }): SQL {
  const parts: SQL[] = [filter.status ? legacyReviewStatus(filter.status) : LEGACY_QUEUE];
  if (filter.tag) parts.push(sql`a.tags @> array[${filter.tag}]::text[]`);
  if (filter.collection) parts.push(sql`a.collection = ${filter.collection}`);
  if (filter.from) parts.push(sql`a.created_at >= ${filter.from}::timestamptz`);
  if (filter.to) parts.push(filter.to.length === 10 ? sql`a.created_at < ${filter.to}::date + 1` : sql`a.created_at <= ${filter.to}::timestamptz`);
  if (filter.model) parts.push(sql`a.alt_model = ${filter.model}`);
  if (filter.promptVersion) parts.push(sql`a.alt_prompt_version = ${filter.promptVersion}`);
  if (filter.flag === 'under_500') parts.push(sql`(a.width < 500 or a.height < 500)`);
  if (filter.flag === 'shared_text') parts.push(sql`a.alt_text in (select o.alt_text from assets o where o.alt_text <> '' and o.deleted_at is null group by o.alt_text having count(*) > 1)`);
  if (filter.flag === 'filename') {
    parts.push(sql`(a.alt_text ~* '\\.(jpe?g|png|webp|gif|tiff?|heic|heif|avif|bmp)\\y' or a.alt_text ~ '^[A-Za-z0-9]+([_-][A-Za-z0-9]+)+$' or a.alt_text ~* '^(img|dsc|dscn|pxl|photo)[_-]?[0-9]+')`);
  }
  return sql.join(parts, sql` and `);
}

const LEGACY_STATUS_OF = sql`case
    when a.alt_status = 'approved' then 'approved'
    when a.alt_status = 'decorative' then 'decorative'
    when a.alt_status = 'proposed' and a.alt_prompt_version is distinct from ${PROMPT_VERSION} then 'outdated'
    when a.alt_status = 'proposed' then 'proposed'
    when ${LEGACY_RETRYING} and a.alt_last_error like 'gate_rejected:%' then 'gate_rejected'
    when ${LEGACY_RETRYING} then 'retrying'
    when ${LEGACY_ALT_FAILED} then 'failed'
    else 'missing' end`;

// --- the seeded library ---
type AltCase = Pick<Asset, 'altStatus' | 'altSource' | 'altText' | 'altLastError' | 'altPromptVersion' | 'altModel'> & { retry?: boolean };
const ALT_CASES: AltCase[] = [
  { altStatus: 'none', altSource: null, altText: null, altLastError: null, altPromptVersion: null, altModel: null },
  { altStatus: 'none', altSource: null, altText: null, altLastError: 'rate_limited: try later', altPromptVersion: null, altModel: null, retry: true },
  { altStatus: 'none', altSource: null, altText: null, altLastError: 'gate_rejected: too short', altPromptVersion: null, altModel: null, retry: true },
  { altStatus: 'none', altSource: null, altText: null, altLastError: 'provider_error: 500', altPromptVersion: null, altModel: null },
  { altStatus: 'proposed', altSource: 'ai', altText: 'Navy wool jumper folded on a table.', altLastError: null, altPromptVersion: PROMPT_VERSION, altModel: 'vision-a' },
  { altStatus: 'proposed', altSource: 'ai', altText: 'IMG_2041.jpg', altLastError: null, altPromptVersion: 'alt-v0', altModel: 'vision-b' },
  { altStatus: 'approved', altSource: 'human', altText: 'Red canvas tote bag with leather handles.', altLastError: null, altPromptVersion: null, altModel: null },
  { altStatus: 'decorative', altSource: 'human', altText: '', altLastError: null, altPromptVersion: null, altModel: null },
  { altStatus: 'rejected', altSource: 'ai', altText: 'Navy wool jumper folded on a table.', altLastError: null, altPromptVersion: PROMPT_VERSION, altModel: 'vision-a' },
];
const TAGS = [['Summer'], ['summer', 'sale'], ['winter'], []];
const COLLECTIONS = ['Shoes', 'shoes', 'Bags', null];

describe('one filter language: the same answers as the three modules it replaced', () => {
  const database = useTestDatabase();
  const db = () => database().db;
  let productId: string;

  beforeAll(async () => {
    const [connection] = await db().insert(connections).values({ kind: 'wordpress', name: 'Shop', url: 'https://shop.example', username: 'u', secretCiphertext: 'x', secretIv: 'x', secretTag: 'x' }).returning();
    [{ id: productId }] = await db().insert(products).values({ title: 'Jumper' }).returning({ id: products.id });
    let n = 0;
    for (const state of ASSET_STATES) {
      for (const alt of ALT_CASES) {
        for (const trashed of [false, true]) {
          n += 1;
          const random = randomBytes(8).toString('hex');
          const format = n % 3 === 0 ? 'png' : 'jpeg';
          const [row] = await db()
            .insert(assets)
            .values({
              filename: n % 5 === 0 ? `sale_100%-${n}.jpg` : `photo-${n}.jpg`,
              title: n % 4 === 0 ? 'Jumper' : null,
              sku: n % 6 === 0 ? `SKU-${n}` : null,
              declaredType: `image/${format}`,
              declaredSize: 1000,
              sha256: randomBytes(32).toString('hex'),
              format,
              mimeType: `image/${format}`,
              originalKey: `o/${random}`,
              derivativePrefix: `d/${random}`,
              width: [400, 1000, 2000][n % 3],
              height: 1200,
              state,
              tags: TAGS[Math.floor(n / 2) % TAGS.length],
              collection: COLLECTIONS[Math.floor(n / 2) % COLLECTIONS.length],
              altStatus: alt.altStatus,
              altSource: alt.altSource,
              altText: alt.altText,
              altLastError: alt.altLastError,
              altNextAttemptAt: alt.retry ? new Date(Date.UTC(2026, 0, 2)) : null,
              altPromptVersion: alt.altPromptVersion,
              altModel: alt.altModel,
              decorative: alt.altStatus === 'decorative',
              errorCode: n % 7 === 0 ? 'provider_error' : null,
              productId: n % 8 === 0 ? productId : null,
              deletedAt: trashed ? new Date(Date.UTC(2026, 0, 3)) : null,
              createdAt: new Date(Date.UTC(2026, 0, 1 + (n % 20), n % 24)),
            })
            .returning({ id: assets.id, version: assets.version });
          if (n % 3 === 0) {
            await db().insert(assetRemotes).values({ connectionId: connection.id, remoteId: `r${n}`, assetId: row.id, url: `https://shop.example/${n}.jpg`, status: n % 9 === 0 ? 'conflict' : 'in_sync', writtenVersion: n % 2 === 0 ? row.version : null });
          }
        }
      }
    }
  });

  const ids = async (where: SQL) => (await rows<{ id: string }>(db(), sql`select a.id from assets a where ${where} order by a.id`)).map((row) => row.id);
  const parse = (input: Record<string, string | undefined>): AssetFilter => filterSchema().parse(input);
  const same = async (legacy: SQL, filter: AssetFilter) => {
    const expected = await ids(legacy);
    expect(await ids(filterSql(filter)), JSON.stringify(filter)).toEqual(expected);
    return expected.length;
  };

  it('the library filter (GET /api/assets, the library page, bulk "select all matching", writeback)', async () => {
    const filters = [
      {},
      { q: 'photo-1' },
      { q: '100%' },
      { q: 'jumper' },
      { q: 'sku-' },
      { tag: 'summer' },
      { tag: 'SALE' },
      { collection: 'SHOES' },
      ...['none', 'proposed', 'approved', 'rejected', 'decorative'].map((status) => ({ status })),
      { state: 'failed' as const },
      { state: 'retrying' as const },
      { product: productId },
      { store: 'conflict' as const },
      { store: 'not_in_store' as const },
      { tag: 'summer', status: 'proposed', state: 'retrying' as const },
    ];
    let matched = 0;
    for (const filter of filters) matched += await same(legacyLibrary(filter), parse(filter));
    expect(matched).toBeGreaterThan(filters.length);
  });

  it('the search filter, its `state` read as the alt-text status', async () => {
    const filters = [
      { tag: 'sale' },
      ...['none', 'proposed', 'approved', 'rejected', 'decorative'].map((state) => ({ state })),
      { source: 'human' },
      { type: 'png' },
      { type: 'image/jpeg' },
      { from: '2026-01-05', to: '2026-01-09' },
      { from: '2026-01-05T06:00:00Z', to: '2026-01-09T12:00:00Z' },
      { tag: 'winter', state: 'proposed', type: 'jpeg' },
    ];
    for (const filter of filters) await same(legacySearch(filter), parse(filter));
  });

  it('the review filter, whose queue is `undecided` unless a status is asked for', async () => {
    const filters = [
      {},
      ...['proposed', 'outdated', 'gate_rejected', 'retrying', 'failed', 'missing', 'approved', 'decorative'].map((status) => ({ status })),
      { tag: 'sale' },
      { collection: 'Bags' },
      { model: 'vision-b' },
      { promptVersion: 'alt-v0' },
      { flag: 'under_500' },
      { flag: 'shared_text' },
      { flag: 'filename' },
      { from: '2026-01-05', to: '2026-01-09', status: 'proposed' },
    ];
    for (const filter of filters) {
      const review: AssetFilter = { ...parse(filter), status: parse(filter).status ?? 'undecided' };
      await same(legacyReview(filter), review);
    }
  });

  it("each row's review status is the one it had", async () => {
    const read = async (expression: SQL) => rows<{ id: string; status: string }>(db(), sql`select a.id, ${expression} as status from assets a order by a.id`);
    expect(await read(reviewStatusOfSql())).toEqual(await read(LEGACY_STATUS_OF));
  });

  it('tag and collection mean one thing everywhere now: whatever their case (search and review matched the case exactly)', async () => {
    const summer = await ids(filterSql(parse({ tag: 'summer' })));
    expect(summer).toEqual(await ids(legacyLibrary({ tag: 'summer' })));
    expect(summer.length).toBeGreaterThan((await ids(legacySearch({ tag: 'summer' }))).length);
    const shoes = await ids(filterSql(parse({ collection: 'shoes', status: 'undecided' })));
    expect(shoes.length).toBeGreaterThan((await ids(legacyReview({ collection: 'shoes' }))).length);
  });

  it('compiles every flag under any alias', async () => {
    for (const flag of FLAG_FILTERS) {
      const under = await rows<{ id: string }>(db(), sql`select assets.id from assets where ${filterSql({ flag }, 'assets')} order by assets.id`);
      expect(under.map((row) => row.id)).toEqual(await ids(filterSql({ flag })));
    }
  });
});
