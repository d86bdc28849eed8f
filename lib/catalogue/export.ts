import { and, asc, gt, inArray, isNotNull, isNull, notInArray, sql } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '@/db/client';
import { altTexts, assets, type Asset, type AltTextRow } from '@/db/schema';
import { isSourceLocale, translatedLocales } from '@/lib/locales';

/**
 * Alt text out: every photo's catalogue data and alt text as CSV, JSON Lines, or Shopify's product CSV
 * (Handle, Image Src, Image Alt Text) for photos whose handle and shop address an import told us. Rows are
 * read a page at a time and written as they are read, so 100,000 photos export in the memory of one page.
 */

export const EXPORT_FORMATS = ['csv', 'jsonl', 'shopify'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** `approved`: text a person wrote, imported or approved (decorative photos, with empty alt text, included). */
export const EXPORT_STATUSES = ['approved', 'all'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

export const EXPORT_PAGE_ROWS = 1000;

const COLUMNS = ['filename', 'sku', 'title', 'collection', 'tags', 'alt_text', 'status', 'source', 'model', 'prompt_version', 'updated_at'] as const;
const SHOPIFY_COLUMNS = ['Handle', 'Image Src', 'Image Alt Text'] as const;

/** Photos that never arrived are not in the library, so not in an export. */
const NOT_EXPORTED: Asset['state'][] = ['awaiting_upload', 'failed_upload'];

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

export function exportFilename(format: ExportFormat, status: ExportStatus, now = new Date(), locale?: string): string {
  const day = now.toISOString().slice(0, 10);
  return `loupe-${format === 'shopify' ? 'shopify-alt-text' : 'alt-text'}${locale ? `-${locale}` : ''}-${status}-${day}.${format === 'jsonl' ? 'jsonl' : 'csv'}`;
}

export function exportContentType(format: ExportFormat): string {
  return format === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8';
}

/** How many photos the Shopify export would include: those with a handle and a shop image address. */
export async function countShopifyReady(db: Db): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(assets).where(and(isNotNull(assets.handle), isNotNull(assets.imageSrc), notInArray(assets.state, NOT_EXPORTED), isNull(assets.deletedAt)));
  return row.count;
}

/**
 * The export as a byte stream: one database page per pull, so a slow reader holds at most one page. `locale`
 * (a configured locale other than the source; the caller resolved it) exports that locale's records alone.
 */
export function exportStream(db: Db, format: ExportFormat, status: ExportStatus, pageRows = EXPORT_PAGE_ROWS, locale?: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const own = locale && !isSourceLocale(locale) ? locale : null;
  const columns = own || format === 'shopify' ? [] : [...translatedLocales()];
  const wanted = own ? [own] : columns;
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
              notInArray(assets.state, NOT_EXPORTED),
              isNull(assets.deletedAt),
              own
                ? sql`exists (select 1 from alt_texts t where t.asset_id = ${assets.id} and t.locale = ${own}${status === 'approved' ? sql` and t.status in ('approved', 'decorative')` : sql``})`
                : status === 'approved'
                  ? inArray(assets.altStatus, ['approved', 'decorative'])
                  : undefined,
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
