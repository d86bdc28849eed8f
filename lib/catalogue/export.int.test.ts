import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as exportRoute } from '@/app/api/exports/route';
import { assets, products } from '@/db/schema';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';
import { exportStream } from './export';

/** GET /api/exports: alt text out as CSV, JSON Lines and Shopify's CSV, streamed a page at a time. */
describe('export', () => {
  const database = useTestDatabase();
  let viewer: TestAccount;

  beforeAll(async () => {
    const db = database().db;
    viewer = await makeAccount(db, 'viewer');
    const approved = await insertCatalogueAsset(db, { filename: 'coat.jpg', sku: 'RC-1', tags: ['coat', 'wool'], altText: 'Red wool coat, with "horn" buttons,\non a hanger.', altSource: 'human', altStatus: 'approved' });
    await db.update(assets).set({ title: '=HYPERLINK("http://evil.example","click")', collection: '+Winter', handle: 'red-coat', imageSrc: 'https://cdn.example.com/files/coat.jpg' }).where(eq(assets.id, approved));
    await insertCatalogueAsset(db, { filename: 'boot.jpg', sku: '@boot', altText: 'Brown leather boot.', altStatus: 'proposed' });
    await insertCatalogueAsset(db, { filename: 'border.png', altText: '', altSource: 'human', altStatus: 'decorative' });
    await insertCatalogueAsset(db, { filename: 'never-arrived.jpg', state: 'awaiting_upload' });
  });

  const get = (query: string) => call(exportRoute, { cookie: viewer.cookie, path: `/api/exports?${query}` });
  const csvOf = async (query: string) => {
    const response = await get(query);
    expect(response.status).toBe(200);
    return parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
  };

  it('CSV of approved text: the named columns, quoting that round-trips, formula cells neutralised', async () => {
    const response = await get('format=csv&status=approved');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="loupe-alt-text-approved-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0])).toEqual(['filename', 'sku', 'title', 'collection', 'tags', 'alt_text', 'status', 'source', 'model', 'prompt_version', 'updated_at']);
    expect(rows.map((row) => row.filename).sort()).toEqual(['border.png', 'coat.jpg']);
    const coat = rows.find((row) => row.filename === 'coat.jpg');
    expect(coat).toMatchObject({ sku: 'RC-1', title: `'=HYPERLINK("http://evil.example","click")`, collection: "'+Winter", tags: 'coat, wool', alt_text: 'Red wool coat, with "horn" buttons,\non a hanger.', status: 'approved', source: 'human' });
    expect(Date.parse(coat!.updated_at)).not.toBeNaN();
  });

  it('status=all includes proposed text; photos that never arrived are left out', async () => {
    const rows = await csvOf('format=csv&status=all');
    expect(rows.map((row) => row.filename).sort()).toEqual(['boot.jpg', 'border.png', 'coat.jpg']);
    expect(rows.find((row) => row.filename === 'boot.jpg')).toMatchObject({ sku: "'@boot", status: 'proposed', source: 'ai' });
  });

  it('JSON Lines: one object per photo, text as it is (no spreadsheet here to protect)', async () => {
    const response = await get('format=jsonl&status=all');
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, string>);
    expect(lines).toHaveLength(3);
    expect(lines.find((line) => line.filename === 'coat.jpg')).toMatchObject({ title: '=HYPERLINK("http://evil.example","click")', alt_text: 'Red wool coat, with "horn" buttons,\non a hanger.' });
  });

  it("Shopify's CSV: Handle, Image Src, Image Alt Text for photos whose handle is known", async () => {
    const rows = await csvOf('format=shopify&status=all');
    expect(rows).toEqual([{ Handle: 'red-coat', 'Image Src': 'https://cdn.example.com/files/coat.jpg', 'Image Alt Text': 'Red wool coat, with "horn" buttons,\non a hanger.' }]);
  });

  it('pages through the table: every photo once, whatever the page size', async () => {
    for (let i = 0; i < 7; i++) await insertCatalogueAsset(database().db, { filename: `page-${i}.jpg`, altText: `Photo ${i}.`, altStatus: 'approved', altSource: 'human' });
    const text = await new Response(exportStream(database().db, 'csv', { status: 'approved' }, 2)).text();
    const names = (parse(text, { columns: true }) as Array<{ filename: string }>).map((row) => row.filename);
    expect(names).toHaveLength(9);
    expect(new Set(names).size).toBe(9);
    expect(text.match(/^filename,/gm)).toHaveLength(1);
  });

  it('filters by everything the library filters by, with the library URL\'s names', async () => {
    const db = database().db;
    const [product] = await db.insert(products).values({ title: 'Scarf' }).returning({ id: products.id });
    const scarf = await insertCatalogueAsset(db, { filename: 'scarf.jpg', tags: ['Winter'], altText: 'A green scarf.', altStatus: 'proposed' });
    await db.update(assets).set({ collection: 'Knitwear', productId: product.id, productPosition: 0 }).where(eq(assets.id, scarf));
    const names = async (query: string) => (await csvOf(query)).map((row) => row.filename).sort();
    expect(await names('status=all&tag=winter')).toEqual(['scarf.jpg']);
    expect(await names('status=all&collection=knitwear')).toEqual(['scarf.jpg']);
    expect(await names(`status=all&product=${product.id}`)).toEqual(['scarf.jpg']);
    expect(await names('status=proposed')).toEqual(['boot.jpg', 'scarf.jpg']);
    expect(await names('status=decorative')).toEqual(['border.png']);
    expect(await names('status=all&q=BOO')).toEqual(['boot.jpg']);
    expect(await names('status=all&state=failed')).toEqual([]);
    // The export form's empty fields (no JavaScript) mean "any".
    expect(await names('status=all&q=&tag=winter&collection=&state=')).toEqual(['scarf.jpg']);
    const response = await get('format=jsonl&status=all&tag=winter');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="loupe-alt-text-all-filtered-\d{4}-\d{2}-\d{2}\.jsonl"$/);
  });

  it('refuses an unknown format, status or filter, and anonymous callers', async () => {
    expect((await get('format=xlsx')).status).toBe(422);
    expect((await get('status=bogus')).status).toBe(422);
    expect((await get('owner=me')).status).toBe(422);
    expect((await get('product=not-a-uuid')).status).toBe(422);
    expect((await get(`tag=${encodeURIComponent('a\u0000b')}`)).status).toBe(422);
    expect((await call(exportRoute, { path: '/api/exports' })).status).toBe(401);
  });
});
