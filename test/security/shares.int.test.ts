import { parse } from 'csv-parse/sync';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GET as getAsset } from '@/app/api/assets/[id]/route';
import { GET as listAssets } from '@/app/api/assets/route';
import { GET as sharedZip } from '@/app/api/shared/[token]/download/route';
import { GET as shared } from '@/app/api/shared/[token]/route';
import { DELETE as revoke } from '@/app/api/shares/[id]/route';
import { GET as listSharesRoute, POST as createShareRoute } from '@/app/api/shares/route';
import { rateLimits, shares } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { getSignedUrl, readZip, storePhoto } from '@/test/downloads';
import { useTemporaryLocalStorage } from '@/test/ingest';

/**
 * Issue 22: a share link works without an account, shows only what it names, and stops when revoked or
 * expired; a guessed or tampered token is a 404, and too many of them from one address are refused.
 */
describe('share links', () => {
  const database = useTestDatabase();
  const db = () => database().db;
  const files = useTemporaryLocalStorage();
  let editor: TestAccount;
  let seed = 100;

  beforeEach(async () => {
    editor = await makeAccount(db(), 'editor');
    // Each test starts with no wrong guesses counted from the test's address.
    await db().delete(rateLimits);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    resetConfig();
  });

  const photo = (filename: string, extra: Partial<Parameters<typeof storePhoto>[2]> = {}) => storePhoto(db(), files().storage, { filename, seed: (seed += 1), grid: true, ...extra });
  const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
  const tokenOf = (url: string) => new URL(url).pathname.replace(/^\/s\//, '');
  const open = (token: string, path = `/api/shared/${token}`) => call(shared, { path, params: { token } });

  async function share(body: Record<string, unknown>, account = editor) {
    const response = await call(createShareRoute, { method: 'POST', bearer: account.token, body: { expiresAt: inAnHour(), ...body } });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; url: string };
  }

  it('shows the picked photos, their alt text and (when allowed) downloads to anyone holding the link', async () => {
    const a = await photo('a.jpg', { altText: 'A red chair' });
    const b = await photo('b.jpg', { altText: 'A blue lamp' });
    await photo('not-shared.jpg', { altText: 'Secret prototype' });
    const { url, id } = await share({ ids: [a, b], allowDownload: true });
    expect(url).toMatch(/^http:\/\/loupe\.test\/s\/[A-Za-z0-9_-]{32}$/);
    // Only the token's SHA-256 is kept, and it is never answered.
    const [row] = await db().select().from(shares).where(eq(shares.id, id));
    expect(row.tokenHash).not.toBe(tokenOf(url));
    expect(await (await call(listSharesRoute, { bearer: editor.token })).text()).not.toContain(row.tokenHash);

    const page = await open(tokenOf(url));
    expect(page.status).toBe(200);
    const body = await page.json();
    expect(body).toMatchObject({ label: '2 photos', allowDownload: true, total: 2, page: 1, pages: 1 });
    expect(body.photos.map((p: { filename: string; altText: string }) => [p.filename, p.altText])).toEqual([
      ['a.jpg', 'A red chair'],
      ['b.jpg', 'A blue lamp'],
    ]);
    expect(JSON.stringify(body)).not.toContain(a);
    const image = await getSignedUrl(body.photos[0].imageUrl);
    expect(image.status).toBe(200);
    const original = await getSignedUrl(body.photos[0].downloadUrl);
    expect(original.headers.get('content-disposition')).toMatch(/attachment; filename="a\.jpg"/);

    const zip = await call(sharedZip, { params: { token: tokenOf(url) } });
    expect(zip.status).toBe(200);
    const entries = await readZip(Buffer.from(await zip.arrayBuffer()));
    expect(entries.map((entry) => entry.name)).toEqual(['a.jpg', 'b.jpg', 'alt-text.csv']);
    const csv = parse(entries[2].data.toString('utf8'), { columns: true }) as Record<string, string>[];
    expect(csv.map((line) => line.alt_text)).toEqual(['A red chair', 'A blue lamp']);
  });

  it('offers no downloads when the link does not allow them: no original URLs, and the ZIP is 403', async () => {
    const a = await photo('view-only.jpg');
    const { url } = await share({ ids: [a] });
    const body = await (await open(tokenOf(url))).json();
    expect(body.photos[0].downloadUrl).toBeNull();
    const zip = await call(sharedZip, { params: { token: tokenOf(url) } });
    expect(zip.status).toBe(403);
    expect((await zip.json()).error).toEqual({ code: 'forbidden', message: 'This share link shows the photos but does not allow downloading them.' });
  });

  it('lets the token reach nothing else: not the library, not another asset, not the API', async () => {
    const a = await photo('shared.jpg');
    const other = await photo('other.jpg');
    const { url } = await share({ ids: [a] });
    const token = tokenOf(url);
    for (const answer of [
      await call(listAssets, { bearer: token }),
      await call(getAsset, { bearer: token, params: { id: other } }),
      await call(getAsset, { bearer: token, params: { id: a } }),
      await call(listAssets, { cookie: `loupe_session=${token}` }),
      await call(listSharesRoute, { bearer: token }),
    ]) {
      expect(answer.status).toBe(401);
    }
    // The share's own answers carry no asset ids, and no URL to anything but the shared photo's files.
    const body = await (await open(token)).json();
    expect(body.photos).toHaveLength(1);
    expect(JSON.stringify(body)).not.toContain(other);
    // Another asset's id appended to the share's path is still the share (the route takes no asset id).
    expect((await open(token, `/api/shared/${token}/${other}`)).status).toBe(200);
  });

  it('freezes a filter share at creation, and keeps a collection share live', async () => {
    await photo('summer-1.jpg', { tags: ['summer'], collection: 'Beach' });
    const filtered = await share({ filter: { tag: 'summer' } });
    const collection = await share({ collection: 'beach' });
    await photo('summer-2.jpg', { tags: ['summer'], collection: 'Beach' });
    const frozen = await (await open(tokenOf(filtered.url))).json();
    expect(frozen).toMatchObject({ label: '1 photo matching a filter', total: 1 });
    const live = await (await open(tokenOf(collection.url))).json();
    expect(live).toMatchObject({ label: 'Collection “beach”', total: 2 });
  });

  it('answers 410 once revoked (by the maker, or an admin) or expired, and lists links for admins', async () => {
    const a = await photo('revoked.jpg');
    const mine = await share({ ids: [a] });
    const stranger = await makeAccount(db(), 'editor');
    const foreign = await call(revoke, { method: 'DELETE', bearer: stranger.token, params: { id: mine.id } });
    expect(foreign.status).toBe(404);
    const revoked = await call(revoke, { method: 'DELETE', bearer: editor.token, params: { id: mine.id } });
    expect(revoked.status).toBe(200);
    expect((await revoked.json()).status).toBe('revoked');
    const gone = await open(tokenOf(mine.url));
    expect(gone.status).toBe(410);
    expect((await gone.json()).error.code).toBe('share_gone');
    expect((await call(sharedZip, { params: { token: tokenOf(mine.url) } })).status).toBe(410);

    const expiring = await share({ ids: [a] });
    await db().update(shares).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(shares.id, expiring.id));
    const expired = await open(tokenOf(expiring.url));
    expect(expired.status).toBe(410);
    expect((await expired.json()).error.message).toMatch(/^This share link expired on /);

    const admin = await makeAccount(db(), 'admin');
    const byAdmin = await share({ ids: [a] }, stranger);
    expect((await call(revoke, { method: 'DELETE', bearer: admin.token, params: { id: byAdmin.id } })).status).toBe(200);
    const everyone = (await (await call(listSharesRoute, { bearer: admin.token })).json()).shares.map((s: { id: string }) => s.id);
    expect(everyone).toEqual(expect.arrayContaining([mine.id, expiring.id, byAdmin.id]));
    const own = (await (await call(listSharesRoute, { bearer: stranger.token })).json()).shares;
    expect(own.map((s: { id: string; status: string }) => [s.id, s.status])).toEqual([[byAdmin.id, 'revoked']]);
  });

  it('answers a guessed or tampered token with 404, and refuses an address past SHARE_GUESSES_PER_MINUTE with 429', async () => {
    vi.stubEnv('SHARE_GUESSES_PER_MINUTE', '3');
    resetConfig();
    const a = await photo('guarded.jpg');
    const { url } = await share({ ids: [a] });
    const token = tokenOf(url);
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const guessed = 'x'.repeat(32);
    for (const wrong of [tampered, guessed, 'short']) {
      const answer = await open(wrong);
      expect(answer.status).toBe(404);
      expect((await answer.json()).error).toEqual({ code: 'not_found', message: 'No such share link: check that it was copied whole.' });
    }
    const limited = await open(token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await limited.json()).error.message).toMatch(/^Too many wrong share links from this address: at most 3 a minute\./);
    // Another address is not held back by this one's guesses.
    const elsewhere = await call(shared, { path: `/api/shared/${token}`, params: { token }, headers: { 'x-loupe-peer-address': '198.51.100.7' } });
    expect(elsewhere.status).toBe(200);
  });

  it('refuses hostile share requests with a specific answer each', async () => {
    const a = await photo('hostile.jpg');
    const post = (body: unknown) => call(createShareRoute, { method: 'POST', bearer: editor.token, body });
    const cases: Array<[string, unknown, number, string, RegExp]> = [
      ['past expiry', { ids: [a], expiresAt: '2020-01-01T00:00:00Z' }, 422, 'validation_failed', /^The expiry is in the past/],
      ['expiry too far', { ids: [a], expiresAt: new Date(Date.now() + 400 * 86_400_000).toISOString() }, 422, 'validation_failed', /at most 365 days/],
      ['not a date', { ids: [a], expiresAt: 'tomorrow' }, 422, 'validation_failed', /ISO 8601/],
      ['no expiry', { ids: [a] }, 422, 'validation_failed', /expiresAt/],
      ['unknown photo', { ids: [crypto.randomUUID()], expiresAt: inAnHour() }, 422, 'validation_failed', /is not in the library/],
      ['NUL in collection', { collection: 'be\u0000ach', expiresAt: inAnHour() }, 422, 'validation_failed', /NUL character/],
      ['empty collection', { collection: 'no such collection', expiresAt: inAnHour() }, 422, 'validation_failed', /^No photo is in the collection/],
      ['ids and collection', { ids: [a], collection: 'x', expiresAt: inAnHour() }, 422, 'validation_failed', /Invalid body/],
      ['allowDownload not boolean', { ids: [a], expiresAt: inAnHour(), allowDownload: 'yes' }, 422, 'validation_failed', /Invalid body/],
      ['10,001 photos', { ids: Array.from({ length: 10_001 }, () => crypto.randomUUID()), expiresAt: inAnHour() }, 422, 'too_many_photos', /at most 10,000/],
    ];
    for (const [name, body, status, code, message] of cases) {
      const answer = await post(body);
      expect(answer.status, name).toBe(status);
      const { error } = await answer.json();
      expect(error.code, name).toBe(code);
      expect(error.message, name).toMatch(message);
    }
    const viewer = await makeAccount(db(), 'viewer');
    expect((await call(createShareRoute, { method: 'POST', bearer: viewer.token, body: { ids: [a], expiresAt: inAnHour() } })).status).toBe(403);
  });
});
