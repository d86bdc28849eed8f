import fs from 'node:fs';
import { asc, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { POST as importRoute } from '@/app/api/imports/route';
import { altHistory, assetEmbeddings, assets } from '@/db/schema';
import { jobsOf, runDueJobs } from '@/lib/jobs';
import { makeAccount, TEST_ORIGIN, type TestAccount } from '@/test/auth';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';

interface Plan {
  mode: 'preview' | 'applied';
  format: string;
  mapping: Record<string, string>;
  totalRows: number;
  changeCount: number;
  unchangedCount: number;
  skippedCount: number;
  tagMode: string;
  skippedByReason: Record<string, number>;
  changes: Array<{ row: number; filename: string; changes: Record<string, { from: string | null; to: string }> }>;
  skipped: Array<{ row: number; key: string | null; reason: string; message: string }>;
  digest: string;
  applied?: number;
  conflicts?: unknown[];
}

/** CSV import through POST /api/imports: preview, confirm, and every hostile file the issue names. */
describe.skipIf(!standInModelAvailable())('CSV import', () => {
  const database = useTestDatabase();
  let editor: TestAccount;
  let viewer: TestAccount;

  beforeAll(async () => {
    useStandInEmbeddingModel();
    editor = await makeAccount(database().db, 'editor');
    viewer = await makeAccount(database().db, 'viewer');
  });

  const send = (file: string | Buffer, query: Record<string, string> = {}, account = editor) => {
    const url = `${TEST_ORIGIN}/api/imports?${new URLSearchParams(query)}`;
    const body = typeof file === 'string' ? Buffer.from(file, 'utf8') : file;
    const request = new Request(url, { method: 'POST', headers: { cookie: account.cookie, origin: TEST_ORIGIN, host: new URL(TEST_ORIGIN).host, 'content-type': 'text/csv' }, body: new Uint8Array(body) });
    return importRoute(request, { params: Promise.resolve({}) });
  };
  const preview = async (file: string | Buffer, query: Record<string, string> = {}) => {
    const response = await send(file, query);
    expect(response.status).toBe(200);
    return (await response.json()) as Plan;
  };
  const importFile = async (file: string | Buffer, query: Record<string, string> = {}) => {
    const plan = await preview(file, query);
    const response = await send(file, { ...query, mode: 'apply', confirm: plan.digest });
    expect(response.status).toBe(200);
    return (await response.json()) as Plan;
  };
  const refused = async (file: string | Buffer, status: number, code: string) => {
    const response = await send(file);
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    return body.error.message;
  };
  const byFilename = async (filename: string) => (await database().db.select().from(assets).where(eq(assets.filename, filename)))[0];
  let counter = 0;
  const unique = (stem: string) => `${stem}-${++counter}.jpg`;

  it.skipIf(!fixturesAvailable())('imports ../shared/fixtures/products/products.csv: every product matched by filename', async () => {
    const file = fs.readFileSync(fixturePath('products', 'products.csv'));
    const lines = file.toString('utf8').trim().split('\n').slice(1);
    const ids = await Promise.all(lines.map((line) => insertCatalogueAsset(database().db, { filename: line.split(',')[1] })));
    const mapping = { column_sku: 'id', column_title: 'productDisplayName', column_collection: 'articleType' };
    const plan = await preview(file, mapping);
    expect(plan).toMatchObject({ format: 'plain', totalRows: 300, changeCount: 300, skippedCount: 0, mapping: { filename: 'filename', sku: 'id', title: 'productDisplayName' } });
    expect(plan.changes[0]).toMatchObject({ row: 2, filename: '1653.jpg', changes: { sku: { from: null, to: '1653' }, title: { from: null, to: "Reebok Men's Ventilator Ubiq Shoe" }, collection: { to: 'Sports Shoes' } } });

    const applied = await importFile(file, mapping);
    expect(applied).toMatchObject({ mode: 'applied', applied: 300, conflicts: [] });
    const rows = await database().db.select().from(assets).where(inArray(assets.id, ids));
    expect(rows.every((row) => row.sku === row.filename.replace('.jpg', '') && row.title && row.collection)).toBe(true);
    expect(await byFilename('2221.jpg')).toMatchObject({ sku: '2221', title: 'ADIDAS Classic Blue White Backpack', collection: 'Backpacks' });
    // Importing the same file again changes nothing.
    expect((await preview(file, mapping)).unchangedCount).toBe(300);
  });

  it('a preview writes nothing; confirming applies what it showed, alt text as human text from an import, and queues re-embedding', async () => {
    const coat = unique('coat');
    await insertCatalogueAsset(database().db, { filename: coat, altText: 'A coat.', tags: ['old'] });
    const file = `filename,sku,title,collection,tags,alt_text\n${coat},RC-1,Red wool coat,Winter,"wool, coat, Wool",Red wool coat with horn buttons on a wooden hanger.\n`;
    const plan = await preview(file);
    expect(plan.changes[0].changes).toEqual({
      sku: { from: null, to: 'RC-1' },
      title: { from: null, to: 'Red wool coat' },
      collection: { from: null, to: 'Winter' },
      tags: { from: 'old', to: 'old, wool, coat' },
      altText: { from: 'A coat.', to: 'Red wool coat with horn buttons on a wooden hanger.' },
    });
    expect(await byFilename(coat)).toMatchObject({ sku: null, title: null, altText: 'A coat.' });

    await importFile(file);
    const asset = await byFilename(coat);
    expect(asset).toMatchObject({ sku: 'RC-1', title: 'Red wool coat', collection: 'Winter', tags: ['old', 'wool', 'coat'], altText: 'Red wool coat with horn buttons on a wooden hanger.', altSource: 'human', altStatus: 'approved', altAuthor: 'Test editor (CSV import)' });
    const history = await database().db.select().from(altHistory).where(eq(altHistory.assetId, asset.id)).orderBy(asc(altHistory.createdAt));
    expect(history.map((entry) => [entry.event, entry.source, entry.userId])).toEqual([['imported', 'human', editor.id]]);

    expect((await jobsOf(database().db, asset.id)).map((job) => [job.kind, job.status])).toEqual([['embed', 'pending']]);
    await runDueJobs(database().db, { concurrency: 1 });
    const vectors = await database().db.select().from(assetEmbeddings).where(eq(assetEmbeddings.assetId, asset.id));
    expect(vectors).toHaveLength(1);
  });

  it("reads Shopify's product CSV: image rows by Image Src, product fields carried to the handle's other rows, handles kept", async () => {
    const front = unique('tee-front');
    const back = unique('tee-back');
    await insertCatalogueAsset(database().db, { filename: front });
    await insertCatalogueAsset(database().db, { filename: back });
    const file = [
      'Handle,Title,Body (HTML),Vendor,Tags,Variant SKU,Image Src,Image Position,Image Alt Text',
      `blue-tee,Blue tee,<p>Soft</p>,Acme,"summer, cotton",TEE-S,https://cdn.example.com/files/${front}?v=17,1,Blue cotton T-shirt laid flat.`,
      `blue-tee,,,,,TEE-M,,,`,
      `blue-tee,,,,,,https://cdn.example.com/files/${back},2,Back of a blue cotton T-shirt.`,
    ].join('\r\n');
    const plan = await preview(file);
    expect(plan).toMatchObject({ format: 'shopify', changeCount: 2, skippedCount: 1 });
    expect(plan.skipped[0]).toMatchObject({ row: 3, reason: 'no_match' });
    await importFile(file);
    expect(await byFilename(front)).toMatchObject({ imageSrc: `https://cdn.example.com/files/${front}?v=17`, handle: 'blue-tee', title: 'Blue tee', sku: 'TEE-S', tags: ['summer', 'cotton'], altText: 'Blue cotton T-shirt laid flat.' });
    expect(await byFilename(back)).toMatchObject({ handle: 'blue-tee', title: 'Blue tee', sku: null, altText: 'Back of a blue cotton T-shirt.' });
  });

  it('other column names are mapped on the preview; a mapping to a missing column is refused', async () => {
    const shoe = unique('shoe');
    await insertCatalogueAsset(database().db, { filename: shoe });
    const file = `Bild,Artikelname\n${shoe},Brauner Schuh\n`;
    expect((await send(file)).status).toBe(422);
    const plan = await preview(file, { column_filename: 'Bild', column_title: 'Artikelname' });
    expect(plan.changes[0].changes.title).toEqual({ from: null, to: 'Brauner Schuh' });
    const missing = await send(file, { column_filename: 'Bild', column_title: 'Name' });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'bad_mapping', message: expect.stringContaining('"Name"') });
  });

  it('rows that will not apply are listed with the reason: no match, ambiguous, bad value, duplicate key, wrong cell count', async () => {
    const twin = unique('twin');
    const good = unique('good');
    const dup = unique('dup');
    await insertCatalogueAsset(database().db, { filename: twin });
    await insertCatalogueAsset(database().db, { filename: twin });
    await insertCatalogueAsset(database().db, { filename: good });
    await insertCatalogueAsset(database().db, { filename: dup });
    const file = [
      'filename,title,tags',
      `${good},Good row,`,
      `nowhere.jpg,Lost,`,
      `${twin},Twin,`,
      `${dup},First,`,
      `${dup},Second,`,
      `${good.replace('.jpg', '-2.jpg')},${'x'.repeat(301)},`,
      `${good},Too,many,cells`,
    ].join('\n');
    const plan = await preview(file);
    expect(plan.skipped.map((row) => [row.row, row.reason])).toEqual([
      [3, 'no_match'],
      [4, 'ambiguous'],
      [5, 'duplicate_key'],
      [6, 'duplicate_key'],
      [7, 'bad_value'],
      [8, 'bad_row'],
    ]);
    expect(plan.skipped[2].message).toContain('rows 5, 6');
    expect(plan.skippedByReason).toEqual({ no_match: 1, ambiguous: 1, duplicate_key: 2, bad_value: 1, bad_row: 1 });
    expect(plan.changeCount).toBe(1);
    await importFile(file);
    expect((await byFilename(dup)).title).toBeNull();
    expect((await byFilename(good)).title).toBe('Good row');
  });

  it('formula injection: a row with a cell a spreadsheet would run is refused with the reason; the other rows apply', async () => {
    const bad = unique('formula');
    const fine = unique('fine');
    await insertCatalogueAsset(database().db, { filename: bad });
    await insertCatalogueAsset(database().db, { filename: fine });
    const file = `filename,title\n${bad},"=HYPERLINK(""http://evil.example"",""click"")"\n${fine},"Plain title"\n`;
    const plan = await preview(file);
    expect(plan.skipped).toEqual([expect.objectContaining({ row: 2, reason: 'formula', message: expect.stringContaining('=HYPERLINK') })]);
    await importFile(file);
    expect((await byFilename(bad)).title).toBeNull();
    expect((await byFilename(fine)).title).toBe('Plain title');
  });

  it('a NUL in a filename, a SKU, an Image Src (%00) or a title is refused on its row with the reason; the other rows apply', async () => {
    const [bySku, titled, fine] = [unique('nul-sku'), unique('nul-title'), unique('nul-fine')];
    for (const filename of [bySku, titled, fine]) await insertCatalogueAsset(database().db, { filename });
    const file = [
      'filename,sku,title',
      'coat\u0000.jpg,,A coat',
      `${bySku},RC\u00001,A coat`,
      'https://cdn.example/files/coat%00.jpg?v=3,,A coat',
      `${titled},,Red\u0000coat`,
      `${fine},RC-2,Plain title`,
    ].join('\n');
    const plan = await preview(file);
    expect(plan.skipped.map((row) => [row.row, row.reason])).toEqual([
      [2, 'bad_value'],
      [3, 'bad_value'],
      [4, 'bad_value'],
      [5, 'bad_value'],
    ]);
    expect(plan.skipped.map((row) => row.message)).toEqual([
      expect.stringMatching(/^The filename holds a NUL character .*Remove it and import again\.$/),
      expect.stringMatching(/^The SKU holds a NUL character/),
      expect.stringMatching(/^The filename holds a NUL character \(\\u0000, or %00 in an address\)/),
      expect.stringMatching(/^The title holds a NUL character/),
    ]);
    expect(await importFile(file)).toMatchObject({ applied: 1, conflicts: [] });
    expect(await byFilename(bySku)).toMatchObject({ sku: null, title: null });
    expect((await byFilename(titled)).title).toBeNull();
    expect(await byFilename(fine)).toMatchObject({ sku: 'RC-2', title: 'Plain title' });
  });

  it('a UTF-16 file without a byte order mark is refused with what to do, little- or big-endian', async () => {
    const text = 'filename,title\nx.jpg,Café\n';
    const bigEndian = Buffer.from(text, 'utf16le').swap16();
    for (const file of [Buffer.from(text, 'utf16le'), bigEndian]) {
      expect(await refused(file, 422, 'wrong_encoding')).toBe('This file is saved as UTF-16 ("Unicode text") without a byte order mark: every other byte is empty. Save it as "CSV UTF-8 (comma delimited)" and import that.');
    }
  });

  it('a UTF-8 BOM is skipped and quoted newlines stay inside their cell', async () => {
    const scarf = unique('scarf');
    await insertCatalogueAsset(database().db, { filename: scarf });
    const file = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`filename,title,alt_text\n${scarf},"Silk\nscarf","A silk scarf,\nfolded on a table."\n`)]);
    const plan = await preview(file);
    expect(plan).toMatchObject({ totalRows: 1, changeCount: 1, mapping: { filename: 'filename' } });
    await importFile(file);
    expect(await byFilename(scarf)).toMatchObject({ title: 'Silk scarf', altText: 'A silk scarf, folded on a table.' });
  });

  it('wrong encodings are refused with what to do: UTF-16, and Windows-1252 from Excel', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('filename,title\nx.jpg,Café\n', 'utf16le')]);
    expect(await refused(utf16, 422, 'wrong_encoding')).toContain('UTF-16');
    const latin1 = Buffer.from('filename,title\nx.jpg,Caf\xe9 cr\xe8me\n', 'latin1');
    expect(await refused(latin1, 422, 'wrong_encoding')).toContain('CSV UTF-8');
  });

  it('a 10 MB cell, an unclosed quote, a repeated column and an empty file are refused; nothing is written', async () => {
    const target = unique('cell');
    await insertCatalogueAsset(database().db, { filename: target });
    expect(await refused(`filename,title\n${target},ok\n${target},${'a'.repeat(10 * 1024 * 1024)}\n`, 422, 'invalid_csv')).toContain('KB');
    expect(await refused(`filename,title\n${target},"never closed\n`, 422, 'invalid_csv')).toContain('never closed');
    expect(await refused(`filename,title,Title\n${target},a,b\n`, 422, 'invalid_csv')).toContain('twice');
    expect(await refused('', 422, 'invalid_csv')).toContain('empty');
    expect((await byFilename(target)).title).toBeNull();
  });

  it('100,000 rows are previewed; one more is refused', async () => {
    const target = unique('big');
    await insertCatalogueAsset(database().db, { filename: target });
    const rows = Array.from({ length: 99_999 }, (_, i) => `missing-${i}.jpg,Title ${i}`);
    const file = `filename,title\n${target},Big file\n${rows.join('\n')}\n`;
    const plan = await preview(file);
    expect(plan).toMatchObject({ totalRows: 100_000, changeCount: 1, skippedCount: 99_999 });
    expect(plan.skipped).toHaveLength(1000);
    expect(await refused(`${file}one-more.jpg,x\n`, 413, 'too_many_rows')).toContain('100,000');
  });

  it('confirming with a digest that no longer matches writes nothing (a field the file changes was edited after the preview)', async () => {
    const hat = unique('hat');
    const id = await insertCatalogueAsset(database().db, { filename: hat });
    const file = `filename,title\n${hat},Straw hat\n`;
    const plan = await preview(file);
    await database().db.update(assets).set({ title: 'Panama hat', version: 5 }).where(eq(assets.id, id));
    const response = await send(file, { mode: 'apply', confirm: plan.digest });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('plan_changed');
    expect((await byFilename(hat)).title).toBe('Panama hat');
    expect((await send(file, { mode: 'apply' })).status).toBe(422);
  });

  it('work on fields the file does not touch (the model writing alt text) does not stop the import', async () => {
    const cap = unique('cap');
    const id = await insertCatalogueAsset(database().db, { filename: cap });
    const file = `filename,title\n${cap},Wool cap\n`;
    const plan = await preview(file);
    await database().db.update(assets).set({ altText: 'A grey wool cap.', altSource: 'ai', altStatus: 'proposed', version: 7 }).where(eq(assets.id, id));
    const response = await send(file, { mode: 'apply', confirm: plan.digest });
    expect(response.status).toBe(200);
    expect(await byFilename(cap)).toMatchObject({ title: 'Wool cap', altText: 'A grey wool cap.', version: 8 });
  });

  it("imported tags merge into a photo's tags by default, keeping what people added; replace makes the file's tags its only ones", async () => {
    const merged = unique('scarf');
    const replaced = unique('glove');
    await insertCatalogueAsset(database().db, { filename: merged, tags: ['bestseller', 'Wool'] });
    await insertCatalogueAsset(database().db, { filename: replaced, tags: ['bestseller', 'wool'] });
    const mergeFile = `filename,tags\n${merged},"wool, winter"\n`;
    const replaceFile = `filename,tags\n${replaced},"wool, winter"\n`;

    const mergePlan = await preview(mergeFile);
    expect(mergePlan.tagMode).toBe('merge');
    expect(mergePlan.changes[0].changes.tags).toEqual({ from: 'bestseller, Wool', to: 'bestseller, Wool, winter' });
    await importFile(mergeFile);
    expect((await byFilename(merged)).tags).toEqual(['bestseller', 'Wool', 'winter']);

    const replacePlan = await preview(replaceFile, { tag_mode: 'replace' });
    expect(replacePlan.tagMode).toBe('replace');
    expect(replacePlan.changes[0].changes.tags).toEqual({ from: 'bestseller, wool', to: 'wool, winter' });
    await importFile(replaceFile, { tag_mode: 'replace' });
    expect((await byFilename(replaced)).tags).toEqual(['wool', 'winter']);
  });

  it('the digest names the tag mode: a preview made to merge cannot be applied as a replace', async () => {
    const belt = unique('belt');
    await insertCatalogueAsset(database().db, { filename: belt, tags: ['leather'] });
    const file = `filename,title,tags\n${belt},Brown belt,leather\n`;
    const merge = await preview(file);
    const replace = await preview(file, { tag_mode: 'replace' });
    // Neither mode changes the tags here, so only the mode itself tells the two previews apart.
    expect(merge.changes).toEqual(replace.changes);
    expect(merge.digest).not.toBe(replace.digest);
    const response = await send(file, { tag_mode: 'replace', mode: 'apply', confirm: merge.digest });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('plan_changed');
    expect((await byFilename(belt)).title).toBeNull();
  });

  it('a viewer may not import', async () => {
    expect((await send('filename,title\nx.jpg,y\n', {}, viewer)).status).toBe(403);
  });
});
