import { asc, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { POST as importRoute } from '@/app/api/imports/route';
import { assets, products } from '@/db/schema';
import { makeAccount, TEST_ORIGIN, type TestAccount } from '@/test/auth';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';

interface Plan {
  groupBy: string;
  products: Array<{ key: string; title: string; collection: string | null; productId: string | null; photos: number }>;
  groupedPhotos: number;
  changeCount: number;
  unchangedCount: number;
  changes: Array<{ row: number; filename: string; product?: { key: string; position: number } }>;
  skipped: Array<{ row: number; key: string | null; reason: string; message: string }>;
  digest: string;
  applied?: number;
  conflicts?: unknown[];
}

/** CSV import groups photos into products: by Shopify's handle (with Image Position), by SKU, or not at all. */
describe('CSV import: photos grouped into products', () => {
  const database = useTestDatabase();
  const db = () => database().db;
  let editor: TestAccount;

  beforeAll(async () => {
    editor = await makeAccount(db(), 'editor');
  });

  const send = (file: string, query: Record<string, string> = {}) => {
    const url = `${TEST_ORIGIN}/api/imports?${new URLSearchParams(query)}`;
    const request = new Request(url, { method: 'POST', headers: { cookie: editor.cookie, origin: TEST_ORIGIN, host: new URL(TEST_ORIGIN).host, 'content-type': 'text/csv' }, body: new Uint8Array(Buffer.from(file, 'utf8')) });
    return importRoute(request, { params: Promise.resolve({}) });
  };
  const preview = async (file: string, query: Record<string, string> = {}) => {
    const response = await send(file, query);
    expect(response.status).toBe(200);
    return (await response.json()) as Plan;
  };
  const importFile = async (file: string, query: Record<string, string> = {}) => {
    const plan = await preview(file, query);
    const response = await send(file, { ...query, mode: 'apply', confirm: plan.digest });
    expect(response.status).toBe(200);
    return (await response.json()) as Plan;
  };
  const photo = async (filename: string) => {
    await insertCatalogueAsset(db(), { filename });
    return filename;
  };
  const placed = async (filenames: string[]) =>
    Object.fromEntries(
      (await db().select({ filename: assets.filename, productId: assets.productId, productPosition: assets.productPosition }).from(assets).where(inArray(assets.filename, filenames))).map(
        (row) => [row.filename, { productId: row.productId, position: row.productPosition }],
      ),
    );
  let counter = 0;
  const unique = (stem: string) => `${stem}-${++counter}-${crypto.randomUUID().slice(0, 8)}`;

  it("groups Shopify's rows by handle at their Image Position (1 = main image); importing again changes nothing", async () => {
    const handle = unique('trail-runner');
    const [side, front, sole] = [await photo(`${handle}-side.jpg`), await photo(`${handle}-front.jpg`), await photo(`${handle}-sole.jpg`)];
    const file = [
      'Handle,Title,Type,Variant SKU,Image Src,Image Position,Image Alt Text',
      `${handle},Trail runner,Shoes,TR-41,https://cdn.example.com/files/${side},2,`,
      `${handle},,,TR-42,,,`,
      `${handle},,,,https://cdn.example.com/files/${front},1,`,
      `${handle},,,,https://cdn.example.com/files/${sole},3,`,
    ].join('\n');
    const plan = await preview(file);
    expect(plan).toMatchObject({ groupBy: 'handle', groupedPhotos: 3, products: [{ key: handle, title: 'Trail runner', collection: 'Shoes', productId: null, photos: 3 }] });
    expect(plan.changes.map((change) => [change.filename, change.product?.position])).toEqual([[side, 1], [front, 0], [sole, 2]]);

    expect(await importFile(file)).toMatchObject({ applied: 3, conflicts: [] });
    const made = await db().select().from(products).where(eq(products.handle, handle));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ title: 'Trail runner', collection: 'Shoes', connectionId: null, sku: null });
    expect(await placed([side, front, sole])).toEqual({
      [front]: { productId: made[0].id, position: 0 },
      [side]: { productId: made[0].id, position: 1 },
      [sole]: { productId: made[0].id, position: 2 },
    });

    const again = await preview(file);
    expect(again).toMatchObject({ changeCount: 0, unchangedCount: 3, products: [{ key: handle, productId: made[0].id, photos: 3 }] });
  });

  it('without Image Position the file order places the photos; an existing product with the handle is reused', async () => {
    const handle = unique('linen-shirt');
    const [existing] = await db().insert(products).values({ title: 'Linen shirt', handle }).returning();
    const [one, two] = [await photo(`${handle}-a.jpg`), await photo(`${handle}-b.jpg`)];
    const file = ['filename,handle,title', `${one},${handle},Linen shirt`, `${two},${handle},`].join('\n');
    expect(await preview(file)).toMatchObject({ groupBy: 'handle', products: [{ productId: existing.id, photos: 2 }] });
    await importFile(file);
    expect(await placed([one, two])).toEqual({ [one]: { productId: existing.id, position: 0 }, [two]: { productId: existing.id, position: 1 } });
    expect(await db().select().from(products).where(eq(products.handle, handle))).toHaveLength(1);
  });

  it('groups by SKU when asked, a product per SKU; by default a file without a handle column groups nothing', async () => {
    const sku = unique('MUG');
    const other = unique('BOWL');
    const [mugSide, mugTop, bowl] = [await photo(`${sku}-side.jpg`), await photo(`${sku}-top.jpg`), await photo(`${other}.jpg`)];
    const file = ['filename,sku,title', `${mugSide},${sku},Stoneware mug`, `${mugTop},${sku},Stoneware mug`, `${bowl},${other},`].join('\n');

    const ungrouped = await preview(file);
    expect(ungrouped).toMatchObject({ groupBy: 'none', products: [], groupedPhotos: 0 });
    expect(ungrouped.changes.every((change) => change.product === undefined)).toBe(true);

    const plan = await preview(file, { group_by: 'sku' });
    expect(plan).toMatchObject({ groupBy: 'sku', groupedPhotos: 3, products: [{ key: sku, title: 'Stoneware mug', photos: 2 }, { key: other, title: other, photos: 1 }] });
    await importFile(file, { group_by: 'sku' });
    const made = await db().select().from(products).where(inArray(products.sku, [sku, other])).orderBy(asc(products.sku));
    expect(made.map((product) => [product.sku, product.title, product.handle])).toEqual([[other, other, null], [sku, 'Stoneware mug', null]]);
    const mug = made.find((product) => product.sku === sku)!;
    expect(await placed([mugSide, mugTop, bowl])).toEqual({
      [mugSide]: { productId: mug.id, position: 0 },
      [mugTop]: { productId: mug.id, position: 1 },
      [bowl]: { productId: made.find((product) => product.sku === other)!.id, position: 0 },
    });
  });

  it('an absurd or malformed Image Position, or a NUL in the handle, refuses the row with the reason; the others apply', async () => {
    const handle = unique('wool-scarf');
    const names = await Promise.all(['fine', 'huge', 'zero', 'words', 'nul', 'nul-handle'].map((name) => photo(`${handle}-${name}.jpg`)));
    const [fine, huge, zero, words, nul, nulHandle] = names;
    const file = [
      'Handle,Title,Image Src,Image Position',
      `${handle},Wool scarf,https://cdn.example.com/${fine},1`,
      `${handle},,https://cdn.example.com/${huge},99999999999`,
      `${handle},,https://cdn.example.com/${zero},0`,
      `${handle},,https://cdn.example.com/${words},second`,
      `${handle},,https://cdn.example.com/${nul},2\u0000`,
      `${handle}\u0000x,,https://cdn.example.com/${nulHandle},3`,
    ].join('\n');
    const plan = await preview(file);
    expect(plan.skipped.map((row) => [row.row, row.reason])).toEqual([[3, 'bad_value'], [4, 'bad_value'], [5, 'bad_value'], [6, 'bad_value'], [7, 'bad_value']]);
    expect(plan.skipped[0].message).toBe('The Image Position is "99999999999"; it must be a whole number from 1 (the main image) to 250.');
    expect(plan.skipped[4].message).toMatch(/^The handle holds a NUL character/);
    expect(plan).toMatchObject({ groupedPhotos: 1, products: [{ key: handle, photos: 1 }] });
    expect(await importFile(file)).toMatchObject({ applied: 1 });
    const state = await placed(names);
    expect(state[fine].position).toBe(0);
    for (const refused of [huge, zero, words, nul, nulHandle]) expect(state[refused]).toEqual({ productId: null, position: null });
  });

  it('grouping by a column the file does not map is refused (422) with what to do; so is an unknown group_by', async () => {
    const response = await send('filename,title\na.jpg,A', { group_by: 'sku' });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'bad_mapping', message: expect.stringMatching(/needs a column mapped to the SKU/) });
    const unknown = await send('filename,title\na.jpg,A', { group_by: 'colour' });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/group_by/);
  });
});
