import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '@/lib/config';
import { createScratchDatabase, testDatabaseUrl } from '@/test/pg-template';
import { openPglite, openPostgres, rows } from './client';
import type { DbHandle } from './handle';
import { migrate, migrationsFolder } from './migrate';
import type * as schema from './schema';

/**
 * Migration 0020 (alt_texts) and the adoption after it, on a library holding every kind of alt-text state
 * 0019 could: each asset gets a record in the configured source locale with its text, status, source, author,
 * model, prompt version, version, attempts and failure (as a code and a message), and nothing on the asset
 * changes. The source locale is a setting, so the records are made under its real tag.
 */
describe('migration 0020 copies every asset\'s alt text into its source-locale record', () => {
  let handle: DbHandle;
  let drop = async () => {};
  let before: string;

  beforeAll(async () => {
    process.env.LOCALES = 'en-GB,fr';
    resetConfig();
    before = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-before-0020-'));
    await fs.mkdir(path.join(before, 'meta'));
    const journal = JSON.parse(await fs.readFile(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
    journal.entries = journal.entries.filter((entry) => entry.idx < 20);
    await fs.writeFile(path.join(before, 'meta', '_journal.json'), JSON.stringify(journal));
    for (const entry of journal.entries) await fs.copyFile(path.join(migrationsFolder, `${entry.tag}.sql`), path.join(before, `${entry.tag}.sql`));
    if (process.env.LOUPE_TEST_DRIVER === 'postgres') {
      const scratch = await createScratchDatabase(testDatabaseUrl(), 'loupe_mig0020');
      handle = await openPostgres(scratch.url, { max: 2 });
      drop = scratch.drop;
      await migratePostgres(handle.db, { migrationsFolder: before });
    } else {
      handle = await openPglite();
      await migratePglite(handle.db as unknown as PgliteDatabase<typeof schema>, { migrationsFolder: before });
    }
  }, 120_000);
  afterAll(async () => {
    delete process.env.LOCALES;
    resetConfig();
    await handle?.close();
    await drop();
    await fs.rm(before, { recursive: true, force: true });
  });

  const insert = async (name: string, columns: string, values: string) => {
    await handle.db.execute(
      sql.raw(`insert into assets (filename, declared_type, declared_size, original_key, derivative_prefix, state, version, ${columns})
               values ('${name}.jpg', 'image/jpeg', 1, 'o/${name}', 'd/${name}', 'embedded', 7, ${values})`),
    );
  };

  it('keeps each state, its provenance and its failure, under the source locale\'s tag', async () => {
    await insert('none', 'alt_attempts', '0');
    await insert('proposed', 'alt_text, alt_source, alt_status, alt_author, alt_model, alt_prompt_version, alt_attempts', `'A red coat.', 'ai', 'proposed', 'groq', 'qwen', 'alt-v2', 1`);
    await insert('approved-human', 'alt_text, alt_source, alt_status, alt_author', `'Written by a person.', 'human', 'approved', 'Ada'`);
    await insert('approved-ai', 'alt_text, alt_source, alt_status, alt_author, alt_model', `'A blue hat.', 'ai', 'approved', 'groq', 'qwen'`);
    await insert('shop', 'alt_text, alt_source, alt_status, alt_author', `'From the shop.', 'shop', 'approved', 'My Store'`);
    await insert('rejected', 'alt_text, alt_source, alt_status', `'An old rejected text.', 'ai', 'rejected'`);
    await insert('decorative', 'alt_text, alt_status, decorative, alt_author', `'', 'decorative', true, 'loupe'`);
    await insert('failed', 'alt_last_error, alt_next_attempt_at, alt_attempts', `'timeout: the provider did not answer in 15 s', '2030-01-01T00:00:00Z', 3`);
    await insert('gate', 'alt_last_error, alt_attempts', `'gate_rejected: quality gate: refusal', 2`);
    await insert('no-provider', 'alt_last_error', `'no vision provider configured'`);
    await insert('proposed-with-error', 'alt_text, alt_source, alt_status, alt_last_error', `'Kept text.', 'ai', 'proposed', 'timeout: slow'`);
    await insert('trashed', 'alt_text, alt_source, alt_status, deleted_at', `'In the trash.', 'human', 'approved', now()`);
    const assetsBefore = await rows<Record<string, unknown>>(handle.db, sql`select * from assets order by filename`);

    await migrate(handle);

    const found = await rows<Record<string, unknown>>(
      handle.db,
      sql`select a.filename, t.locale, t.text, t.status, t.source, t.author, t.model, t.prompt_version, t.version, t.failure_code, t.failure_message, t.attempts,
            t.next_attempt_at is not null as retry_at, t.search_config
          from alt_texts t join assets a on a.id = t.asset_id order by a.filename`,
    );
    const byName = Object.fromEntries(found.map((row) => [String(row.filename).replace('.jpg', ''), row]));
    expect(found).toHaveLength(12);
    expect(new Set(found.map((row) => row.locale))).toEqual(new Set(['en-GB']));
    expect(new Set(found.map((row) => row.search_config))).toEqual(new Set(['english']));
    expect(byName.none).toMatchObject({ text: null, status: 'missing', source: null, failure_code: null, attempts: 0, version: 7 });
    expect(byName.proposed).toMatchObject({ text: 'A red coat.', status: 'proposed', source: 'ai', author: 'groq', model: 'qwen', prompt_version: 'alt-v2', attempts: 1 });
    expect(byName['approved-human']).toMatchObject({ text: 'Written by a person.', status: 'approved', source: 'human', author: 'Ada' });
    expect(byName['approved-ai']).toMatchObject({ text: 'A blue hat.', status: 'approved', source: 'ai', model: 'qwen' });
    expect(byName.shop).toMatchObject({ text: 'From the shop.', status: 'approved', source: 'shop', author: 'My Store' });
    // 0019's "rejected" held a text nobody stands behind: kept, as missing (nothing approved, the model may write).
    expect(byName.rejected).toMatchObject({ text: 'An old rejected text.', status: 'missing', source: 'ai' });
    expect(byName.decorative).toMatchObject({ text: '', status: 'decorative', author: 'loupe' });
    expect(byName.failed).toMatchObject({ text: null, status: 'failed', failure_code: 'timeout', failure_message: 'the provider did not answer in 15 s', attempts: 3, retry_at: true });
    expect(byName.gate).toMatchObject({ status: 'failed', failure_code: 'gate_rejected', failure_message: 'quality gate: refusal' });
    expect(byName['no-provider']).toMatchObject({ status: 'failed', failure_code: 'no_provider', failure_message: 'no vision provider configured' });
    expect(byName['proposed-with-error']).toMatchObject({ text: 'Kept text.', status: 'proposed', failure_code: 'timeout', failure_message: 'slow' });
    expect(byName.trashed).toMatchObject({ text: 'In the trash.', status: 'approved', source: 'human' });
    // The asset rows (the projection search and review read) are exactly as they were.
    expect(await rows<Record<string, unknown>>(handle.db, sql`select * from assets order by filename`)).toEqual(assetsBefore);
  });

  it('is idempotent: running again creates nothing and changes nothing', async () => {
    const snapshot = async () => rows<Record<string, unknown>>(handle.db, sql`select asset_id, locale, text, status, version, updated_at from alt_texts order by asset_id, locale`);
    const first = await snapshot();
    await migrate(handle);
    expect(await snapshot()).toEqual(first);
  });

  it('adopts a source locale configured later, keeping the old one\'s records (hidden, not lost)', async () => {
    process.env.LOCALES = 'de,en-GB';
    resetConfig();
    await migrate(handle);
    const counts = await rows<{ locale: string; n: number }>(handle.db, sql`select locale, count(*)::int as n from alt_texts group by locale order by locale`);
    expect(counts).toEqual([{ locale: 'de', n: 12 }, { locale: 'en-GB', n: 12 }]);
  });
});
