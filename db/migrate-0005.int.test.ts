import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, testDatabaseUrl } from '@/test/pg-template';
import { openPglite, openPostgres, rows } from './client';
import type { DbHandle } from './handle';
import { migrate, migrationsFolder } from './migrate';
import type * as schema from './schema';

/**
 * Migration 0005 (jobs) on a library that was mid-pipeline under the old model: every asset gets the jobs
 * that match where it stood, nothing is lost and nothing finished is redone.
 */
describe('migration 0005 carries existing work over to jobs', () => {
  let handle: DbHandle;
  let drop = async () => {};
  let before: string;

  beforeAll(async () => {
    // The migrations up to 0004, as a database deployed before the jobs table would have them.
    before = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-before-0005-'));
    await fs.mkdir(path.join(before, 'meta'));
    const journal = JSON.parse(await fs.readFile(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
    journal.entries = journal.entries.filter((entry) => entry.idx < 5);
    await fs.writeFile(path.join(before, 'meta', '_journal.json'), JSON.stringify(journal));
    for (const entry of journal.entries) await fs.copyFile(path.join(migrationsFolder, `${entry.tag}.sql`), path.join(before, `${entry.tag}.sql`));

    if (process.env.LOUPE_TEST_DRIVER === 'postgres') {
      const scratch = await createScratchDatabase(testDatabaseUrl(), 'loupe_mig0005');
      handle = await openPostgres(scratch.url, { max: 2 });
      drop = scratch.drop;
      await migratePostgres(handle.db, { migrationsFolder: before });
    } else {
      handle = await openPglite();
      await migratePglite(handle.db as unknown as PgliteDatabase<typeof schema>, { migrationsFolder: before });
    }
  }, 120_000);
  afterAll(async () => {
    await handle?.close();
    await drop();
    await fs.rm(before, { recursive: true, force: true });
  });

  it('gives each asset the jobs that match its state, keeping attempts, retry times and errors', async () => {
    const db = handle.db;
    await db.execute(sql`insert into embedding_models (id, dimensions, status) values ('m-active', 3, 'active'), ('m-building', 3, 'building'), ('m-retired', 3, 'retired')`);
    const insert = async (name: string, columns: string, values: string) => {
      await db.execute(
        sql.raw(`insert into assets (filename, declared_type, declared_size, original_key, derivative_prefix, ${columns})
                 values ('${name}.jpg', 'image/jpeg', 1, 'o/${name}', 'd/${name}', ${values})`),
      );
    };
    await insert('awaiting', 'state', `'awaiting_upload'`);
    await insert('rejected', 'state, error_code', `'failed_upload', 'empty_file'`);
    await insert('stored-retry', 'state, attempts, next_attempt_at, error_code, error', `'stored', 2, now() + interval '1 hour', 'internal', 'boom'`);
    await insert('derived', 'state', `'derived'`);
    await insert('described', 'state, alt_text, alt_source, alt_status', `'described', 'A red coat', 'ai', 'proposed'`);
    await insert('embedded', 'state, alt_text, alt_source, alt_status', `'embedded', 'A blue hat', 'ai', 'proposed'`);
    await insert('alt-429', 'state, alt_last_error, alt_next_attempt_at, alt_attempts', `'embedded', 'rate_limited_long: slow down', now() + interval '2 hours', 1`);
    await insert('alt-none', 'state, alt_last_error', `'embedded', 'no vision provider configured'`);
    await insert('human', 'state, alt_text, alt_source, alt_status', `'embedded', 'Written by a person', 'human', 'approved'`);
    await insert('failed-derive', 'state, error_code, error', `'failed_derive', 'corrupt_image', 'cannot decode'`);
    await insert('failed-describe', 'state, error_code, error', `'failed_describe', 'internal', 'gave up'`);
    await insert('failed-embed', 'state, error_code, error', `'failed_embed', 'embedding_failed', 'bad answer'`);
    // Vectors: "embedded" has both live models; "alt-429" only the active one; "human" none at all.
    await db.execute(sql`
      insert into asset_embeddings (asset_id, model, embedding, input_hash)
      select a.id, m.id, '[1,0,0]', 'h-' || a.filename from assets a, embedding_models m
      where (a.filename = 'embedded.jpg' and m.id in ('m-active', 'm-building'))
         or (a.filename in ('alt-429.jpg', 'alt-none.jpg', 'failed-embed.jpg') and m.id = 'm-active')`);

    await migrate(handle);

    const found = await rows<{ filename: string; kind: string; key: string; status: string; attempts: number; due: boolean | null; parked: boolean; code: string | null; hash: string | null }>(
      db,
      sql`select a.filename, j.kind, j.key, j.status, j.attempts, j.next_attempt_at <= now() as due, j.next_attempt_at is null as parked,
                 j.last_error_code as code, j.input_hash as hash
          from jobs j join assets a on a.id = j.asset_id order by a.filename, j.kind, j.key`,
    );
    const byAsset = (filename: string) =>
      found.filter((job) => job.filename === `${filename}.jpg`).map(({ kind, key, status }) => `${kind}${key ? `:${key}` : ''}=${status}`);

    expect(byAsset('awaiting')).toEqual([]);
    expect(byAsset('rejected')).toEqual([]);
    expect(byAsset('stored-retry')).toEqual(['derive=pending']);
    expect(found.find((job) => job.filename === 'stored-retry.jpg')).toMatchObject({ attempts: 2, due: false, code: 'internal' });
    expect(byAsset('derived')).toEqual(['derive=done', 'describe=pending', 'embed:m-active=pending', 'embed:m-building=pending']);
    expect(byAsset('described')).toEqual(['derive=done', 'describe=done', 'embed:m-active=pending', 'embed:m-building=pending']);
    expect(byAsset('embedded')).toEqual(['derive=done', 'describe=done', 'embed:m-active=done', 'embed:m-building=done']);
    expect(found.find((job) => job.filename === 'embedded.jpg' && job.kind === 'embed')).toMatchObject({ hash: 'h-embedded.jpg' });
    // Failed alt text gets a describe job due when the failure said; with no provider it is parked until one is configured.
    expect(byAsset('alt-429')).toEqual(['derive=done', 'describe=waiting', 'embed:m-active=done', 'embed:m-building=pending']);
    expect(found.find((job) => job.filename === 'alt-429.jpg' && job.kind === 'describe')).toMatchObject({ due: false, parked: false });
    expect(found.find((job) => job.filename === 'alt-none.jpg' && job.kind === 'describe')).toMatchObject({ status: 'waiting', parked: true });
    expect(byAsset('human')).toEqual(['derive=done', 'describe=done', 'embed:m-active=pending', 'embed:m-building=pending']);
    expect(byAsset('failed-derive')).toEqual(['derive=failed']);
    expect(found.find((job) => job.filename === 'failed-derive.jpg')).toMatchObject({ code: 'corrupt_image' });
    expect(byAsset('failed-describe')).toEqual(['derive=done', 'describe=failed']);
    expect(byAsset('failed-embed')).toEqual(['derive=done', 'describe=done', 'embed:m-active=done', 'embed:m-building=failed']);

    // The assets keep their state and errors; the old retry columns are gone (their values live on the jobs).
    const assets = await rows<{ filename: string; state: string; error_code: string | null }>(db, sql`select filename, state, error_code from assets order by filename`);
    expect(assets.find((asset) => asset.filename === 'stored-retry.jpg')).toMatchObject({ state: 'stored', error_code: 'internal' });
    expect(assets.find((asset) => asset.filename === 'failed-embed.jpg')).toMatchObject({ state: 'failed_embed', error_code: 'embedding_failed' });
    const columns = await rows<{ column_name: string }>(db, sql`select column_name from information_schema.columns where table_name = 'assets' and column_name in ('attempts', 'next_attempt_at')`);
    expect(columns).toEqual([]);
  });
});
