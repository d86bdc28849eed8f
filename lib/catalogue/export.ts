import { Readable } from 'node:stream';
import { and, asc, eq, gt, inArray, isNotNull, like, or, sql, type SQL } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { ALT_STATUSES, altTexts, assetRemotes, assets, connections, type Asset, type AltTextRow } from '@/db/schema';
import { altStatusSql, filterSchema, filterSql, hasFilter, PROCESSING_STATES, type AssetFilter } from '@/lib/filters';
import { isSourceLocale, translatedLocales } from '@/lib/locales';
import { SHOPIFY_ALT_FIELD, SHOPIFY_IMAGE_TYPE, writeShopifyTranslations, type ShopifyTranslationRow } from './shopify-translations';

/**
 * Alt text out: every photo's catalogue data and alt text as CSV, JSON Lines, or Shopify's product CSV
 * (Handle, Image Src, Image Alt Text) for photos whose handle and shop address an import told us, or Shopify's
 * translations CSV for one locale (shopify-translations.ts) for those and the photos a connected Shopify store links. Rows are
 * read a page at a time and written as they are read, so 100,000 photos export in the memory of one page.
 */

export const EXPORT_FORMATS = ['csv', 'jsonl', 'shopify', 'shopify-translations'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/**
 * The library's alt-text statuses, and `all`. `approved` keeps the export's meaning: text a person wrote,
 * imported or approved, decorative photos (empty alt text) included, so a shop import gets every text a person
 * stands behind.
 */
export const EXPORT_STATUSES = [...ALT_STATUSES, 'all'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/**
 * Which photos an export holds: the library's filter, by the same names as the library's URL (q, tag,
 * collection, status, state, product, store), with `status` defaulting to `approved`.
 */
const exportFields = {
  status: z.enum(EXPORT_STATUSES).default('approved'),
  // The export form's "Any" submits an empty value: no processing-state filter.
  state: z
    .union([z.literal(''), z.enum(PROCESSING_STATES)])
    .transform((value) => (value === '' ? undefined : value))
    .optional(),
};
export const exportFilterSchema = filterSchema(exportFields);
/** The export's filter with the API's other query names beside it (`format`); unknown names are refused. */
export const exportQuerySchema = <E extends z.ZodRawShape>(extra: E) => filterSchema({ ...exportFields, ...extra }, { strict: true });
export type ExportFilter = z.output<typeof exportFilterSchema>;

/** The export's rows: in the library and matching the filter (the one place the export reads the library's filter). */
function exportCondition(filter: ExportFilter): SQL {
  const { status, ...library } = filter;
  const statusCondition = status === 'all' ? undefined : status === 'approved' ? or(altStatusSql('approved', 'assets'), altStatusSql('decorative', 'assets')) : altStatusSql(status, 'assets');
  return and(filterSql(library as AssetFilter, 'assets'), statusCondition) as SQL;
}

/** A locale's own export: the library's filter on the photo, the status on that locale's record. */
function localeCondition(filter: ExportFilter, locale: string): SQL {
  const { status, ...library } = filter;
  const recordStatus = status === 'all' ? sql`` : status === 'approved' ? sql` and t.status in ('approved', 'decorative')` : sql` and t.status = ${status === 'none' ? 'missing' : status}`;
  return and(filterSql(library as AssetFilter, 'assets'), sql`exists (select 1 from alt_texts t where t.asset_id = ${assets.id} and t.locale = ${locale}${recordStatus})`) as SQL;
}

export const EXPORT_PAGE_ROWS = 1000;

const COLUMNS = ['filename', 'sku', 'title', 'collection', 'tags', 'alt_text', 'status', 'source', 'model', 'prompt_version', 'updated_at'] as const;
const SHOPIFY_COLUMNS = ['Handle', 'Image Src', 'Image Alt Text'] as const;

/** A cell a spreadsheet would run as a formula gets a leading apostrophe: shown as text, never run (CSV injection). */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

type ExportRow = Record<(typeof COLUMNS)[number], string | null> & Record<`alt_text:${string}`, string | null>;

/**
 * What a page needs besides the assets: with `locale` (not the source), the export is that locale's, its record
 * standing where the asset's text would; otherwise each other configured locale's text is an `alt_text:<locale>`
 * column (none with one locale, so the file is as it always was).
 */
interface PageRecords {
  locale: string | null;
  columns: string[];
  records: Map<string, AltTextRow>;
  approvedOnly: boolean;
}

/** Text a person stands behind, for an `approved` export: approved, or decorative (empty). */
const DONE = ['approved', 'decorative'];

function toRow(asset: Asset, extra: PageRecords): ExportRow {
  const own = extra.locale ? extra.records.get(`${asset.id}:${extra.locale}`) : undefined;
  if (own) {
    return {
      filename: asset.filename,
      sku: asset.sku,
      title: asset.title,
      collection: asset.collection,
      tags: asset.tags.join(', '),
      alt_text: own.text,
      status: own.status,
      source: own.source,
      model: own.model,
      prompt_version: own.promptVersion,
      updated_at: own.updatedAt.toISOString(),
    };
  }
  const others = Object.fromEntries(
    extra.columns.map((locale) => {
      const record = extra.records.get(`${asset.id}:${locale}`);
      return [`alt_text:${locale}`, record && (!extra.approvedOnly || DONE.includes(record.status)) ? record.text : null];
    }),
  );
  return {
    ...others,
    filename: asset.filename,
    sku: asset.sku,
    title: asset.title,
    collection: asset.collection,
    tags: asset.tags.join(', '),
    alt_text: asset.altText,
    status: asset.altStatus,
    source: asset.altSource,
    model: asset.altModel,
    prompt_version: asset.altPromptVersion,
    updated_at: (asset.altUpdatedAt ?? asset.updatedAt).toISOString(),
  };
}

function encodePage(format: ExportFormat, page: Asset[], first: boolean, extra: PageRecords): string {
  if (format === 'jsonl') return page.map((asset) => `${JSON.stringify(toRow(asset, extra))}\n`).join('');
  if (format === 'shopify') {
    const records = page.map((asset) => [asset.handle ?? '', asset.imageSrc ?? '', asset.altText ?? ''].map(neutraliseCell));
    return stringify(records, { header: first, columns: [...SHOPIFY_COLUMNS], record_delimiter: 'windows' });
  }
  const columns = [...COLUMNS, ...extra.columns.map((locale) => `alt_text:${locale}` as const)];
  const records = page.map((asset) => {
    const row = toRow(asset, extra);
    return columns.map((column) => neutraliseCell(row[column] ?? ''));
  });
  return stringify(records, { header: first, columns, record_delimiter: 'windows' });
}

export function exportFilename(format: ExportFormat, filter: ExportFilter, now = new Date(), locale?: string): string {
  const day = now.toISOString().slice(0, 10);
  const { status, ...library } = filter;
  const narrowed = hasFilter(library as AssetFilter) ? '-filtered' : '';
  const name = format === 'shopify' ? 'shopify-alt-text' : format === 'shopify-translations' ? 'shopify-translations' : 'alt-text';
  return `loupe-${name}${locale ? `-${locale}` : ''}-${status}${narrowed}-${day}.${format === 'jsonl' ? 'jsonl' : 'csv'}`;
}

export function exportContentType(format: ExportFormat): string {
  return format === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8';
}

/** How many photos the Shopify export would include: those with a handle and a shop image address. */
export async function countShopifyReady(db: Db): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(assets).where(and(isNotNull(assets.handle), isNotNull(assets.imageSrc), filterSql({}, 'assets')));
  return row.count;
}

/** A photo a connected Shopify store links: its MediaImage id, the resource Shopify's translations file names. */
export const SHOPIFY_MEDIA_GID = 'gid://shopify/MediaImage/';
const shopifyLinked = sql`exists (select 1 from asset_remotes r join connections c on c.id = r.connection_id where r.asset_id = ${assets.id} and c.kind = 'shopify')`;

/** Photos Shopify's translations file can name: an import recorded their handle and shop image, or a Shopify store links them. */
const shopifyTranslatableSql = or(and(isNotNull(assets.handle), isNotNull(assets.imageSrc)), shopifyLinked) as SQL;

/**
 * Each photo's Identification in Shopify's translations file: the media ID of its image in a connected Shopify
 * store (what Shopify itself writes), else its shop image address as the import read it (Image Src). The
 * import matches a row to its photo the same way (import-translations.ts).
 */
async function shopifyIdentifications(db: Db, page: readonly Asset[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const asset of page) if (asset.imageSrc) ids.set(asset.id, asset.imageSrc);
  if (!page.length) return ids;
  const linked = await db
    .select({ assetId: assetRemotes.assetId, remoteId: assetRemotes.remoteId })
    .from(assetRemotes)
    .innerJoin(connections, eq(connections.id, assetRemotes.connectionId))
    .where(and(eq(connections.kind, 'shopify'), like(assetRemotes.remoteId, `${SHOPIFY_MEDIA_GID}%`), inArray(assetRemotes.assetId, page.map((asset) => asset.id))))
    .orderBy(asc(assetRemotes.remoteId));
  for (const row of linked) ids.set(row.assetId, row.remoteId.slice(SHOPIFY_MEDIA_GID.length));
  return ids;
}

/** How many photos Shopify's translations export can name (shopifyTranslatableSql). */
export async function countShopifyTranslatable(db: Db): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(assets).where(and(shopifyTranslatableSql, filterSql({}, 'assets')));
  return row.count;
}

/**
 * Shopify's translations CSV for one locale (not the source): one MEDIA_IMAGE alt row per photo Shopify can
 * name, Default content the source text, Translated content the locale's text with the filter's status (by
 * `approved`: approved or decorative). Read a page at a time as the codec drains, like the other formats.
 */
function translationsStream(db: Db, filter: ExportFilter, locale: string, pageRows: number): ReadableStream<Uint8Array> {
  async function* rows(): AsyncGenerator<ShopifyTranslationRow> {
    const condition = and(localeCondition(filter, locale), shopifyTranslatableSql);
    let lastId: string | null = null;
    for (;;) {
      const page: Asset[] = await db
        .select()
        .from(assets)
        .where(and(condition, lastId ? gt(assets.id, lastId) : undefined))
        .orderBy(asc(assets.id))
        .limit(pageRows);
      const ids = await shopifyIdentifications(db, page);
      const found = page.length ? await db.select().from(altTexts).where(and(inArray(altTexts.assetId, page.map((asset) => asset.id)), inArray(altTexts.locale, [locale]))) : [];
      const records = new Map(found.map((record) => [record.assetId, record]));
      for (const asset of page) {
        const identification = ids.get(asset.id);
        if (!identification) continue;
        const record = records.get(asset.id);
        yield {
          type: SHOPIFY_IMAGE_TYPE,
          identification,
          field: SHOPIFY_ALT_FIELD,
          locale,
          market: '',
          status: '',
          defaultContent: asset.altText ?? '',
          translatedContent: record?.text ?? '',
        };
      }
      if (page.length < pageRows) return;
      lastId = page[page.length - 1].id;
    }
  }
  return Readable.toWeb(writeShopifyTranslations(rows())) as ReadableStream<Uint8Array>;
}

/**
 * The export as a byte stream: one database page per pull, so a slow reader holds at most one page. `locale`
 * (a configured locale other than the source; the caller resolved it) exports that locale's records alone.
 */
export function exportStream(db: Db, format: ExportFormat, filter: ExportFilter, pageRows = EXPORT_PAGE_ROWS, locale?: string): ReadableStream<Uint8Array> {
  if (format === 'shopify-translations' && locale && !isSourceLocale(locale)) return translationsStream(db, filter, locale, pageRows);
  const { status } = filter;
  const encoder = new TextEncoder();
  const own = locale && !isSourceLocale(locale) ? locale : null;
  const columns = own || format === 'shopify' ? [] : [...translatedLocales()];
  const wanted = own ? [own] : columns;
  const condition = own ? localeCondition(filter, own) : exportCondition(filter);
  let lastId: string | null = null;
  let first = true;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const page: Asset[] = await db
          .select()
          .from(assets)
          .where(
            and(
              condition,
              format === 'shopify' ? and(isNotNull(assets.handle), isNotNull(assets.imageSrc)) : undefined,
              lastId ? gt(assets.id, lastId) : undefined,
            ),
          )
          .orderBy(asc(assets.id))
          .limit(pageRows);
        const found = wanted.length && page.length ? await db.select().from(altTexts).where(and(inArray(altTexts.assetId, page.map((asset) => asset.id)), inArray(altTexts.locale, wanted))) : [];
        const records = new Map(found.map((record) => [`${record.assetId}:${record.locale}`, record]));
        const text = encodePage(format, page, first, { locale: own, columns, records, approvedOnly: status === 'approved' });
        first = false;
        if (text) controller.enqueue(encoder.encode(text));
        if (page.length < pageRows) controller.close();
        else lastId = page[page.length - 1].id;
      },
    },
    { highWaterMark: 0 },
  );
}
