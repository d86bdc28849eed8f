import { request as httpRequest, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GET as health } from '@/app/api/health/route';
import { PATCH as patchAsset } from '@/app/api/assets/[id]/route';
import { PATCH as patchLocaleAlt } from '@/app/api/assets/[id]/alt/[locale]/route';
import { GET as search } from '@/app/api/search/route';
import { POST as startUploadRoute } from '@/app/api/uploads/route';
import { users } from '@/db/schema';
import { createInvite, acceptInvite, findInvite, guardServerRequests, updateUser } from '@/lib/auth';
import { toErrorResponse } from '@/lib/errors';
import { useStorageForTests, LocalStorage } from '@/lib/storage';
import { call, makeAccount, TEST_PASSWORD } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { announceUpload, putToSignedUrl, testJpeg, useTemporaryLocalStorage } from '@/test/ingest';

/** Issue 12, items 4 and 5: hostile or unlucky input gets a specific answer, never a 500 or a leaky log line. */
describe('hostile input', () => {
  const database = useTestDatabase();
  const db = () => database().db;
  const files = useTemporaryLocalStorage();

  afterEach(() => {
    vi.restoreAllMocks();
    useStorageForTests(files().storage);
  });

  it('refuses a NUL byte in the search query, the tag filter, alt text, edited tags, upload tags and a locale\'s text or tag with 422', async () => {
    const editor = await makeAccount(db(), 'editor');
    const nul = 'red\u0000coat';
    const answers = [
      await call(search, { bearer: editor.token, path: `/api/search?q=${encodeURIComponent(nul)}` }),
      await call(search, { bearer: editor.token, path: `/api/search?q=coat&tag=${encodeURIComponent(nul)}` }),
      await call(patchAsset, { method: 'PATCH', bearer: editor.token, params: { id: crypto.randomUUID() }, body: { altText: nul, version: 1 } }),
      await call(patchAsset, { method: 'PATCH', bearer: editor.token, params: { id: crypto.randomUUID() }, body: { tags: [nul], version: 1 } }),
      await call(patchLocaleAlt, { method: 'PATCH', bearer: editor.token, params: { id: crypto.randomUUID(), locale: 'en' }, body: { text: nul, version: 1 } }),
      await call(patchLocaleAlt, { method: 'PATCH', bearer: editor.token, params: { id: crypto.randomUUID(), locale: nul }, body: { text: 'A red coat.', version: 1 } }),
      await call(startUploadRoute, {
        method: 'POST',
        bearer: editor.token,
        body: { filename: 'coat.jpg', contentType: 'image/jpeg', size: 10, tags: ['ok', nul] },
      }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(422);
      const { error } = await answer.json();
      expect(error.code).toBe('validation_failed');
      expect(error.message).toMatch(/NUL character/);
    }
  });

  it('answers TRACE and other unknown methods with 405 and Allow before Next sees them', async () => {
    class AppServer extends Server {}
    guardServerRequests(AppServer);
    const server = new AppServer((request, response) => response.end(`reached the app from ${request.headers['x-loupe-peer-address']}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const method of ['TRACE', 'PROPFIND', 'MKCOL', 'PURGE']) {
        const answer = await rawRequest(port, method, '/api/assets');
        expect(answer.status).toBe(405);
        expect(answer.allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
        expect(JSON.parse(answer.body).error).toEqual({
          code: 'method_not_allowed',
          message: `${method} is not supported here; use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS.`,
        });
      }
      // The peer address is the socket's, whatever the client claims under that name.
      expect(await rawRequest(port, 'GET', '/', { 'x-loupe-peer-address': '203.0.113.66' })).toMatchObject({ status: 200, body: 'reached the app from 127.0.0.1' });
    } finally {
      server.close();
    }
  });

  it('answers an upload onto a full disk with 507 and a clear message, keeping no partial file', async () => {
    const editor = await makeAccount(db(), 'editor');
    const bytes = await testJpeg(4001);
    const { upload } = await announceUpload(editor, bytes);
    useStorageForTests(new FullDiskStorage(files().root));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const answer = await putToSignedUrl(upload.url, bytes);
    expect(answer.status).toBe(507);
    expect((await answer.json()).error).toEqual({
      code: 'insufficient_storage',
      message: 'The server has run out of storage space, so nothing was saved. Ask the operator to free space, then try again.',
    });
  });

  it('says in /api/health when storage space runs low, and how much is left', async () => {
    const healthy = await (await call(health)).json();
    expect(healthy.storage).toMatchObject({ ok: true, lowSpace: false });
    expect(healthy.storage.freeBytes).toBeGreaterThan(0);

    useStorageForTests(new FullDiskStorage(files().root));
    const low = await call(health);
    expect(low.status).toBe(200);
    const body = await low.json();
    expect(body.storage).toMatchObject({ ok: true, lowSpace: true, freeBytes: 5 * 1024 * 1024 });
    expect(body.storage.warning).toMatch(/^Storage space is low: 5 MiB free, under the \d+ MiB Loupe keeps in reserve\./);
  });

  it('lets two owners demoting each other at once end with one owner, never a deadlock', async () => {
    for (let round = 0; round < 5; round += 1) {
      const [a, b] = [await makeAccount(db(), 'owner'), await makeAccount(db(), 'owner')];
      const others = (await db().select({ id: users.id, role: users.role }).from(users)).filter((u) => u.role === 'owner' && u.id !== a.id && u.id !== b.id);
      for (const other of others) await updateUser(db(), { role: 'owner', userId: a.id }, other.id, { role: 'viewer' });
      const outcomes = await Promise.all([
        updateUser(db(), { role: 'owner', userId: a.id }, b.id, { role: 'admin' }),
        updateUser(db(), { role: 'owner', userId: b.id }, a.id, { role: 'admin' }),
      ]);
      expect(outcomes.map((o) => (o.ok ? 'ok' : o.code)).sort()).toEqual(['last_owner', 'ok']);
    }
  });

  it('logs a failed query without its parameters (no hash, email or name)', async () => {
    const existing = await makeAccount(db(), 'viewer');
    const hash = 'scrypt$32768$8$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNo';
    const failure = await db()
      .insert(users)
      .values({ name: 'Mallory Secretname', email: existing.email, role: 'viewer', passwordHash: hash })
      .then(() => null, (error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(toErrorResponse(failure, 'POST /test').status).toBe(500);
    const line = logged.mock.calls.flat().map(String).join('\n');
    expect(line).toMatch(/failed query: insert into "users"/);
    for (const secret of [hash, existing.email, 'Mallory Secretname', TEST_PASSWORD]) expect(line).not.toContain(secret);
  });

  it('keeps one acceptable invite per email: a new invite replaces the pending one', async () => {
    const owner = { role: 'owner' as const, userId: null };
    const first = await createInvite(db(), owner, { email: 'twice@example.com', role: 'viewer', expiresInDays: 7 });
    const second = await createInvite(db(), owner, { email: 'twice@example.com', role: 'admin', expiresInDays: 7 });
    if (!first.ok || !second.ok) throw new Error('invites not created');
    expect((await findInvite(db(), first.token)).ok).toBe(false);
    const accepted = await Promise.all([
      acceptInvite(db(), { token: first.token, name: 'First', password: 'a long passphrase here' }),
      acceptInvite(db(), { token: second.token, name: 'Second', password: 'a long passphrase here' }),
    ]);
    expect(accepted.map((a) => (a.ok ? 'ok' : a.code))).toEqual(['invite_invalid', 'ok']);
  });
});

/** Local storage on a disk with 5 MiB left of 100 GiB, whose writes fail as the kernel fails them (ENOSPC). */
class FullDiskStorage extends LocalStorage {
  async put(): Promise<void> {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  }

  async space() {
    return { freeBytes: 5 * 1024 * 1024, totalBytes: 100 * 1024 ** 3 };
  }
}

/** An HTTP request as a client on the wire sends it (fetch refuses TRACE outright). */
function rawRequest(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; allow: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, allow: response.headers.allow, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}
