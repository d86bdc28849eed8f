import { and, asc, gt, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { ALT_STATUSES, assets, type Asset } from '@/db/schema';
import { altStatusSql, filterSchema, filterSql, hasFilter, PROCESSING_STATES, type AssetFilter } from '@/lib/filters';

/**
 * Alt text out: every photo's catalogue data and alt text as CSV, JSON Lines, or Shopify's product CSV
 * (Handle, Image Src, Image Alt Text) for photos whose handle and shop address an import told us. Rows are
 * read a page at a time and written as they are read, so 100,000 photos export in the memory of one page.
 */

export const EXPORT_FORMATS = ['csv', 'jsonl', 'shopify'] as const;
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

export const EXPORT_PAGE_ROWS = 1000;

const COLUMNS = ['filename', 'sku', 'title', 'collection', 'tags', 'alt_text', 'status', 'source', 'model', 'prompt_version', 'updated_at'] as const;
const SHOPIFY_COLUMNS = ['Handle', 'Image Src', 'Image Alt Text'] as const;

/** A cell a spreadsheet would run as a formula gets a leading apostrophe: shown as text, never run (CSV injection). */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

type ExportRow = Record<(typeof COLUMNS)[number], string | null>;

function toRow(asset: Asset): ExportRow {
  return {
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

function encodePage(format: ExportFormat, page: Asset[], first: boolean): string {
  if (format === 'jsonl') return page.map((asset) => `${JSON.stringify(toRow(asset))}\n`).join('');
  if (format === 'shopify') {
    const records = page.map((asset) => [asset.handle ?? '', asset.imageSrc ?? '', asset.altText ?? ''].map(neutraliseCell));
    return stringify(records, { header: first, columns: [...SHOPIFY_COLUMNS], record_delimiter: 'windows' });
  }
  const records = page.map((asset) => COLUMNS.map((column) => neutraliseCell(toRow(asset)[column] ?? '')));
  return stringify(records, { header: first, columns: [...COLUMNS], record_delimiter: 'windows' });
}

export function exportFilename(format: ExportFormat, filter: ExportFilter, now = new Date()): string {
  const day = now.toISOString().slice(0, 10);
  const { status, ...library } = filter;
  const narrowed = hasFilter(library as AssetFilter) ? '-filtered' : '';
  return `loupe-${format === 'shopify' ? 'shopify-alt-text' : 'alt-text'}-${status}${narrowed}-${day}.${format === 'jsonl' ? 'jsonl' : 'csv'}`;
}

export function exportContentType(format: ExportFormat): string {
  return format === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8';
}

/** How many photos the Shopify export would include: those with a handle and a shop image address. */
export async function countShopifyReady(db: Db): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(assets).where(and(isNotNull(assets.handle), isNotNull(assets.imageSrc), filterSql({}, 'assets')));
  return row.count;
}

/** The export as a byte stream: one database page per pull, so a slow reader holds at most one page. */
export function exportStream(db: Db, format: ExportFormat, filter: ExportFilter, pageRows = EXPORT_PAGE_ROWS): ReadableStream<Uint8Array> {
  const condition = exportCondition(filter);
  const encoder = new TextEncoder();
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
        const text = encodePage(format, page, first);
        first = false;
        if (text) controller.enqueue(encoder.encode(text));
        if (page.length < pageRows) controller.close();
        else lastId = page[page.length - 1].id;
      },
    },
    { highWaterMark: 0 },
  );
}
