import fs from 'node:fs';
import { parseCsv } from '@/test/fixtures';

export interface ReferenceRow {
  reference: string;
  /** Optional catalogue context for the generator, as the pipeline would pass it. */
  title?: string;
  tags: string[];
}

/** Columns tried, in order, for the reference text: `reference`, `alt_text`, `alt`, then the products fixture's `productDisplayName`. */
const REFERENCE_COLUMNS = ['reference', 'alt_text', 'alt', 'productdisplayname'];

/**
 * A references CSV: one row per image, keyed by `filename`, with a reference description; optional `title`
 * and `tags` (separated by `;` or `|`) are passed to the generator as context.
 */
export function readReferences(csvPath: string): Map<string, ReferenceRow> {
  const [header, ...rows] = parseCsv(fs.readFileSync(csvPath, 'utf8'));
  const columns = header.map((name) => name.trim().toLowerCase());
  const filenameAt = columns.indexOf('filename');
  const referenceAt = REFERENCE_COLUMNS.map((name) => columns.indexOf(name)).find((index) => index >= 0);
  if (filenameAt < 0 || referenceAt === undefined) {
    throw new Error(`${csvPath}: needs a "filename" column and a "reference" (or alt_text, alt, productDisplayName) column`);
  }
  const titleAt = columns.indexOf('title');
  const tagsAt = columns.indexOf('tags');
  const references = new Map<string, ReferenceRow>();
  for (const row of rows) {
    const filename = row[filenameAt]?.trim();
    const reference = row[referenceAt]?.trim();
    if (!filename || !reference) continue;
    references.set(filename, {
      reference,
      title: titleAt >= 0 ? row[titleAt]?.trim() || undefined : undefined,
      tags: tagsAt >= 0 ? (row[tagsAt] ?? '').split(/[;|]/).map((tag) => tag.trim()).filter(Boolean) : [],
    });
  }
  return references;
}
