import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { POST as keepRoute } from '@/app/api/imports/files/route';
import { assets, importFiles } from '@/db/schema';
import { editorOf } from '@/lib/alt';
import { callerFromSession } from '@/lib/auth';
import { importFileKey, useStorageForTests } from '@/lib/storage';
import { makeAccount, TEST_ORIGIN, type TestAccount } from '@/test/auth';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { startS3rver } from '@/test/s3rver';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { MAX_IMPORT_BYTES } from './csv-read';
import { runKeptImport } from './import';
import { IMPORT_FILE_TTL_MS, keepImportFile, removeExpiredImportFiles } from './import-files';
import type { ColumnMapping } from './import-plan';

/**
 * The import page's kept CSV file: POST /api/imports/files keeps it (streamed, size-limited, named by its
 * SHA-256) for the person who chose it, and the page previews and applies it by that digest with the same
 * runImport as the API. Another person's digest, an unknown one and an expired one apply nothing.
 */
describe.skipIf(!standInModelAvailable())('kept import files', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  let editor: TestAccount;
  let otherEditor: TestAccount;

  beforeAll(async () => {
    useStandInEmbeddingModel();
    editor = await makeAccount(database().db, 'editor');
    otherEditor = await makeAccount(database().db, 'editor');
  });

  const db = () => database().db;
  let counter = 0;
  const unique = (stem: string) => `${stem}-${++counter}.jpg`;

  /** The page's upload form as a browser sends it (multipart), by session or by token. */
  const postForm = (form: FormData | { body: string; contentType: string }, account: TestAccount, options: { accept?: string; bearer?: boolean } = {}) => {
    const headers = new Headers({ host: new URL(TEST_ORIGIN).host, origin: TEST_ORIGIN, accept: options.accept ?? 'application/json' });
    if (options.bearer) headers.set('authorization', `Bearer ${account.token}`);
    else headers.set('cookie', account.cookie);
    if (!(form instanceof FormData)) headers.set('content-type', form.contentType);
    const request = new Request(`${TEST_ORIGIN}/api/imports/files`, { method: 'POST', headers, body: form instanceof FormData ? form : form.body });
    return keepRoute(request, { params: Promise.resolve({}) });
  };
  const csvForm = (text: string, filename = 'catalogue.csv') => {
    const form = new FormData();
    form.set('file', new File([text], filename, { type: 'text/csv' }));
    return form;
  };
  const keep = async (text: string, account = editor) => {
    const response = await postForm(csvForm(text), account);
    expect(response.status).toBe(201);
    return ((await response.json()) as { file: { digest: string; filename: string; size: number } }).file;
  };
  const importer = async (account: TestAccount) => editorOf((await callerFromSession(db(), account.cookie.split('=')[1]))!);
  const preview = async (account: TestAccount, digest: string, mapping: ColumnMapping = {}) =>
    runKeptImport(db(), account.id, digest, { mapping, tagMode: 'merge', importer: await importer(account) });
  const apply = async (account: TestAccount, digest: string, confirm: string, now?: Date) =>
    runKeptImport(db(), account.id, digest, { mapping: {}, tagMode: 'merge', confirm, importer: await importer(account) }, now);
  const assetNamed = async (filename: string) => (await db().select().from(assets).where(eq(assets.filename, filename)))[0];
  const storedFiles = async () => (await fs.readdir(path.join(files().root, 'i')).catch(() => [] as string[])).filter((name) => !name.endsWith('.partial'));

  it('keeps the posted file for its person, previews it by digest and applies it: a title and a tag change', async () => {
    const coat = unique('coat');
    await insertCatalogueAsset(db(), { filename: coat, tags: ['winter'] });
    const text = `filename,title,tags\n${coat},Red wool coat,wool\n`;
    const kept = await keep(text);
    expect(kept).toMatchObject({ filename: 'catalogue.csv', size: Buffer.byteLength(text) });
    expect(kept.digest).toMatch(/^[0-9a-f]{64}$/);

    const previewed = await preview(editor, kept.digest);
    if (!previewed.result.ok || previewed.result.mode !== 'preview') throw new Error(JSON.stringify(previewed.result));
    expect(previewed.file).toMatchObject({ digest: kept.digest, filename: 'catalogue.csv' });
    expect(previewed.result.plan.changes[0].changes).toEqual({ title: { from: null, to: 'Red wool coat' }, tags: { from: 'winter', to: 'winter, wool' } });
    expect(await assetNamed(coat)).toMatchObject({ title: null, tags: ['winter'] });

    const applied = await apply(editor, kept.digest, previewed.result.plan.digest);
    expect(applied.result).toMatchObject({ ok: true, mode: 'applied', outcome: { applied: 1, conflicts: [] } });
    expect(await assetNamed(coat)).toMatchObject({ title: 'Red wool coat', tags: ['winter', 'wool'] });
  });

  it("refuses another person's digest: nothing is previewed or applied", async () => {
    const coat = unique('coat');
    await insertCatalogueAsset(db(), { filename: coat });
    const kept = await keep(`filename,title\n${coat},Mine alone\n`);
    const mine = await preview(editor, kept.digest);
    if (!mine.result.ok) throw new Error(mine.result.failure.message);

    const theirs = await apply(otherEditor, kept.digest, mine.result.plan.digest);
    expect(theirs.file).toBeNull();
    expect(theirs.result).toMatchObject({ ok: false, failure: { kind: 'file_gone' } });
    expect((await preview(otherEditor, kept.digest)).result).toMatchObject({ ok: false, failure: { kind: 'file_gone' } });
    expect((await assetNamed(coat)).title).toBeNull();
  });

  it('refuses an unknown digest with a message saying to choose the file again', async () => {
    const unknown = 'a'.repeat(64);
    const { result } = await apply(editor, unknown, 'b'.repeat(64));
    if (result.ok) throw new Error('applied an unknown file');
    expect(result.failure.kind).toBe('file_gone');
    expect(result.failure.message).toMatch(/Choose the file again/);
  });

  it('refuses a stale preview digest (the photo changed since): nothing is written', async () => {
    const coat = unique('coat');
    const id = await insertCatalogueAsset(db(), { filename: coat });
    const kept = await keep(`filename,title\n${coat},Previewed title\n`);
    const previewed = await preview(editor, kept.digest);
    if (!previewed.result.ok) throw new Error(previewed.result.failure.message);
    await db().update(assets).set({ title: 'Edited meanwhile' }).where(eq(assets.id, id));
    const { result } = await apply(editor, kept.digest, previewed.result.plan.digest);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'plan_changed' } });
    expect((await assetNamed(coat)).title).toBe('Edited meanwhile');
  });

  it('refuses an expired file, and removes expired files (row and bytes)', async () => {
    const coat = unique('coat');
    await insertCatalogueAsset(db(), { filename: coat });
    const chosenAt = new Date('2026-12-04T10:00:00Z');
    const kept = await keepImportFile(db(), { userId: editor.id, filename: 'late.csv', bytes: Readable.from([Buffer.from(`filename,title\n${coat},Too late\n`)]) }, chosenAt);
    if (!kept.ok) throw new Error(kept.message);
    const justBefore = new Date(chosenAt.getTime() + IMPORT_FILE_TTL_MS - 1);
    const after = new Date(chosenAt.getTime() + IMPORT_FILE_TTL_MS);
    const previewed = await runKeptImport(db(), editor.id, kept.file.digest, { mapping: {}, tagMode: 'merge', importer: await importer(editor) }, justBefore);
    if (!previewed.result.ok) throw new Error(previewed.result.failure.message);

    const { result } = await apply(editor, kept.file.digest, previewed.result.plan.digest, after);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'file_gone' } });
    expect((await assetNamed(coat)).title).toBeNull();

    const key = importFileKey(editor.id, kept.file.digest).slice(2);
    expect(await storedFiles()).toContain(key);
    expect(await removeExpiredImportFiles(db(), after)).toBeGreaterThanOrEqual(1);
    expect(await storedFiles()).not.toContain(key);
    expect(await db().select().from(importFiles).where(eq(importFiles.digest, kept.file.digest))).toEqual([]);
  });

  it(`refuses a file over ${MAX_IMPORT_BYTES / 1024 / 1024} MB, streamed or declared, and keeps nothing of it`, async () => {
    const before = await storedFiles();
    const megabyte = Buffer.alloc(1024 * 1024, 0x61);
    async function* tooBig() {
      for (let sent = 0; sent <= MAX_IMPORT_BYTES; sent += megabyte.length) yield megabyte;
    }
    const refused = await keepImportFile(db(), { userId: editor.id, filename: 'huge.csv', bytes: tooBig() });
    expect(refused).toMatchObject({ ok: false, kind: 'payload_too_large' });
    expect(await storedFiles()).toEqual(before);
    expect(await fs.readdir(path.join(files().root, 'i')).catch(() => [] as string[])).not.toContainEqual(expect.stringMatching(/\.partial$/));

    // Declared too big by the browser: refused before a byte is read, with the API's 413.
    const headers = { host: new URL(TEST_ORIGIN).host, origin: TEST_ORIGIN, cookie: editor.cookie, accept: 'application/json', 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(MAX_IMPORT_BYTES * 2) };
    const declared = await keepRoute(new Request(`${TEST_ORIGIN}/api/imports/files`, { method: 'POST', headers, body: 'x' }), { params: Promise.resolve({}) });
    expect(declared.status).toBe(413);
    expect((await declared.json()).error.code).toBe('payload_too_large');
  });

  it('refuses a NUL in the filename, through the form (RFC 5987 filename*) and in the library', async () => {
    const before = await storedFiles();
    const boundary = 'loupe-boundary';
    const body = [`--${boundary}`, `Content-Disposition: form-data; name="file"; filename*=UTF-8''bad%00name.csv`, 'Content-Type: text/csv', '', 'filename,title', 'a.jpg,A', `--${boundary}--`, ''].join('\r\n');
    const response = await postForm({ body, contentType: `multipart/form-data; boundary=${boundary}` }, editor);
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe('invalid_filename');

    const refused = await keepImportFile(db(), { userId: editor.id, filename: 'bad\u0000name.csv', bytes: Readable.from([Buffer.from('filename\n')]) });
    expect(refused).toMatchObject({ ok: false, kind: 'invalid_filename' });
    expect(await storedFiles()).toEqual(before);
  });

  it('sends a browser (no JavaScript) on to the preview, or back with the refusal; refuses API tokens and forms without a file', async () => {
    const page = await postForm(csvForm('filename,title\nx.jpg,X\n'), editor, { accept: 'text/html,application/xhtml+xml' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/^\/import\?file=[0-9a-f]{64}$/);

    const empty = new FormData();
    empty.set('file', new File([], ''));
    const nothing = await postForm(empty, editor, { accept: 'text/html' });
    expect(nothing.status).toBe(303);
    expect(nothing.headers.get('location')).toBe('/import?problem=no_file');
    expect((await postForm(empty, editor)).status).toBe(400);

    const token = await postForm(csvForm('filename\n'), editor, { bearer: true });
    expect(token.status).toBe(403);
  });

  it('works the same on S3 (s3rver): kept, moved to its key, previewed and applied, expired and removed', async () => {
    const s3 = await startS3rver();
    useStorageForTests(s3.storage);
    try {
      const coat = unique('coat');
      await insertCatalogueAsset(db(), { filename: coat });
      const chosenAt = new Date('2026-12-04T12:00:00Z');
      const kept = await keepImportFile(db(), { userId: editor.id, filename: 's3.csv', bytes: Readable.from([Buffer.from(`filename,title\n${coat},Kept in a bucket\n`)]) }, chosenAt);
      if (!kept.ok) throw new Error(kept.message);
      const key = importFileKey(editor.id, kept.file.digest);
      expect(await s3.storage.head(key)).toEqual({ size: kept.file.size });
      const previewed = await runKeptImport(db(), editor.id, kept.file.digest, { mapping: {}, tagMode: 'merge', importer: await importer(editor) }, chosenAt);
      if (!previewed.result.ok) throw new Error(previewed.result.failure.message);
      const applied = await apply(editor, kept.file.digest, previewed.result.plan.digest, chosenAt);
      expect(applied.result).toMatchObject({ ok: true, mode: 'applied', outcome: { applied: 1 } });
      expect((await assetNamed(coat)).title).toBe('Kept in a bucket');
      await removeExpiredImportFiles(db(), new Date(chosenAt.getTime() + IMPORT_FILE_TTL_MS));
      expect(await s3.storage.head(key)).toBeNull();
    } finally {
      useStorageForTests(files().storage);
      await s3.stop();
    }
  });

  it('keeps one copy per person and file: choosing it again renews its time', async () => {
    const text = `filename,title\n${unique('again')},Again\n`;
    const first = await keep(text);
    const [row] = await db().select().from(importFiles).where(eq(importFiles.digest, first.digest));
    const count = (await storedFiles()).length;
    const second = await keep(text);
    expect(second.digest).toBe(first.digest);
    const rows = await db().select().from(importFiles).where(eq(importFiles.digest, first.digest));
    expect(rows).toHaveLength(1);
    expect(rows[0].expiresAt.getTime()).toBeGreaterThanOrEqual(row.expiresAt.getTime());
    expect((await storedFiles()).length).toBe(count);
    // The same file from another person is theirs: a second row and copy.
    await keep(text, otherEditor);
    expect(await db().select().from(importFiles).where(eq(importFiles.digest, first.digest))).toHaveLength(2);
  });
});
