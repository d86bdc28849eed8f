import { parse } from 'csv-parse/sync';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as exportRoute } from '@/app/api/exports/route';
import { POST as importRoute } from '@/app/api/imports/route';
import { altTexts, assetRemotes, assets, connections } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { localeCoverage } from '@/lib/review';
import { call, makeAccount, TEST_ORIGIN, type TestAccount } from '@/test/auth';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';
import { exportStream } from './export';

const HEADER = 'Type,Identification,Field,Locale,Market,Status,Default content,Translated content';

/** Shopify's translations CSV through GET /api/exports and POST /api/imports, with LOCALES=en,fr,de. */
describe("Shopify's translations CSV", () => {
  const database = useTestDatabase();
  const db = () => database().db;
  const saved = process.env.LOCALES;
  let editor: TestAccount;
  let imported: string;
  let linked: string;

  beforeAll(async () => {
    process.env.LOCALES = 'en,fr,de';
    resetConfig();
    editor = await makeAccount(db(), 'editor');
    // A photo whose handle and shop image an import recorded: named by its Image Src.
    imported = await insertCatalogueAsset(db(), { filename: 'coat.jpg', altText: 'Red wool coat on a hanger.', altSource: 'human', altStatus: 'approved' });
    await db().update(assets).set({ handle: 'red-coat', imageSrc: 'https://cdn.shopify.com/files/coat.jpg' }).where(eq(assets.id, imported));
    // A photo a connected Shopify store links: named by its media ID.
    linked = await insertCatalogueAsset(db(), { filename: 'boot.jpg', altText: 'Brown leather boot.', altSource: 'human', altStatus: 'approved' });
    const [store] = await db().insert(connections).values({ kind: 'shopify', name: 'Shop', url: 'https://shop.example.com', username: 'admin', secretCiphertext: 'x', secretIv: 'x', secretTag: 'x' }).returning();
    await db().insert(assetRemotes).values({ connectionId: store.id, remoteId: 'gid://shopify/MediaImage/4242', assetId: linked, url: 'https://cdn.shopify.com/files/boot.jpg' });
    // Shopify cannot name this one: no handle, no store.
    const loose = await insertCatalogueAsset(db(), { filename: 'scarf.jpg', altText: 'Striped scarf.', altSource: 'human', altStatus: 'approved' });
    await db().insert(altTexts).values([
      { assetId: imported, locale: 'fr', text: '=Manteau en laine rouge sur un cintre.', status: 'approved', source: 'human' },
      { assetId: linked, locale: 'fr', text: 'Botte en cuir marron.', status: 'proposed', source: 'translation' },
      { assetId: loose, locale: 'fr', text: 'Écharpe rayée.', status: 'approved', source: 'human' },
    ]);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.LOCALES;
    else process.env.LOCALES = saved;
    resetConfig();
  });

  const exported = (query: string) => call(exportRoute, { cookie: editor.cookie, path: `/api/exports?${query}` });
  const rowsOf = async (response: Response) => {
    expect(response.status).toBe(200);
    return parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
  };
  const send = (csv: string, query: Record<string, string> = {}) =>
    importRoute(
      new Request(`${TEST_ORIGIN}/api/imports?${new URLSearchParams(query)}`, {
        method: 'POST',
        headers: { cookie: editor.cookie, origin: TEST_ORIGIN, host: new URL(TEST_ORIGIN).host, 'content-type': 'text/csv' },
        body: new Uint8Array(Buffer.from(csv, 'utf8')),
      }),
      { params: Promise.resolve({}) },
    );
  const record = async (assetId: string, locale: string) => (await db().select().from(altTexts).where(and(eq(altTexts.assetId, assetId), eq(altTexts.locale, locale))))[0];

  it('export: one alt row per photo Shopify can name, the source text beside the approved French, formulas neutralised', async () => {
    const response = await exported('format=shopify-translations&locale=fr');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="loupe-shopify-translations-fr-approved-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = await rowsOf(response);
    expect(Object.keys(rows[0]).join(',')).toBe(HEADER);
    expect(rows).toEqual([
      { Type: 'MEDIA_IMAGE', Identification: 'https://cdn.shopify.com/files/coat.jpg', Field: 'alt', Locale: 'fr', Market: '', Status: '', 'Default content': 'Red wool coat on a hanger.', 'Translated content': "'=Manteau en laine rouge sur un cintre." },
    ]);
  });

  it("export: status=all takes proposed text too, and a store's photo is named by its media ID", async () => {
    const rows = await rowsOf(await exported('format=shopify-translations&locale=fr&status=all'));
    expect(rows.map((row) => [row.Identification, row['Translated content']]).sort()).toEqual([
      ['4242', 'Botte en cuir marron.'],
      ['https://cdn.shopify.com/files/coat.jpg', "'=Manteau en laine rouge sur un cintre."],
    ]);
  });

  it('export: read a page at a time, every page in the file', async () => {
    const text = await new Response(exportStream(db(), 'shopify-translations', { status: 'all' }, 1, 'fr')).text();
    expect(text.trimEnd().split('\n')).toHaveLength(3);
  });

  it('export: a locale that is not configured is 422 unknown_locale', async () => {
    const response = await exported('format=shopify-translations&locale=es');
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unknown_locale');
  });

  it('export: without a locale other than the source, 422 naming what is missing', async () => {
    for (const query of ['format=shopify-translations', 'format=shopify-translations&locale=en']) {
      const response = await exported(query);
      expect(response.status).toBe(422);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain('locale=');
    }
  });

  it("import: the file recognised by its header; each row's Translated content becomes the locale's text (source import)", async () => {
    const csv = `${HEADER}\r\nMEDIA_IMAGE,'4242,alt,de,,,Brown leather boot.,Brauner Lederstiefel.\r\nMEDIA_IMAGE,https://cdn.shopify.com/files/coat.jpg,alt,de,,,Red wool coat on a hanger.,Roter Wollmantel auf einem Bügel.\r\n`;
    const preview = await send(csv);
    expect(preview.status).toBe(200);
    const plan = (await preview.json()) as { format: string; digest: string; changes: Array<{ row: number; filename: string; changes: Record<string, unknown> }> };
    expect(plan.format).toBe('shopify-translations');
    expect(plan.changes).toEqual([
      { row: 2, assetId: linked, filename: 'boot.jpg', changes: { 'altText:de': { from: null, to: 'Brauner Lederstiefel.' } } },
      { row: 3, assetId: imported, filename: 'coat.jpg', changes: { 'altText:de': { from: null, to: 'Roter Wollmantel auf einem Bügel.' } } },
    ]);
    const applied = await send(csv, { mode: 'apply', confirm: plan.digest });
    expect(applied.status).toBe(200);
    expect(((await applied.json()) as { applied: number }).applied).toBe(2);
    expect(await record(linked, 'de')).toMatchObject({ text: 'Brauner Lederstiefel.', status: 'approved', source: 'import' });
    expect(await record(imported, 'de')).toMatchObject({ text: 'Roter Wollmantel auf einem Bügel.', status: 'approved', source: 'import' });
  });

  it('import: a row in a locale that is not configured is skipped with the reason on the preview', async () => {
    const preview = await send(`${HEADER}\r\nMEDIA_IMAGE,4242,alt,es,,,Brown leather boot.,Bota de cuero marrón.\r\n`);
    expect(preview.status).toBe(200);
    const plan = (await preview.json()) as { changeCount: number; skipped: Array<{ row: number; reason: string; message: string }> };
    expect(plan.changeCount).toBe(0);
    expect(plan.skipped).toEqual([expect.objectContaining({ row: 2, reason: 'unknown_locale' })]);
    expect(plan.skipped[0].message).toContain('es');
  });

  it("import: another resource's row (a product title) is skipped as not a photo's alt text", async () => {
    const plan = (await (await send(`${HEADER}\r\nPRODUCT,99,title,fr,,,Red coat,Manteau rouge\r\n`)).json()) as { skipped: Array<{ reason: string }> };
    expect(plan.skipped.map((row) => row.reason)).toEqual(['not_alt_text']);
  });

  it('import: a row naming no photo is skipped as no_match', async () => {
    const plan = (await (await send(`${HEADER}\r\nMEDIA_IMAGE,777,alt,fr,,,x,Inconnue.\r\n`)).json()) as { skipped: Array<{ reason: string }> };
    expect(plan.skipped.map((row) => row.reason)).toEqual(['no_match']);
  });

  it('import: a hostile cell (a NUL byte) refuses the file, naming its row, and writes nothing', async () => {
    const response = await send(`${HEADER}\r\nMEDIA_IMAGE,4242,alt,fr,,,Boot,Botte\u0000\r\n`);
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('Row 2');
    expect(await record(linked, 'fr')).toMatchObject({ text: 'Botte en cuir marron.' });
  });

  it('coverage: each locale other than the source, with its approved, proposed, missing and failed photos', async () => {
    const coverage = await localeCoverage(db());
    expect(coverage.map(({ locale }) => locale)).toEqual(['fr', 'de']);
    expect(coverage[0].counts).toMatchObject({ approved: 2, proposed: 1, missing: 0, failed: 0 });
  });

  it('coverage: none with one locale', async () => {
    process.env.LOCALES = 'en';
    resetConfig();
    try {
      expect(await localeCoverage(db())).toEqual([]);
    } finally {
      process.env.LOCALES = 'en,fr,de';
      resetConfig();
    }
  });
});
