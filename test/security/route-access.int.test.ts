import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@/db/schema';
import type { Access, GuardedRoute } from '@/lib/auth';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { appFiles, urlFor } from './app-files';

/**
 * Every route handler under app/ goes through the guard, and the guard refuses anonymous and under-privileged
 * callers before any handler code runs. New routes are picked up by the glob: nothing to register.
 */

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const ACCESS_LEVELS: Access[] = ['public', 'viewer', 'editor', 'admin', 'owner'];

/**
 * The only public route files: sign-in, sign-out, setup (which refuses once an owner exists), health, signed file
 * URLs, and a share link's photos and ZIP (the token is the credential: lib/shares, test/security/shares.int.test.ts).
 */
const PUBLIC_ROUTES = [
  'app/api/shared/[token]/route.ts GET',
  'app/api/shared/[token]/download/route.ts GET',
  'app/api/auth/setup/route.ts POST',
  'app/api/auth/signin/route.ts POST',
  'app/api/auth/signout/route.ts POST',
  'app/api/files/[...key]/route.ts GET',
  'app/api/files/[...key]/route.ts PUT',
  'app/api/health/route.ts GET',
];

/** The role one step below the required one: viewer for editor routes, editor for admin routes, admin for owner routes. */
const BELOW: Partial<Record<Access, Role>> = { editor: 'viewer', admin: 'editor', owner: 'admin' };

interface Handler {
  file: string;
  method: string;
  handler: GuardedRoute;
  access: Access;
}

const files = appFiles('route.ts');
const handlers: Handler[] = [];

beforeAll(async () => {
  for (const file of files) {
    const module = (await import(/* @vite-ignore */ `@/${file}`)) as Record<string, unknown>;
    for (const method of HTTP_METHODS) {
      const handler = module[method] as GuardedRoute | undefined;
      if (handler !== undefined) handlers.push({ file, method, handler, access: handler.access });
    }
  }
});

describe('every route under app/', () => {
  const database = useTestDatabase();
  const accounts = {} as Record<Role, TestAccount>;

  beforeAll(async () => {
    for (const role of ['viewer', 'editor', 'admin'] as const) accounts[role] = await makeAccount(database().db, role);
  });

  it('finds the route files', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(handlers.length).toBeGreaterThanOrEqual(files.length);
  });

  it('exports only guarded handlers (route() sets .access) with a known access level', () => {
    for (const { file, method, handler } of handlers) {
      expect(typeof handler, `${file} ${method}`).toBe('function');
      expect(ACCESS_LEVELS, `${file} ${method} is not wrapped in route()`).toContain(handler.access);
    }
  });

  it('has exactly the agreed public routes', () => {
    const publicOnes = handlers.filter((h) => h.access === 'public').map((h) => `${h.file} ${h.method}`);
    expect(publicOnes.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('answers anonymous callers of every non-public route with 401 unauthenticated', async () => {
    for (const { file, method, handler } of handlers.filter((h) => h.access !== 'public')) {
      const { path, params } = urlFor(file);
      const response = await call(handler, { method, path, params, body: method === 'GET' || method === 'HEAD' ? undefined : {} });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect((await response.json()).error.code).toBe('unauthenticated');
    }
  });

  it('answers an unknown, revoked-looking bearer token with 401, not as anonymous-with-cookie', async () => {
    for (const { file, method, handler } of handlers.filter((h) => h.access !== 'public')) {
      const { path, params } = urlFor(file);
      const response = await call(handler, { method, path, params, bearer: 'loupe_not-a-real-token', cookie: accounts.admin.cookie });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
  });

  it('answers a role one step too low with 403 forbidden, by session cookie and by API token', async () => {
    const gated = handlers.filter((h) => BELOW[h.access]);
    expect(gated.length).toBeGreaterThan(0);
    for (const { file, method, handler, access } of gated) {
      const account = accounts[BELOW[access] as Role] ?? (await makeAccount(database().db, BELOW[access] as Role));
      const { path, params } = urlFor(file);
      const body = method === 'GET' || method === 'HEAD' ? undefined : {};
      for (const credentials of [{ cookie: account.cookie }, { bearer: account.token }]) {
        const response = await call(handler, { method, path, params, body, ...credentials });
        expect(response.status, `${method} ${path} as ${account.role} (${Object.keys(credentials)[0]})`).toBe(403);
        expect((await response.json()).error.code).toBe('forbidden');
      }
    }
  });

  it('refuses cookie-authenticated writes from another origin (CSRF) before the handler runs', async () => {
    const writes = handlers.filter((h) => h.access !== 'public' && !['GET', 'HEAD', 'OPTIONS'].includes(h.method));
    expect(writes.length).toBeGreaterThan(0);
    for (const { file, method, handler } of writes) {
      const { path, params } = urlFor(file);
      for (const origin of ['http://evil.example', null]) {
        const response = await call(handler, { method, path, params, body: {}, cookie: accounts.admin.cookie, origin });
        expect(response.status, `${method} ${path} from ${origin}`).toBe(403);
        expect((await response.json()).error.code).toBe('bad_origin');
      }
    }
  });

  it('refuses public writes (sign-in, setup, sign-out, file PUT) from a foreign page, so no one is signed in by another site', async () => {
    const writes = handlers.filter((h) => h.access === 'public' && !['GET', 'HEAD', 'OPTIONS'].includes(h.method));
    expect(writes.length).toBeGreaterThanOrEqual(3);
    for (const { file, method, handler } of writes) {
      const { path, params } = urlFor(file);
      const response = await call(handler, { method, path, params, body: {}, origin: 'http://evil.example' });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect((await response.json()).error.code).toBe('bad_origin');
    }
  });
});
