import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '@/db/client';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { backfillEmbeddings } from '@/lib/jobs';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { GET } from './route';

interface SearchBody {
  query: { q: string; terms: string[] };
  results: { asset: { id: string; derivatives: { grid: unknown } }; score: number; matched: { exact: boolean; vector: unknown; text: unknown } }[];
  nextCursor: string | null;
  notices: { code: string; message: string }[];
  error?: { code: string; message: string };
}

describe.skipIf(!standInModelAvailable())('GET /api/search', () => {
  const database = useTestDatabase();
  let viewer: TestAccount;
  let backpack: string;

  const search = async (params: Record<string, string>, bearer: string | null = viewer.token) => {
    const response = await call(GET, { path: `/api/search?${new URLSearchParams(params)}`, bearer: bearer ?? undefined });
    return { status: response.status, body: (await response.json()) as SearchBody };
  };

  beforeAll(async () => {
    useStandInEmbeddingModel();
    const db = database().db;
    viewer = await makeAccount(db, 'viewer');
    backpack = await insertCatalogueAsset(db, { filename: 'DSC_0001.jpg', altText: 'A navy blue backpack with leather straps', tags: ['bags'] });
    await insertCatalogueAsset(db, { filename: 'coat.jpg', altText: 'A red wool coat on a hanger', tags: ['outerwear'] });
    await insertCatalogueAsset(db, { filename: 'shoes.jpg', altText: 'White running shoes', tags: ['footwear'] });
    expect(await backfillEmbeddings(database().db)).toMatchObject({ ok: true });
  });

  it('needs a signed-in viewer', async () => {
    expect((await search({ q: 'backpack' }, null)).status).toBe(401);
  });

  it('returns ranked assets with their score and the signals that matched', async () => {
    const { status, body } = await search({ q: 'navy backpack' });
    expect(status).toBe(200);
    expect(body.results[0]).toMatchObject({ asset: { id: backpack, derivatives: { grid: null } }, matched: { exact: false } });
    expect(body.results[0].matched.vector).not.toBeNull();
    expect(body.results[0].matched.text).not.toBeNull();
    expect(body.results[0].score).toBeGreaterThan(0);
    expect(body.query.terms).toEqual(['navy', 'backpack']);
  });

  describe('bad queries get a clear answer, never a 500', () => {
    it.each([
      ['an empty query', ''],
      ['a query of spaces', '   '],
      ['a 10 000-character query', 'backpack '.repeat(1112).slice(0, 10_000)],
    ])('%s: 422 saying what to type', async (_, q) => {
      const { status, body } = await search({ q });
      expect(status).toBe(422);
      expect(body.error?.code).toBe('validation_failed');
      expect(body.error?.message).toMatch(/search for|characters/);
    });

    it.each([["'"], ['&'], ['|'], ['!'], [':*'], ['\\'], ['🎒'], ['<->'], ['"']])('%s alone: 200, no results, a hint', async (q) => {
      const { status, body } = await search({ q });
      expect(status).toBe(200);
      expect(body.results).toEqual([]);
      expect(body.notices.map((n) => n.code)).toEqual(['no_terms']);
    });

    it.each([["navy ' backpack"], ['navy & backpack'], ['navy | backpack'], ['!backpack'], ['backpack:*'], ['navy\\backpack'], ['🎒 backpack'], ["backpack'; --"]])(
      '%s: searches the words, ignores the syntax',
      async (q) => {
        const { status, body } = await search({ q });
        expect(status).toBe(200);
        expect(body.results[0]?.asset.id).toBe(backpack);
      },
    );

    it.each([['рюкзак'], ['背包'], ['حقيبة ظهر'], ['sac à dos']])('other scripts (%s): 200', async (q) => {
      const { status, body } = await search({ q });
      expect(status).toBe(200);
      expect(Array.isArray(body.results)).toBe(true);
    });

    it('an injection attempt is only text', async () => {
      const { status } = await search({ q: "x'); drop table assets; --" });
      expect(status).toBe(200);
      const [count] = await rows<{ n: number }>(database().db, sql`select count(*)::int as n from assets`);
      expect(count.n).toBe(3);
    });

    it('a foreign cursor is a 400, an unknown filter value a 422', async () => {
      expect((await search({ q: 'backpack', cursor: 'garbage' })).status).toBe(400);
      expect((await search({ q: 'backpack', state: 'bogus' })).status).toBe(422);
      expect((await search({ q: 'backpack', limit: '1000' })).status).toBe(422);
      expect((await search({ q: 'backpack', from: 'yesterday' })).status).toBe(422);
    });
  });
});
