import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';

/**
 * Reads an uploaded CSV file into a header and rows, refusing what a spreadsheet export gets wrong with an
 * answer a person can act on: UTF-16 or Windows-1252 files, broken quoting, absurd cells, too many rows. The
 * bytes are decoded and parsed as they arrive (csv-parse), so a hostile file is refused without being held whole.
 */

export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 100_000;
/** One row of titles, tags and alt text fits in far less; a longer record is a broken or hostile file. */
export const MAX_RECORD_CHARS = 64 * 1024;

export type CsvProblem = { kind: 'wrong_encoding' | 'invalid_csv' | 'too_many_rows' | 'payload_too_large'; message: string };

export interface CsvRow {
  /** As a spreadsheet numbers it: the header is row 1. */
  row: number;
  cells: string[];
}

export interface CsvTable {
  header: string[];
  rows: CsvRow[];
}

export type CsvRead = { ok: true; table: CsvTable } | { ok: false; problem: CsvProblem };

/** A problem found while decoding or parsing, thrown to stop the stream and caught where the read is answered. */
export class ProblemThrown extends Error {
  constructor(readonly problem: CsvProblem) {
    super(problem.message);
  }
}

const refuse = (kind: CsvProblem['kind'], message: string): never => {
  throw new ProblemThrown({ kind, message });
};

export async function* decodeUtf8(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let total = 0;
  let first = true;
  for await (const chunk of bytes) {
    if (first && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
      refuse('wrong_encoding', 'This file is saved as UTF-16 ("Unicode text"). Save it as "CSV UTF-8 (comma delimited)" and import that.');
    }
    if (first && looksLikeUtf16(chunk)) {
      refuse('wrong_encoding', 'This file is saved as UTF-16 ("Unicode text") without a byte order mark: every other byte is empty. Save it as "CSV UTF-8 (comma delimited)" and import that.');
    }
    first = false;
    total += chunk.length;
    if (total > MAX_IMPORT_BYTES) refuse('payload_too_large', `The file is over ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files.`);
    try {
      yield decoder.decode(chunk, { stream: true });
    } catch {
      refuse(
        'wrong_encoding',
        `The file is not UTF-8 text (the bytes near byte ${total - chunk.length + 1} are not valid UTF-8; Excel's plain "CSV" is Windows-1252). Save it as "CSV UTF-8 (comma delimited)" and import that.`,
      );
    }
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    refuse('wrong_encoding', 'The file ends in the middle of a character: it is not UTF-8 text. Save it as "CSV UTF-8 (comma delimited)" and import that.');
  }
}

/**
 * UTF-16 without a byte order mark decodes as "valid" UTF-8 with a NUL beside every Latin character; a CSV
 * saved as UTF-8 has none (a stray one in a cell is answered on its row).
 */
function looksLikeUtf16(start: Uint8Array): boolean {
  const sample = start.subarray(0, 512);
  const nuls = sample.reduce((count, byte) => count + (byte === 0 ? 1 : 0), 0);
  return sample.length > 0 && nuls * 4 >= sample.length;
}

function describeCsvError(error: CsvError): CsvProblem {
  const line = typeof error.lines === 'number' ? ` near line ${error.lines}` : '';
  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    return { kind: 'invalid_csv', message: `A row${line} is over ${MAX_RECORD_CHARS / 1024} KB: a cell is far longer than any title, tag list or alt text (or a quote is never closed). Fix that row and import again.` };
  }
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return { kind: 'invalid_csv', message: `A quoted cell${line} is never closed: the file ends inside quotes. Fix the quoting and import again.` };
  }
  return { kind: 'invalid_csv', message: `The file is not valid CSV${line}: ${error.message}` };
}

export async function readCsv(bytes: AsyncIterable<Uint8Array>): Promise<CsvRead> {
  let header: string[] | null = null;
  const rows: CsvRow[] = [];
  try {
    await pipeline(
      Readable.from(decodeUtf8(bytes)),
      parse({ bom: true, max_record_size: MAX_RECORD_CHARS, relax_column_count: true, skip_empty_lines: true }),
      async (records: AsyncIterable<string[]>) => {
        for await (const cells of records) {
          if (!header) {
            header = cells.map((name) => name.trim());
            continue;
          }
          if (rows.length === MAX_IMPORT_ROWS) {
            refuse('too_many_rows', `The file has more than ${MAX_IMPORT_ROWS.toLocaleString('en-US')} rows. Split it into files of at most that many and import them one by one.`);
          }
          rows.push({ row: rows.length + 2, cells });
        }
      },
    );
  } catch (error) {
    if (error instanceof ProblemThrown) return { ok: false, problem: error.problem };
    if (error instanceof CsvError) return { ok: false, problem: describeCsvError(error) };
    throw error;
  }
  const names: string[] = header ?? [];
  if (names.length === 0) return { ok: false, problem: { kind: 'invalid_csv', message: 'The file is empty: it needs a header row naming its columns, then one row per photo.' } };
  const seen = new Set<string>();
  for (const name of names) {
    const key = name.toLowerCase();
    if (key && seen.has(key)) return { ok: false, problem: { kind: 'invalid_csv', message: `The column "${name}" appears twice in the header. Rename or remove one and import again.` } };
    seen.add(key);
  }
  return { ok: true, table: { header: names, rows } };
}
