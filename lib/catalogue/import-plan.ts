import { createHash } from 'node:crypto';
import { and, inArray, sql } from 'drizzle-orm';
import { notTrashedSql } from '@/lib/filters';
import type { Db } from '@/db/client';
import { altTexts, assets, products } from '@/db/schema';
import { MAX_HUMAN_ALT_LENGTH } from '@/lib/alt';
import { isSourceLocale, resolveLocale } from '@/lib/locales';
import { hasNoNul } from '@/lib/text-input';
import type { CsvRow, CsvTable } from './csv-read';
import { MAX_COLLECTION_LENGTH, MAX_SKU_LENGTH, MAX_TAG_LENGTH, MAX_TAGS, MAX_TITLE_LENGTH, normaliseTags } from './metadata';

/**
 * The preview of an import: which asset each row matches (by filename, else SKU), what it will change, and
 * every row that will not apply with the reason. Nothing is written here; the digest names this exact plan
 * (each change with the value it replaces), so applying it later refuses if the file, or a field it changes,
 * changed in between. Work on other fields meanwhile (the model writing alt text the file does not touch) does not.
 * Imported tags are merged into a photo's tags by default, so tags people added survive an import; `replace`
 * makes the file's tags the photo's only tags. The mode is part of the plan and of its digest.
 */

export const IMPORT_FIELDS = ['filename', 'sku', 'title', 'collection', 'tags', 'altText', 'handle'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
/** Which header column feeds each field. */
export type ColumnMapping = Partial<Record<ImportField, string>>;
export type ImportFormat = 'plain' | 'shopify' | 'shopify-translations';
export const TAG_MODES = ['merge', 'replace'] as const;
export type TagMode = (typeof TAG_MODES)[number];

/**
 * Photos can be grouped into products: by the file's handle (Shopify's product CSV: one row per image, with its
 * Image Position), by SKU, or not at all. A group reuses the product Loupe already has with that handle or SKU
 * (one a CSV made: a store's products belong to its sync), or makes one when the plan is applied.
 */
export const GROUP_BY = ['handle', 'sku', 'none'] as const;
export type GroupBy = (typeof GROUP_BY)[number];
/** Shopify takes at most 250 images per product: a position past that is a mistake in the file, not a photo. */
export const MAX_IMAGE_POSITION = 250;
/** The header Shopify gives an image's place among its product's images (1 = the main image). */
const POSITION_COLUMN = 'image position';

/** Rows listed in full in a preview; the counts always cover every row. */
export const PREVIEW_LIST_LIMIT = 1000;

/** Header names each field is recognised by (compared lower-case, with spaces and underscores alike). */
const KNOWN_COLUMNS: Record<ImportField, string[]> = {
  filename: ['filename', 'file name', 'file', 'image src', 'image'],
  sku: ['sku', 'variant sku'],
  title: ['title', 'name', 'product name'],
  collection: ['collection', 'type', 'product type'],
  tags: ['tags', 'keywords'],
  altText: ['alt text', 'alt', 'image alt text'],
  handle: ['handle'],
};

const simplify = (name: string) => name.trim().toLowerCase().replace(/[\s_-]+/g, ' ');

/** Shopify's product CSV has Handle and Image Src; anything else is read as the plain format. */
export function detectMapping(header: readonly string[]): { format: ImportFormat; mapping: ColumnMapping } {
  const byName = new Map(header.map((name) => [simplify(name), name]));
  const mapping: ColumnMapping = {};
  for (const field of IMPORT_FIELDS) {
    const found = KNOWN_COLUMNS[field].find((name) => byName.has(name));
    if (found) mapping[field] = byName.get(found);
  }
  return { format: byName.has('handle') && byName.has('image src') ? 'shopify' : 'plain', mapping };
}

export const SKIP_REASONS = ['no_match', 'no_key', 'ambiguous', 'duplicate_key', 'same_asset', 'bad_value', 'formula', 'bad_row', 'changed_since_preview', 'not_alt_text', 'unknown_locale', 'untranslated'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface SkippedRow {
  row: number;
  key: string | null;
  reason: SkipReason;
  message: string;
}

export interface FieldChange {
  from: string | null;
  to: string;
}

/** `altText:fr`: the alt text of a configured locale other than the source, from an `alt_text:fr` column. */
export type LocaleTextField = `altText:${string}`;
export type ChangeSet = Partial<Record<'sku' | 'title' | 'collection' | 'tags' | 'altText' | 'handle' | 'imageSrc' | LocaleTextField, FieldChange>>;

/** An `alt_text:<locale>` column: where it is, and the configured locale it names. */
export interface LocaleColumn {
  locale: string;
  index: number;
}

/** The file's `alt_text:<locale>` columns (also `Alt Text:fr`), each locale resolved against LOCALES; one not configured is refused. */
export function localeColumnsOf(header: readonly string[]): { ok: true; columns: LocaleColumn[] } | { ok: false; message: string } {
  const columns: LocaleColumn[] = [];
  for (const [index, name] of header.entries()) {
    const match = /^alt[\s_-]*text\s*:\s*(.+)$/i.exec(name.trim());
    if (!match) continue;
    const resolved = resolveLocale(match[1].trim());
    if (!resolved.ok) return { ok: false, message: `The column "${name.slice(0, 60)}" names ${resolved.message}.` };
    // The source locale's text is the alt_text column's.
    if (!isSourceLocale(resolved.locale)) columns.push({ locale: resolved.locale, index });
  }
  return { ok: true, columns };
}

export interface RowChange {
  row: number;
  assetId: string;
  filename: string;
  changes: ChangeSet;
  /** The photo joins this product (its group's key) at this position (0 = main image), replacing what it had. */
  product?: ProductPlacement;
}

export interface ProductPlacement {
  key: string;
  position: number;
  fromProductId: string | null;
  fromPosition: number | null;
}

/** One product the import groups photos into: `productId` null when applying will make it. */
export interface ProductGroup {
  key: string;
  title: string;
  collection: string | null;
  productId: string | null;
  photos: number;
}

export interface ImportPlan {
  format: ImportFormat;
  header: string[];
  mapping: ColumnMapping;
  tagMode: TagMode;
  groupBy: GroupBy;
  /** The products photos are grouped into (rows that change nothing included), in the file's order. */
  products: ProductGroup[];
  /** Photos of the file in a product: "3 photos grouped into 1 product". */
  groupedPhotos: number;
  productCount: number;
  totalRows: number;
  changeCount: number;
  unchangedCount: number;
  skippedCount: number;
  /** Rows that will not apply, counted per reason (every row, even past the listed ones). */
  skippedByReason: Partial<Record<SkipReason, number>>;
  changes: RowChange[];
  skipped: SkippedRow[];
  digest: string;
}

interface RowValues {
  row: number;
  filename: string | null;
  sku: string | null;
  title: string | null;
  collection: string | null;
  tags: string[] | null;
  altText: string | null;
  handle: string | null;
  /** The filename cell when it is a web address (Shopify's Image Src). */
  imageSrc: string | null;
  /** The Image Position cell, as written (checked when photos are grouped). */
  imagePosition: string | null;
  /** The `alt_text:<locale>` cells that hold text. */
  localeTexts: Record<string, string>;
}

/** One line, single spaces: a quoted newline in a spreadsheet cell becomes a space. */
const clean = (value: string | undefined): string | null => {
  const text = (value ?? '').replace(/\s+/g, ' ').trim();
  return text === '' ? null : text;
};

/** `https://cdn.shop/files/red-coat.jpg?v=3` and `photos/red-coat.jpg` both name `red-coat.jpg`. */
function filenameOf(value: string): string {
  const path = value.split(/[?#]/)[0];
  const base = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(base);
  } catch {
    return base;
  }
}

/** A cell a spreadsheet would run as a formula (the CSV-injection characters). */
export const FORMULA_START = /^[=+\-@\t\r]/;

function readRow(row: CsvRow, columns: Partial<Record<ImportField, number>>, positionColumn: number, localeColumns: readonly LocaleColumn[]): RowValues {
  const cell = (field: ImportField) => (columns[field] === undefined ? null : clean(row.cells[columns[field]]));
  const filename = cell('filename');
  const tags = cell('tags');
  return {
    row: row.row,
    filename: filename === null ? null : filenameOf(filename),
    sku: cell('sku'),
    title: cell('title'),
    collection: cell('collection'),
    tags: tags === null ? null : normaliseTags(tags.split(',')),
    altText: cell('altText'),
    handle: cell('handle'),
    imageSrc: filename !== null && /^https?:\/\//i.test(filename) ? filename : null,
    imagePosition: positionColumn < 0 ? null : clean(row.cells[positionColumn]),
    localeTexts: Object.fromEntries(localeColumns.flatMap(({ locale, index }) => {
      const text = clean(row.cells[index]);
      return text === null ? [] : [[locale, text]];
    })),
  };
}

/** What is wrong with a row's values, or null. */
function invalidValue(values: RowValues, rawCells: readonly string[]): Omit<SkippedRow, 'row' | 'key'> | null {
  const formula = rawCells.find((cell) => FORMULA_START.test(cell.trimStart()) && cell.trim() !== '');
  if (formula) {
    return { reason: 'formula', message: `A cell starts with "${formula.trimStart()[0]}", which a spreadsheet runs as a formula ("${formula.trim().slice(0, 40)}"). Remove the formula and import again.` };
  }
  const stored: Array<[string, string | null]> = [
    ['filename', values.filename],
    ['SKU', values.sku],
    ['title', values.title],
    ['collection', values.collection],
    ['alt text', values.altText],
    ['handle', values.handle],
    ['tags', values.tags && values.tags.join(', ')],
    ...Object.entries(values.localeTexts).map(([locale, text]): [string, string] => [`${locale} alt text`, text]),
  ];
  const withNul = stored.find(([, value]) => value !== null && !hasNoNul(value));
  if (withNul) {
    return { reason: 'bad_value', message: `The ${withNul[0]} holds a NUL character (\\u0000${withNul[0] === 'filename' ? ', or %00 in an address' : ''}), which cannot be stored. Remove it and import again.` };
  }
  const limits: Array<[string, string | null, number]> = [
    ['title', values.title, MAX_TITLE_LENGTH],
    ['SKU', values.sku, MAX_SKU_LENGTH],
    ['collection', values.collection, MAX_COLLECTION_LENGTH],
    ['alt text', values.altText, MAX_HUMAN_ALT_LENGTH],
    ['handle', values.handle, 255],
    ['image address', values.imageSrc, 2048],
    ...Object.entries(values.localeTexts).map(([locale, text]): [string, string, number] => [`${locale} alt text`, text, MAX_HUMAN_ALT_LENGTH]),
  ];
  for (const [name, value, max] of limits) {
    if (value !== null && value.length > max) return { reason: 'bad_value', message: `The ${name} is ${value.length} characters; at most ${max} are allowed.` };
  }
  if (values.tags) {
    const long = values.tags.find((tag) => tag.length > MAX_TAG_LENGTH);
    if (long) return { reason: 'bad_value', message: `The tag "${long.slice(0, 40)}…" is over ${MAX_TAG_LENGTH} characters.` };
    if (values.tags.length > MAX_TAGS) return { reason: 'bad_value', message: `The row has ${values.tags.length} tags; at most ${MAX_TAGS} are allowed.` };
  }
  return null;
}

interface Candidate {
  id: string;
  productId: string | null;
  productPosition: number | null;
  filename: string;
  sku: string | null;
  title: string | null;
  collection: string | null;
  tags: string[];
  altText: string | null;
  handle: string | null;
  imageSrc: string | null;
  /** Its current text per imported locale (filled in once the rows are matched). */
  localeTexts?: Record<string, string | null>;
}

const LOOKUP_CHUNK = 1000;

/** The assets whose lower-cased filename or SKU is among the keys, grouped by that key. */
async function lookUp(db: Db, column: 'filename' | 'sku', keys: readonly string[]): Promise<Map<string, Candidate[]>> {
  const found = new Map<string, Candidate[]>();
  const target = column === 'filename' ? assets.filename : assets.sku;
  for (let start = 0; start < keys.length; start += LOOKUP_CHUNK) {
    const chunk = keys.slice(start, start + LOOKUP_CHUNK);
    const rows = await db
      .select({
        id: assets.id,
        productId: assets.productId,
        productPosition: assets.productPosition,
        filename: assets.filename,
        sku: assets.sku,
        title: assets.title,
        collection: assets.collection,
        tags: assets.tags,
        altText: assets.altText,
        handle: assets.handle,
        imageSrc: assets.imageSrc,
      })
      .from(assets)
      .where(sql`lower(${target}) in (${sql.join(chunk.map((key) => sql`${key}`), sql`, `)}) and ${assets.state} <> 'awaiting_upload' and ${notTrashedSql('assets')}`);
    for (const asset of rows) {
      const key = (column === 'filename' ? asset.filename : asset.sku ?? '').toLowerCase();
      found.set(key, [...(found.get(key) ?? []), asset]);
    }
  }
  return found;
}

/** Each matched photo's current text in the imported locales (the preview compares, and the apply guards, against it). */
async function attachLocaleTexts(db: Db, candidates: Candidate[], locales: readonly string[]): Promise<void> {
  if (!locales.length || !candidates.length) return;
  const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
  for (const candidate of candidates) candidate.localeTexts = {};
  const ids = [...byId.keys()];
  for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
    const found = await db
      .select({ assetId: altTexts.assetId, locale: altTexts.locale, text: altTexts.text })
      .from(altTexts)
      .where(and(inArray(altTexts.assetId, ids.slice(start, start + LOOKUP_CHUNK)), inArray(altTexts.locale, [...locales])));
    for (const row of found) byId.get(row.assetId)!.localeTexts![row.locale] = row.text;
  }
}

/** The photo's tags after the import: its own plus the file's new ones (merge), or the file's alone (replace). */
export function importedTags(current: readonly string[], imported: readonly string[], mode: TagMode): string[] {
  return mode === 'replace' ? [...imported] : normaliseTags([...current, ...imported]);
}

function changesFor(values: RowValues, asset: Candidate, tagMode: TagMode): ChangeSet {
  const changes: ChangeSet = {};
  const compare = (field: 'sku' | 'title' | 'collection' | 'altText' | 'handle' | 'imageSrc', current: string | null) => {
    const next = values[field];
    if (next !== null && next !== current) changes[field] = { from: current, to: next };
  };
  compare('sku', asset.sku);
  compare('title', asset.title);
  compare('collection', asset.collection);
  compare('altText', asset.altText);
  compare('handle', asset.handle);
  compare('imageSrc', asset.imageSrc);
  for (const [locale, text] of Object.entries(values.localeTexts)) {
    const current = asset.localeTexts?.[locale] ?? null;
    if (text !== current) changes[`altText:${locale}`] = { from: current, to: text };
  }
  const tags = values.tags && importedTags(asset.tags, values.tags, tagMode);
  if (tags && tags.join(', ') !== asset.tags.join(', ')) changes.tags = { from: asset.tags.join(', ') || null, to: tags.join(', ') };
  return changes;
}

/** Shopify leaves Title and Tags blank on a product's image and variant rows: they carry over from its first row. */
function carryShopifyProduct(rows: RowValues[]): void {
  const products = new Map<string, RowValues>();
  for (const values of rows) {
    if (!values.handle) continue;
    const first = products.get(values.handle);
    if (!first) {
      products.set(values.handle, values);
      continue;
    }
    values.title ??= first.title;
    values.tags ??= first.tags;
    values.collection ??= first.collection;
  }
}

export function columnIndexes(header: readonly string[], mapping: ColumnMapping): { ok: true; columns: Partial<Record<ImportField, number>> } | { ok: false; message: string } {
  const columns: Partial<Record<ImportField, number>> = {};
  for (const field of IMPORT_FIELDS) {
    const name = mapping[field];
    if (!name) continue;
    const index = header.findIndex((column) => column.toLowerCase() === name.toLowerCase());
    if (index < 0) return { ok: false, message: `The file has no column "${name}" (mapped to ${field}). Its columns are: ${header.join(', ')}.` };
    columns[field] = index;
  }
  if (columns.filename === undefined && columns.sku === undefined) {
    return { ok: false, message: `Rows are matched to photos by filename or SKU, and no column is mapped to either. The file's columns are: ${header.join(', ')}.` };
  }
  return { ok: true, columns };
}

export interface PlanOptions {
  format: ImportFormat;
  mapping: ColumnMapping;
  columns: Partial<Record<ImportField, number>>;
  tagMode: TagMode;
  groupBy: GroupBy;
  /** The file's `alt_text:<locale>` columns (localeColumnsOf). */
  localeColumns?: readonly LocaleColumn[];
}

/** The row's group key (as the file spells it) under `groupBy`, or null when the row joins no product. */
function groupKeyOf(values: RowValues, groupBy: GroupBy): string | null {
  return groupBy === 'handle' ? values.handle : groupBy === 'sku' ? values.sku : null;
}

/** An Image Position is a whole number from 1 to MAX_IMAGE_POSITION; it becomes a 0-based position (0 = main image). */
function positionFrom(cell: string): number | null {
  if (!/^[0-9]{1,6}$/.test(cell)) return null;
  const position = Number(cell);
  return position >= 1 && position <= MAX_IMAGE_POSITION ? position - 1 : null;
}

/** Products Loupe already has (made by an import, not a store's) under each lower-cased key: the oldest wins. */
async function existingProducts(db: Db, groupBy: GroupBy, keys: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (groupBy === 'none' || keys.length === 0) return found;
  const column = groupBy === 'handle' ? products.handle : products.sku;
  for (let start = 0; start < keys.length; start += LOOKUP_CHUNK) {
    const chunk = keys.slice(start, start + LOOKUP_CHUNK);
    const rows = await db
      .select({ id: products.id, key: sql<string>`lower(${column})` })
      .from(products)
      .where(sql`${products.connectionId} is null and lower(${column}) in (${sql.join(chunk.map((key) => sql`${key}`), sql`, `)})`)
      .orderBy(products.createdAt, products.id);
    for (const row of rows) if (!found.has(row.key)) found.set(row.key, row.id);
  }
  return found;
}

export async function planImport(db: Db, table: CsvTable, { format, mapping, columns, tagMode, groupBy, localeColumns = [] }: PlanOptions): Promise<ImportPlan> {
  const skipped: SkippedRow[] = [];
  const skip = (values: { row: number }, key: string | null, problem: Omit<SkippedRow, 'row' | 'key'>) => skipped.push({ row: values.row, key, ...problem });

  const valid: Array<RowValues & { key: string }> = [];
  const positionColumn = groupBy === 'none' ? -1 : table.header.findIndex((name) => simplify(name) === POSITION_COLUMN);
  const parsed = table.rows.map((row) => ({ values: readRow(row, columns, positionColumn, localeColumns), row }));
  if (format === 'shopify') carryShopifyProduct(parsed.map((entry) => entry.values));
  for (const { values, row } of parsed) {
    const key = values.filename ?? values.sku;
    if (row.cells.length !== table.header.length) {
      skip(values, key, { reason: 'bad_row', message: `The row has ${row.cells.length} cells; the header has ${table.header.length}. A comma or quote is probably out of place.` });
      continue;
    }
    if (!key) {
      // A Shopify variant or option row without an image names no photo: nothing to apply, not an error to fix.
      skip(values, null, { reason: 'no_key', message: 'The row has no filename and no SKU, so it matches no photo.' });
      continue;
    }
    const mappedCells = [...Object.values(columns), ...localeColumns.map((column) => column.index), ...(positionColumn < 0 ? [] : [positionColumn])].map((index) => row.cells[index] ?? '');
    const invalid = invalidValue(values, mappedCells);
    if (invalid) {
      skip(values, key, invalid);
      continue;
    }
    if (groupKeyOf(values, groupBy) !== null && values.imagePosition !== null && positionFrom(values.imagePosition) === null) {
      skip(values, key, { reason: 'bad_value', message: `The Image Position is "${values.imagePosition.slice(0, 20)}"; it must be a whole number from 1 (the main image) to ${MAX_IMAGE_POSITION}.` });
      continue;
    }
    valid.push({ ...values, key });
  }

  // The same key on two rows: which one is meant is the file's to say, so neither applies.
  const rowsByKey = new Map<string, number[]>();
  for (const values of valid) rowsByKey.set(values.key.toLowerCase(), [...(rowsByKey.get(values.key.toLowerCase()) ?? []), values.row]);
  const unique = valid.filter((values) => {
    const rows = rowsByKey.get(values.key.toLowerCase()) ?? [];
    if (rows.length === 1) return true;
    skip(values, values.key, { reason: 'duplicate_key', message: `"${values.key}" is on rows ${rows.join(', ')} of the file; keep one of them and import again.` });
    return false;
  });

  // Each photo's place in its product: the file's Image Position, else its order among the group's rows.
  const placements = new Map<number, { key: string; position: number }>();
  const rowsInGroup = new Map<string, number>();
  for (const values of unique) {
    const key = groupKeyOf(values, groupBy);
    if (key === null) continue;
    const group = key.toLowerCase();
    const order = rowsInGroup.get(group) ?? 0;
    rowsInGroup.set(group, order + 1);
    placements.set(values.row, { key: group, position: values.imagePosition !== null ? positionFrom(values.imagePosition)! : order });
  }
  const productIds = await existingProducts(db, groupBy, [...rowsInGroup.keys()]);

  const byFilename = await lookUp(db, 'filename', [...new Set(unique.flatMap((values) => (values.filename ? [values.filename.toLowerCase()] : [])))]);
  const bySku = await lookUp(db, 'sku', [...new Set(unique.flatMap((values) => (values.sku ? [values.sku.toLowerCase()] : [])))]);

  const matched: Array<{ values: RowValues & { key: string }; asset: Candidate }> = [];
  for (const values of unique) {
    const fileMatches = values.filename ? (byFilename.get(values.filename.toLowerCase()) ?? []) : [];
    const skuMatches = values.sku ? (bySku.get(values.sku.toLowerCase()) ?? []) : [];
    const [matches, by] = fileMatches.length > 0 ? [fileMatches, 'filename'] : [skuMatches, 'SKU'];
    if (matches.length === 0) {
      const named = [values.filename && `filename "${values.filename}"`, values.sku && `SKU "${values.sku}"`].filter(Boolean).join(' or ');
      skip(values, values.key, { reason: 'no_match', message: `No photo in the library has the ${named}.` });
    } else if (matches.length > 1) {
      skip(values, values.key, { reason: 'ambiguous', message: `${matches.length} photos have this ${by}; add a SKU column (or rename the photos) so each row names one photo.` });
    } else {
      matched.push({ values, asset: matches[0] });
    }
  }

  await attachLocaleTexts(db, matched.map(({ asset }) => asset), localeColumns.map((column) => column.locale));
  const rowsByAsset = new Map<string, number[]>();
  for (const { values, asset } of matched) rowsByAsset.set(asset.id, [...(rowsByAsset.get(asset.id) ?? []), values.row]);
  const changes: RowChange[] = [];
  const groups = new Map<string, ProductGroup>();
  let unchangedCount = 0;
  for (const { values, asset } of matched) {
    const rows = rowsByAsset.get(asset.id) ?? [];
    if (rows.length > 1) {
      skip(values, values.key, { reason: 'same_asset', message: `Rows ${rows.join(', ')} all match the photo "${asset.filename}" (one by filename, one by SKU); keep one of them.` });
      continue;
    }
    const changeSet = changesFor(values, asset, tagMode);
    const placement = placements.get(values.row);
    let product: ProductPlacement | undefined;
    if (placement) {
      const group = groups.get(placement.key) ?? { key: groupKeyOf(values, groupBy)!, title: '', collection: null, productId: productIds.get(placement.key) ?? null, photos: 0 };
      group.photos++;
      group.title ||= values.title ?? '';
      group.collection ??= values.collection;
      groups.set(placement.key, group);
      const alreadyThere = group.productId !== null && asset.productId === group.productId && asset.productPosition === placement.position;
      if (!alreadyThere) product = { key: placement.key, position: placement.position, fromProductId: asset.productId, fromPosition: asset.productPosition };
    }
    if (Object.keys(changeSet).length === 0 && !product) unchangedCount++;
    else changes.push({ row: values.row, assetId: asset.id, filename: asset.filename, changes: changeSet, ...(product ? { product } : {}) });
  }
  // A product is named by its title, else by its handle or SKU.
  const productGroups = [...groups.values()].map((group) => ({ ...group, title: group.title || group.key }));
  skipped.sort((a, b) => a.row - b.row);
  changes.sort((a, b) => a.row - b.row);

  const skippedByReason: ImportPlan['skippedByReason'] = {};
  for (const row of skipped) skippedByReason[row.reason] = (skippedByReason[row.reason] ?? 0) + 1;

  return {
    format,
    header: table.header,
    mapping,
    tagMode,
    groupBy,
    products: productGroups,
    groupedPhotos: productGroups.reduce((sum, group) => sum + group.photos, 0),
    productCount: productGroups.length,
    totalRows: table.rows.length,
    changeCount: changes.length,
    unchangedCount,
    skippedCount: skipped.length,
    skippedByReason,
    changes,
    skipped,
    digest: createHash('sha256').update(JSON.stringify({ tagMode, groupBy, changes, products: productGroups })).digest('hex'),
  };
}
