import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import type { Failure } from '@/lib/result';
import { decodeUtf8, ProblemThrown } from './csv-read';
import { neutraliseCell } from './export';

/**
 * Shopify's translations CSV (Admin → Settings → Languages → Export, the file "Translate & Adapt" reads and
 * writes): one row per translatable field per locale. For a product photo the row is Type `MEDIA_IMAGE`, its
 * media ID as Identification, Field `alt`. A pure codec: rows in, rows out; which rows concern Loupe's photos
 * is the caller's business. Reading streams (csv-parse) and stops at the first hostile row, naming it.
 */

export const SHOPIFY_TRANSLATION_HEADER = ['Type', 'Identification', 'Field', 'Locale', 'Market', 'Status', 'Default content', 'Translated content'] as const;

/** The photo alt text rows: Shopify's image resource and its translatable key. */
export const SHOPIFY_IMAGE_TYPE = 'MEDIA_IMAGE';
export const SHOPIFY_ALT_FIELD = 'alt';

/** Far beyond any alt text or title (Shopify's own descriptions stay well under this); longer is a broken or hostile file. */
export const MAX_TRANSLATION_CELL_CHARS = 16 * 1024;
/** Short identifiers: a type, an ID, a field key, a locale, a market handle, a status. */
export const MAX_TRANSLATION_KEY_CHARS = 255;
export const MAX_TRANSLATION_ROWS = 200_000;

export interface ShopifyTranslationRow {
  type: string;
  /** The resource's ID (a spreadsheet's protective leading apostrophe removed). */
  identification: string;
  field: string;
  locale: string;
  /** Empty for a translation every market shares. */
  market: string;
  status: string;
  defaultContent: string;
  translatedContent: string;
}

/** A row as read, with its number as a spreadsheet shows it (the header is row 1). */
export interface NumberedTranslationRow extends ShopifyTranslationRow {
  row: number;
}

export const TRANSLATION_PROBLEMS = ['invalid_csv', 'wrong_header', 'too_many_rows', 'bad_cell', 'wrong_encoding', 'payload_too_large'] as const;
export type TranslationProblem = Failure<{ kind: (typeof TRANSLATION_PROBLEMS)[number]; message: string; row?: number }>;

export type TranslationRowRead = { ok: true; row: NumberedTranslationRow } | TranslationProblem;

/** A locale as Shopify writes it: `fr`, `pt-BR`, `zh-CN`. */
const LOCALE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
/** C0 controls other than tab, line feed and carriage return, and DEL: never in a real export. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function cellProblem(row: number, column: string, message: string): TranslationProblem {
  return { ok: false, kind: 'bad_cell', row, message: `Row ${row}, column "${column}": ${message}` };
}

/** One row's cells, checked as the reader checks each (the import, which has parsed the file already, checks them here). */
export function checkTranslationRow(cells: string[], row: number): TranslationRowRead {
  if (cells.length !== SHOPIFY_TRANSLATION_HEADER.length) {
    return { ok: false, kind: 'bad_cell', row, message: `Row ${row} has ${cells.length} cells; Shopify's translations file has ${SHOPIFY_TRANSLATION_HEADER.length} on every row.` };
  }
  for (const [index, cell] of cells.entries()) {
    const column = SHOPIFY_TRANSLATION_HEADER[index]!;
    if (CONTROL.test(cell)) return cellProblem(row, column, 'contains a control character (a NUL byte or similar), which no text has.');
    const limit = index >= 6 ? MAX_TRANSLATION_CELL_CHARS : MAX_TRANSLATION_KEY_CHARS;
    if (cell.length > limit) return cellProblem(row, column, `is ${cell.length.toLocaleString('en-US')} characters long; at most ${limit.toLocaleString('en-US')} fit.`);
    if (index < 6 && /[\r\n]/.test(cell)) return cellProblem(row, column, 'spans several lines; it is a single value.');
  }
  const [type, rawId, field, locale, market, status, defaultContent, translatedContent] = cells.map((cell, index) => (index < 6 ? cell.trim() : cell)) as [
    string, string, string, string, string, string, string, string,
  ];
  if (!type) return cellProblem(row, 'Type', 'is empty; it names the resource (MEDIA_IMAGE for a photo).');
  const identification = rawId.replace(/^'/, '');
  if (!identification) return cellProblem(row, 'Identification', "is empty; it is the resource's ID.");
  if (!field) return cellProblem(row, 'Field', 'is empty; it names the translated field (alt for a photo).');
  if (!LOCALE.test(locale)) return cellProblem(row, 'Locale', `"${locale}" is not a locale code such as fr or pt-BR.`);
  return { ok: true, row: { row, type, identification, field, locale, market, status, defaultContent, translatedContent } };
}

function describeCsvError(error: CsvError): TranslationProblem {
  const line = typeof error.lines === 'number' ? ` near line ${error.lines}` : '';
  if (error.code === 'CSV_MAX_RECORD_SIZE') return { ok: false, kind: 'invalid_csv', message: `A row${line} is too long: a cell is far longer than any translation (or a quote is never closed).` };
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') return { ok: false, kind: 'invalid_csv', message: `A quoted cell${line} is never closed: the file ends inside quotes.` };
  return { ok: false, kind: 'invalid_csv', message: `The file is not valid CSV${line}: ${error.message}` };
}

/**
 * The file's rows, one at a time as they are parsed, each checked. On the first problem (bad CSV, a header
 * that is not Shopify's, a hostile cell, too many rows) yields that problem and stops: the caller applies
 * nothing from a file that has one. Takes decoded text (lib/catalogue's UTF-8 decoder refuses other encodings).
 */
export async function* readShopifyTranslations(
  text: AsyncIterable<string> | Iterable<string>,
  options: { maxRows?: number } = {},
): AsyncGenerator<TranslationRowRead> {
  const maxRows = options.maxRows ?? MAX_TRANSLATION_ROWS;
  const parser = parse({ bom: true, max_record_size: MAX_TRANSLATION_CELL_CHARS * 2 + MAX_TRANSLATION_KEY_CHARS * 6, relax_column_count: true, skip_empty_lines: true });
  // pipeline (not pipe) so a source that fails (bytes that are not UTF-8) fails the parser, which the loop below answers.
  pipeline(Readable.from(text), parser, () => {});
  let line = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      line += 1;
      if (line === 1) {
        const header = cells.map((name) => name.trim());
        if (header.join('\u0000') !== SHOPIFY_TRANSLATION_HEADER.join('\u0000')) {
          yield { ok: false, kind: 'wrong_header', row: 1, message: `The header is "${header.join(',')}"; Shopify's translations file starts with "${SHOPIFY_TRANSLATION_HEADER.join(',')}".` };
          return;
        }
        continue;
      }
      if (line - 1 > maxRows) {
        yield { ok: false, kind: 'too_many_rows', row: line, message: `The file has more than ${maxRows.toLocaleString('en-US')} rows. Export one language at a time.` };
        return;
      }
      const read = checkTranslationRow(cells, line);
      yield read;
      if (!read.ok) return;
    }
  } catch (error) {
    if (error instanceof CsvError) {
      yield describeCsvError(error);
      return;
    }
    if (error instanceof ProblemThrown && (error.problem.kind === 'wrong_encoding' || error.problem.kind === 'payload_too_large')) {
      yield { ok: false, kind: error.problem.kind, message: error.problem.message };
      return;
    }
    throw error;
  } finally {
    parser.destroy();
  }
  if (line === 0) yield { ok: false, kind: 'wrong_header', row: 1, message: `The file is empty; Shopify's translations file starts with "${SHOPIFY_TRANSLATION_HEADER.join(',')}".` };
}

/**
 * The same from an uploaded file's bytes, decoded as every Loupe import is: UTF-16, Windows-1252 and files over
 * the import size are refused with the import's own messages.
 */
export function readShopifyTranslationsFile(bytes: AsyncIterable<Uint8Array>, options: { maxRows?: number } = {}): AsyncGenerator<TranslationRowRead> {
  return readShopifyTranslations(decodeUtf8(bytes), options);
}

/**
 * The file for the given rows, streamed: the header, then each row. Cells a spreadsheet would run as a formula
 * are neutralised as in every Loupe export.
 */
export function writeShopifyTranslations(rows: AsyncIterable<ShopifyTranslationRow> | Iterable<ShopifyTranslationRow>): Readable {
  const out = stringify({ header: true, columns: [...SHOPIFY_TRANSLATION_HEADER], record_delimiter: '\n' });
  void (async () => {
    try {
      for await (const row of rows) {
        const cells = [row.type, row.identification, row.field, row.locale, row.market, row.status, row.defaultContent, row.translatedContent].map(neutraliseCell);
        if (!out.write(cells)) await new Promise<void>((resolve) => out.once('drain', resolve));
      }
      out.end();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return out;
}
