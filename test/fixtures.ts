import fs from 'node:fs';
import path from 'node:path';

/** ../shared/fixtures, beside the repository. Tests skip without it, but under CI=true its absence fails. */
export const SHARED_DIR = path.resolve(process.cwd(), '..', 'shared');
export const FIXTURES_DIR = path.join(SHARED_DIR, 'fixtures');

export function fixturesAvailable(): boolean {
  const present = fs.existsSync(path.join(FIXTURES_DIR, 'images', 'manifest.csv'));
  if (!present && process.env.CI === 'true') {
    throw new Error(`Shared fixtures are missing at ${FIXTURES_DIR}; CI must run with ../shared beside the repository.`);
  }
  return present;
}

export function fixturePath(...parts: string[]): string {
  return path.join(FIXTURES_DIR, ...parts);
}

export interface ImageFixture {
  path: string;
  group: string;
  format: string;
  width: number | null;
  height: number | null;
  expected: 'ok' | 'ok-decorative' | 'reject' | 'ok-or-unsupported';
  reason: string;
}

/** manifest.csv of the image fixtures (quoted CSV, UTF-8). */
export function imageManifest(): ImageFixture[] {
  const text = fs.readFileSync(fixturePath('images', 'manifest.csv'), 'utf8');
  const [, ...lines] = parseCsv(text);
  return lines.map(([file, group, format, width, height, expected, reason]) => ({
    path: fixturePath('images', file),
    group,
    format,
    width: width ? Number(width) : null,
    height: height ? Number(height) : null,
    expected: expected as ImageFixture['expected'],
    reason,
  }));
}

/** A small RFC 4180 reader: quoted fields, doubled quotes, commas and newlines inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((value) => value !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
