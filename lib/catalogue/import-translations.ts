import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { altTexts, assetRemotes, assets, connections } from '@/db/schema';
import { MAX_HUMAN_ALT_LENGTH } from '@/lib/alt';
import { notTrashedSql } from '@/lib/filters';
import { isSourceLocale, resolveLocale } from '@/lib/locales';
import type { CsvTable } from './csv-read';
import { SHOPIFY_MEDIA_GID } from './export';
import { FORMULA_START, type ImportPlan, type RowChange, type SkippedRow, type TagMode } from './import-plan';
import { checkTranslationRow, SHOPIFY_ALT_FIELD, SHOPIFY_IMAGE_TYPE, SHOPIFY_TRANSLATION_HEADER, type NumberedTranslationRow } from './shopify-translations';

/**
 * Shopify's translations CSV in: each photo alt row's Translated content becomes that locale's text, through
 * lib/alt's import transition when the plan is applied (applyImport, as an `alt_text:<locale>` column is). Rows are
 * matched to photos as the export names them: a numeric Identification is a connected Shopify store's media ID,
 * anything else the shop image address an import recorded (Image Src). Other resources' rows (product titles,
 * collections) and locales that are not configured are skipped with the reason; a hostile cell refuses the file.
 */

export function isShopifyTranslationHeader(header: readonly string[]): boolean {
  return header.length === SHOPIFY_TRANSLATION_HEADER.length && header.every((name, index) => name.trim() === SHOPIFY_TRANSLATION_HEADER[index]);
}

interface Photo {
  id: string;
  filename: string;
}

const LOOKUP_CHUNK = 1000;

/** The library's photos for each Identification (more than one: ambiguous). */
async function photosFor(db: Db, identifications: readonly string[]): Promise<Map<string, Photo[]>> {
  const found = new Map<string, Photo[]>();
  const add = (key: string, photo: Photo) => {
    const list = found.get(key) ?? [];
    if (!list.some((known) => known.id === photo.id)) found.set(key, [...list, photo]);
  };
  const mediaIds = identifications.filter((id) => /^\d{1,20}$/.test(id));
  const addresses = identifications.filter((id) => !/^\d{1,20}$/.test(id));
  const usable = sql`${assets.state} <> 'awaiting_upload' and ${notTrashedSql('assets')}`;
  for (let start = 0; start < mediaIds.length; start += LOOKUP_CHUNK) {
    const gids = mediaIds.slice(start, start + LOOKUP_CHUNK).map((id) => `${SHOPIFY_MEDIA_GID}${id}`);
    const rows = await db
      .select({ remoteId: assetRemotes.remoteId, id: assets.id, filename: assets.filename })
      .from(assetRemotes)
      .innerJoin(connections, eq(connections.id, assetRemotes.connectionId))
      .innerJoin(assets, eq(assets.id, assetRemotes.assetId))
      .where(and(eq(connections.kind, 'shopify'), inArray(assetRemotes.remoteId, gids), usable));
    for (const row of rows) add(row.remoteId.slice(SHOPIFY_MEDIA_GID.length), { id: row.id, filename: row.filename });
  }
  for (let start = 0; start < addresses.length; start += LOOKUP_CHUNK) {
    const rows = await db
      .select({ imageSrc: assets.imageSrc, id: assets.id, filename: assets.filename })
      .from(assets)
      .where(and(inArray(assets.imageSrc, addresses.slice(start, start + LOOKUP_CHUNK)), usable));
    for (const row of rows) add(row.imageSrc!, { id: row.id, filename: row.filename });
  }
  return found;
}

export type TranslationsPlanResult = { ok: true; plan: ImportPlan } | { ok: false; message: string };

/** The preview of a translations file: nothing is written; the digest names the plan as applyImport checks it. */
export async function planTranslationsImport(db: Db, table: CsvTable, tagMode: TagMode): Promise<TranslationsPlanResult> {
  const skipped: SkippedRow[] = [];
  const skip = (row: NumberedTranslationRow, reason: SkippedRow['reason'], message: string) => skipped.push({ row: row.row, key: row.identification, reason, message });
  const wanted: Array<NumberedTranslationRow & { locale: string }> = [];
  for (const { row, cells } of table.rows) {
    const read = checkTranslationRow(cells, row);
    if (!read.ok) return { ok: false, message: read.message };
    const values = read.row;
    if (values.type !== SHOPIFY_IMAGE_TYPE || values.field !== SHOPIFY_ALT_FIELD) {
      skip(values, 'not_alt_text', `A ${values.type} row's ${values.field}: Loupe imports photos' alt text (${SHOPIFY_IMAGE_TYPE}, ${SHOPIFY_ALT_FIELD}) only.`);
      continue;
    }
    const resolved = resolveLocale(values.locale);
    if (!resolved.ok) {
      skip(values, 'unknown_locale', `The row is in ${resolved.message}.`);
      continue;
    }
    if (isSourceLocale(resolved.locale)) {
      skip(values, 'unknown_locale', `${resolved.locale} is the shop's source language: its alt text is the product CSV's, not a translation.`);
      continue;
    }
    // One line, single spaces, as every import cleans alt text.
    if (values.translatedContent.trim() === '') {
      skip(values, 'untranslated', 'The row has no Translated content: nothing to import.');
      continue;
    }
    if (FORMULA_START.test(values.translatedContent.trimStart())) {
      skip(values, 'formula', `The Translated content starts with "${values.translatedContent.trimStart()[0]}", which a spreadsheet runs as a formula. Remove the formula and import again.`);
      continue;
    }
    if (values.translatedContent.length > MAX_HUMAN_ALT_LENGTH) {
      skip(values, 'bad_value', `The Translated content is ${values.translatedContent.length} characters long; alt text is at most ${MAX_HUMAN_ALT_LENGTH}.`);
      continue;
    }
    wanted.push({ ...values, locale: resolved.locale, translatedContent: values.translatedContent.replace(/\s+/g, ' ').trim() });
  }

  const photos = await photosFor(db, [...new Set(wanted.map((row) => row.identification))]);
  const matched: Array<{ row: NumberedTranslationRow & { locale: string }; photo: Photo }> = [];
  for (const row of wanted) {
    const found = photos.get(row.identification) ?? [];
    if (found.length === 0) skip(row, 'no_match', `No photo in the library has the Shopify image "${row.identification.slice(0, 200)}" (a connected store's media ID, or an imported Image Src).`);
    else if (found.length > 1) skip(row, 'ambiguous', `${found.length} photos have the Shopify image "${row.identification.slice(0, 200)}"; each row has to name one photo.`);
    else matched.push({ row, photo: found[0] });
  }

  // The same photo in the same locale on two rows: which text is meant is the file's to say, so neither applies.
  const rowsByTarget = new Map<string, number[]>();
  for (const { row, photo } of matched) rowsByTarget.set(`${photo.id}:${row.locale}`, [...(rowsByTarget.get(`${photo.id}:${row.locale}`) ?? []), row.row]);
  const unique = matched.filter(({ row, photo }) => {
    const rows = rowsByTarget.get(`${photo.id}:${row.locale}`)!;
    if (rows.length === 1) return true;
    skip(row, 'duplicate_key', `"${photo.filename}" in ${row.locale} is on rows ${rows.join(', ')} of the file; keep one of them and import again.`);
    return false;
  });

  const current = new Map<string, string | null>();
  const ids = [...new Set(unique.map(({ photo }) => photo.id))];
  const locales = [...new Set(unique.map(({ row }) => row.locale))];
  for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
    const found = await db
      .select({ assetId: altTexts.assetId, locale: altTexts.locale, text: altTexts.text })
      .from(altTexts)
      .where(and(inArray(altTexts.assetId, ids.slice(start, start + LOOKUP_CHUNK)), inArray(altTexts.locale, locales)));
    for (const record of found) current.set(`${record.assetId}:${record.locale}`, record.text);
  }
  const changes: RowChange[] = [];
  let unchangedCount = 0;
  for (const { row, photo } of unique) {
    const from = current.get(`${photo.id}:${row.locale}`) ?? null;
    if (from === row.translatedContent) unchangedCount++;
    else changes.push({ row: row.row, assetId: photo.id, filename: photo.filename, changes: { [`altText:${row.locale}`]: { from, to: row.translatedContent } } });
  }
  skipped.sort((a, b) => a.row - b.row);
  changes.sort((a, b) => a.row - b.row);
  const skippedByReason: ImportPlan['skippedByReason'] = {};
  for (const row of skipped) skippedByReason[row.reason] = (skippedByReason[row.reason] ?? 0) + 1;
  return {
    ok: true,
    plan: {
      format: 'shopify-translations',
      header: table.header,
      mapping: {},
      tagMode,
      groupBy: 'none',
      products: [],
      groupedPhotos: 0,
      productCount: 0,
      totalRows: table.rows.length,
      changeCount: changes.length,
      unchangedCount,
      skippedCount: skipped.length,
      skippedByReason,
      changes,
      skipped,
      digest: createHash('sha256').update(JSON.stringify({ format: 'shopify-translations', changes })).digest('hex'),
    },
  };
}
