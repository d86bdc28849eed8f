import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every selection of assets goes through the one filter language (lib/filters): what "visible" (uploaded, not in
 * the trash), "not in the trash" and an alt-text status mean is written there once. A module that spells one of
 * them out itself has built its own asset filter, and drifts the day the meaning changes (per-locale status).
 */

const ROOT = path.resolve('.');

/** The spellings of those meanings, in hand-written SQL and in drizzle's builder. */
const OWN_FILTER: Array<[RegExp, string]> = [
  [/deleted_?at\}?\s+is\s+null/i, 'not in the trash: notTrashedSql()'],
  [/isNull\(\s*assets\.deletedAt\s*\)/, 'not in the trash: notTrashedSql()'],
  [/not\s+in\s*\(\s*'awaiting_upload'/, 'uploaded: uploadedSql() or visibleSql()'],
  [/notInArray\(\s*assets\.state\b/, 'uploaded: uploadedSql() or visibleSql()'],
  [/alt_status\s+(?:not\s+)?in\s*\(/i, 'an alt-text status: altStatusSql() or filterSql({ status })'],
  [/inArray\(\s*assets\.altStatus\b/, 'an alt-text status: altStatusSql() or filterSql({ status })'],
];

function codeFiles(): string[] {
  return ['app', 'components', 'lib', 'tools'].flatMap((top) =>
    (readdirSync(path.join(ROOT, top), { recursive: true, encoding: 'utf8' }) as string[])
      .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file) && !file.endsWith('.d.ts'))
      .map((file) => path.join(top, file).split(path.sep).join('/'))
      .filter((file) => !file.startsWith('lib/filters/')),
  );
}

/** The rules a file's code (comments aside) breaks. */
function ownFilters(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  return OWN_FILTER.filter(([pattern]) => pattern.test(code)).map(([, use]) => use);
}

describe('one filter language', () => {
  it('recognises an asset filter built by hand, and not a call to the compiler or a comment', () => {
    expect(ownFilters("sql`select id from assets a where a.state not in ('awaiting_upload', 'failed_upload') and a.deleted_at is null`")).toHaveLength(2);
    expect(ownFilters('db.select().from(assets).where(and(eq(assets.id, id), isNull(assets.deletedAt)))')).toHaveLength(1);
    expect(ownFilters("sql`${assets.deletedAt} is null`")).toHaveLength(1);
    expect(ownFilters("where(inArray(assets.altStatus, ['approved', 'decorative']))")).toHaveLength(1);
    expect(ownFilters("sql`a.alt_status in ('none', 'proposed')`")).toHaveLength(1);
    expect(ownFilters("sql`select id from assets a where ${filterSql({ status: 'undecided' })}`")).toEqual([]);
    expect(ownFilters('// the review queue: alt_status in (none, proposed), deleted_at is null')).toEqual([]);
  });

  it('no module outside lib/filters builds its own', () => {
    const offenders = codeFiles().flatMap((file) => ownFilters(readFileSync(path.join(ROOT, file), 'utf8')).map((use) => `${file}: use ${use} from '@/lib/filters'`));
    expect(offenders).toEqual([]);
  });
});
