import { eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { POST as bulkRoute } from '@/app/api/assets/bulk/route';
import { GET as listRoute } from '@/app/api/assets/route';
import { altHistory, assets, jobs } from '@/db/schema';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';

/** POST /api/assets/bulk: one action on the ids picked or on everything the library filter matches, answered per asset. */
describe('bulk actions', () => {
  const database = useTestDatabase();
  let viewer: TestAccount;
  let editor: TestAccount;
  const id: Record<string, string> = {};

  interface Summary {
    action: string;
    selected: number;
    counts: { ok: number; skipped: number; failed: number };
    results: { id: string; outcome: 'ok' | 'skipped' | 'failed'; reason?: string }[];
  }

  const bulk = (body: unknown, account: TestAccount | null = editor) =>
    call(bulkRoute, { method: 'POST', path: '/api/assets/bulk', body, ...(account ? { cookie: account.cookie } : {}) });
  const run = async (body: unknown): Promise<Summary> => {
    const response = await bulk(body);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as Summary;
  };
  const outcomeOf = (summary: Summary, assetId: string) => summary.results.find((result) => result.id === assetId);
  const row = async (assetId: string) => (await database().db.select().from(assets).where(eq(assets.id, assetId)))[0];
  const errorOf = async (response: Response) => ({ status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code });

  beforeAll(async () => {
    const db = database().db;
    viewer = await makeAccount(db, 'viewer');
    editor = await makeAccount(db, 'editor');
    id.coat = await insertCatalogueAsset(db, { filename: 'red-coat.jpg', tags: ['Coats'], altText: 'A red wool coat' });
    id.parka = await insertCatalogueAsset(db, { filename: 'parka.jpg', tags: ['coats', 'winter'], altText: 'A green parka' });
    id.boot = await insertCatalogueAsset(db, { filename: 'boot.jpg', tags: ['shoes'], altText: 'A brown boot', altSource: 'human', altStatus: 'approved' });
    id.scarf = await insertCatalogueAsset(db, { filename: 'scarf.jpg', tags: ['coats'], altText: 'A scarf, approved', altSource: 'ai', altStatus: 'approved' });
    id.border = await insertCatalogueAsset(db, { filename: 'border.png', altText: '', altSource: 'human', altStatus: 'decorative' });
    id.binned = await insertCatalogueAsset(db, { filename: 'old-coat.jpg', tags: ['coats'] });
    await db.update(assets).set({ decorative: true }).where(eq(assets.id, id.border));
    await db.update(assets).set({ deletedAt: sql`now()`, deletedBy: 'Someone' }).where(eq(assets.id, id.binned));
  });

  it('filters the library list the same way, with the count "select all matching" would act on', async () => {
    const list = (query: string) => call(listRoute, { bearer: viewer.token, path: `/api/assets?${query}` });
    const page = (await (await list('tag=coats&total=1')).json()) as { items: { id: string }[]; total: number };
    expect(page.items.map((item) => item.id).sort()).toEqual([id.coat, id.parka, id.scarf].sort());
    expect(page.total).toBe(3);
    // % and _ are plain characters in the search text, not wildcards.
    expect(((await (await list('q=%25')).json()) as { items: unknown[] }).items).toEqual([]);
    expect(((await (await list('q=_')).json()) as { items: unknown[] }).items).toEqual([]);
    expect(((await (await list('q=')).json()) as { items: unknown[] }).items).toHaveLength(5);
    expect(await errorOf(await list('status=great'))).toEqual({ status: 422, code: 'validation_failed' });
    expect(await errorOf(await list(`tag=${encodeURIComponent('a\u0000b')}`))).toEqual({ status: 422, code: 'validation_failed' });
    expect(await errorOf(await list('total=yes'))).toEqual({ status: 422, code: 'validation_failed' });
  });

  it('refuses anonymous callers (401) and viewers (403)', async () => {
    const body = { action: 'delete', selection: { ids: [id.coat] } };
    expect(await errorOf(await bulk(body, null))).toEqual({ status: 401, code: 'unauthenticated' });
    expect(await errorOf(await bulk(body, viewer))).toEqual({ status: 403, code: 'forbidden' });
    expect(await errorOf(await call(bulkRoute, { method: 'POST', bearer: viewer.token, body }))).toEqual({ status: 403, code: 'forbidden' });
    expect((await row(id.coat)).deletedAt).toBeNull();
  });

  it('adds tags, answering each asset: ok, skipped with why, failed with why', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const before = await row(id.coat);
    const summary = await run({ action: 'add_tags', tags: ['winter', 'Sale'], selection: { ids: [id.coat, id.parka, id.binned, missing, 'not-an-id', id.coat.toUpperCase()] } });
    expect(summary.counts).toEqual({ ok: 2, skipped: 2, failed: 2 });
    // Listed twice (in another case): acted on once, the repeat answered as skipped.
    expect(summary.results.filter((result) => result.id === id.coat)).toEqual([
      { id: id.coat, outcome: 'skipped', reason: 'listed more than once; acted on once' },
      { id: id.coat, outcome: 'ok' },
    ]);
    expect(outcomeOf(summary, id.parka)).toEqual({ id: id.parka, outcome: 'ok' });
    expect(outcomeOf(summary, id.binned)).toEqual({ id: id.binned, outcome: 'skipped', reason: 'it is in the trash: restore it first' });
    expect(outcomeOf(summary, missing)).toEqual({ id: missing, outcome: 'failed', reason: 'no such asset: it may have been purged' });
    expect(outcomeOf(summary, 'not-an-id')).toEqual({ id: 'not-an-id', outcome: 'failed', reason: 'not an asset id (a UUID)' });
    const after = await row(id.coat);
    expect(after.tags).toEqual(['Coats', 'winter', 'Sale']);
    expect(after.version).toBe(before.version + 1);
    expect((await row(id.parka)).tags).toEqual(['coats', 'winter', 'Sale']);
    // Tags are embedded for search: the change queues a re-embed.
    expect(await database().db.select().from(jobs).where(sql`${jobs.assetId} = ${id.coat} and ${jobs.kind} = 'embed'`)).toHaveLength(1);

    const again = await run({ action: 'add_tags', tags: ['sale'], selection: { ids: [id.coat] } });
    expect(again.results).toEqual([{ id: id.coat, outcome: 'skipped', reason: 'it already has these tags' }]);
  });

  it('removes tags whatever their case', async () => {
    const summary = await run({ action: 'remove_tags', tags: ['SALE'], selection: { ids: [id.coat, id.boot] } });
    expect(outcomeOf(summary, id.coat)?.outcome).toBe('ok');
    expect(outcomeOf(summary, id.boot)).toEqual({ id: id.boot, outcome: 'skipped', reason: 'it has none of these tags' });
    expect((await row(id.coat)).tags).toEqual(['Coats', 'winter']);
  });

  it('sets and clears the collection', async () => {
    const set = await run({ action: 'set_collection', collection: 'Winter 2026', selection: { ids: [id.coat, id.parka] } });
    expect(set.counts.ok).toBe(2);
    expect((await row(id.parka)).collection).toBe('Winter 2026');
    const same = await run({ action: 'set_collection', collection: 'Winter 2026', selection: { ids: [id.parka] } });
    expect(same.results[0]).toMatchObject({ outcome: 'skipped', reason: 'it is already in this collection' });
    await run({ action: 'set_collection', collection: '', selection: { ids: [id.parka] } });
    expect((await row(id.parka)).collection).toBeNull();
  });

  it('regenerates AI text through a describe job, never touching a person’s or approved text', async () => {
    const summary = await run({ action: 'regenerate', selection: { ids: [id.coat, id.boot, id.scarf, id.border] } });
    expect(outcomeOf(summary, id.coat)).toEqual({ id: id.coat, outcome: 'ok' });
    expect(outcomeOf(summary, id.boot)).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('a person wrote its alt text') });
    expect(outcomeOf(summary, id.scarf)).toMatchObject({ outcome: 'skipped', reason: 'its alt text was approved by a person' });
    expect(outcomeOf(summary, id.border)).toMatchObject({ outcome: 'skipped' });
    const coat = await row(id.coat);
    expect(coat).toMatchObject({ altText: null, altStatus: 'none' });
    const [describe] = await database().db.select().from(jobs).where(sql`${jobs.assetId} = ${id.coat} and ${jobs.kind} = 'describe'`);
    expect(describe.status).toBe('pending');
    const history = await database().db.select().from(altHistory).where(eq(altHistory.assetId, id.coat));
    expect(history.map((h) => [h.event, h.text])).toContainEqual(['regenerate_requested', 'A red wool coat']);
    expect((await row(id.boot)).altText).toBe('A brown boot');
    expect((await row(id.scarf)).altText).toBe('A scarf, approved');
  });

  it('marks decorative, except text a person wrote', async () => {
    await database().db.delete(jobs).where(sql`${jobs.assetId} = ${id.parka} and ${jobs.kind} = 'embed'`);
    const summary = await run({ action: 'decorative', selection: { ids: [id.parka, id.boot, id.border] } });
    expect(outcomeOf(summary, id.parka)).toEqual({ id: id.parka, outcome: 'ok' });
    expect(outcomeOf(summary, id.boot)).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('a person wrote its alt text') });
    expect(outcomeOf(summary, id.border)).toEqual({ id: id.border, outcome: 'skipped', reason: 'it is already decorative' });
    expect(await row(id.parka)).toMatchObject({ decorative: true, altStatus: 'decorative', altText: '' });
    // The emptied text is what search embeds: a re-embed is queued.
    expect(await database().db.select().from(jobs).where(sql`${jobs.assetId} = ${id.parka} and ${jobs.kind} = 'embed'`)).toHaveLength(1);
    expect((await row(id.boot)).decorative).toBe(false);
  });

  it('selects all matching a filter on the server: tag (any case) and search text, never trashed assets', async () => {
    const summary = await run({ action: 'add_tags', tags: ['outerwear'], selection: { filter: { tag: 'COATS' } } });
    expect(summary.selected).toBe(3);
    expect(summary.results.map((r) => r.id).sort()).toEqual([id.coat, id.parka, id.scarf].sort());
    expect((await row(id.binned)).tags).toEqual(['coats']);
    expect((await row(id.boot)).tags).toEqual(['shoes']);

    const byText = await run({ action: 'set_collection', collection: 'Footwear', selection: { filter: { q: 'BOOT' } } });
    expect(byText.results).toEqual([{ id: id.boot, outcome: 'ok' }]);
    const byStatus = await run({ action: 'add_tags', tags: ['checked'], selection: { filter: { status: 'approved', collection: 'footwear' } } });
    expect(byStatus.results).toEqual([{ id: id.boot, outcome: 'ok' }]);
    // A filter that matches nothing is an empty answer, not an error.
    expect((await run({ action: 'delete', selection: { filter: { q: 'no-such-photo' } } })).selected).toBe(0);
  });

  it('deletes to the trash, answering assets already there', async () => {
    const summary = await run({ action: 'delete', selection: { ids: [id.scarf, id.binned] } });
    expect(summary.results).toEqual(
      expect.arrayContaining([
        { id: id.scarf, outcome: 'ok' },
        { id: id.binned, outcome: 'skipped', reason: 'already in the trash' },
      ]),
    );
    const scarf = await row(id.scarf);
    expect(scarf.deletedAt).not.toBeNull();
    expect(scarf.deletedBy).toBe('Test editor');
    const [purge] = await database().db.select().from(jobs).where(sql`${jobs.assetId} = ${id.scarf} and ${jobs.kind} = 'purge'`);
    expect(purge.nextAttemptAt!.getTime() - Date.now()).toBeGreaterThan(29.9 * 86_400_000);
  });

  it('refuses a selection over 10,000 assets, by filter (413) or by ids (422), changing nothing', async () => {
    const db = database().db;
    await db.execute(sql`
      insert into assets (filename, declared_type, declared_size, original_key, derivative_prefix, state)
      select 'many-' || n || '.jpg', 'image/jpeg', 1, 'o/many' || n, 'd/many' || n, 'described' from generate_series(1, 10001) n`);
    const response = await bulk({ action: 'delete', selection: { filter: { q: 'many-' } } });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { code: string; message: string; details: { matched: number } } };
    expect(body.error.code).toBe('too_many_items');
    expect(body.error.details.matched).toBe(10001);
    expect(body.error.message).toMatch(/at most 10000/);
    const ids = (await db.select({ id: assets.id }).from(assets).where(sql`${assets.filename} like 'many-%'`)).map((r) => r.id);
    expect(await errorOf(await bulk({ action: 'delete', selection: { ids } }))).toEqual({ status: 422, code: 'validation_failed' });
    expect(await db.select({ id: assets.id }).from(assets).where(inArray(assets.id, ids.slice(0, 5)))).toHaveLength(5);
    expect((await db.select({ n: sql<number>`count(*)::int` }).from(assets).where(sql`${assets.deletedAt} is not null and ${assets.filename} like 'many-%'`))[0].n).toBe(0);
    await db.execute(sql`delete from assets where filename like 'many-%'`);
  });

  it('answers hostile bodies with a specific 422 each', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ action: 'explode', selection: { ids: [id.coat] } }, /action/],
      [{ action: 'add_tags', selection: { ids: [id.coat] } }, /tags/],
      [{ action: 'add_tags', tags: [], selection: { ids: [id.coat] } }, /at least one tag/],
      [{ action: 'add_tags', tags: ['x'.repeat(65)], selection: { ids: [id.coat] } }, /at most 64/],
      [{ action: 'add_tags', tags: ['a\u0000b'], selection: { ids: [id.coat] } }, /NUL/],
      [{ action: 'delete', selection: { ids: [] } }, /at least one asset/],
      [{ action: 'delete', selection: { ids: [id.coat], filter: {} } }, /selection/],
      [{ action: 'delete', selection: { filter: { colour: 'red' } } }, /selection/],
      [{ action: 'delete', selection: { filter: { status: 'great' } } }, /selection/],
      [{ action: 'set_collection', collection: 'a\nb', selection: { ids: [id.coat] } }, /one line/],
      [{ action: 'delete' }, /selection/],
    ];
    for (const [body, message] of cases) {
      const response = await bulk(body);
      const answer = (await response.json()) as { error: { code: string; message: string } };
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(answer.error.message, JSON.stringify(body)).toMatch(message);
    }
    expect((await row(id.coat)).deletedAt).toBeNull();
    const tooBig = await call(bulkRoute, { method: 'POST', cookie: editor.cookie, rawBody: JSON.stringify({ action: 'delete', selection: { ids: [id.coat] }, pad: 'x'.repeat(600_000) }) });
    expect(await errorOf(tooBig)).toEqual({ status: 413, code: 'payload_too_large' });
    expect(await errorOf(await call(bulkRoute, { method: 'POST', cookie: editor.cookie, rawBody: '{"action":' }))).toEqual({ status: 400, code: 'invalid_json' });
  });
});
