import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Alt text is written by one module: writeAlt (lib/alt/write.ts) updates the row, writes its history and
 * records its events for every writer (a person's edit, a token's proposal, the model, an import); the review's
 * decisions, thousands per statement, are the one set-based writer. A new call site that updates alt columns on
 * its own (and so forgets the history or the events) fails here.
 */
const root = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('one writer of alt text', () => {
  it('only lib/alt/write.ts (and the review\'s set-based decisions) update an asset\'s alt text', () => {
    const writers = [...sources('lib'), ...sources('app')].filter((path) => {
      const code = readFileSync(join(root, path), 'utf8');
      // Updates assets, and gives an alt column a value (not a column read back, as a select does), or sets alt_text in SQL.
      return /\.update\(assets\)|update assets /.test(code) && /\balt[A-Z]\w*: (?!assets\.)|\balt_text = /.test(code);
    });
    expect(writers.sort()).toEqual(['lib/alt/write.ts', 'lib/review/decide.ts']);
  });

  it('only lib/alt/records.ts writes alt_texts (and lib/locales adopts missing source records at migrate)', () => {
    const writers = [...sources('lib'), ...sources('app')].filter((path) => /\b(update|insert into) alt_texts\b|\.(update|insert)\(altTexts\)/.test(readFileSync(join(root, path), 'utf8')));
    expect(writers.sort()).toEqual(['lib/alt/records.ts', 'lib/locales/source-record.ts']);
  });
});
