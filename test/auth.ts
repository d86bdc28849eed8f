import type { Db } from '@/db/client';
import { users, type Role } from '@/db/schema';
import type { GuardedRoute } from '@/lib/auth';
import { SESSION_COOKIE, hashPassword, createSession, createApiToken } from '@/lib/auth';

/** Test support for the account and security tests: real users, sessions and tokens, and route calls. */

export const TEST_ORIGIN = 'http://loupe.test';
export const TEST_PASSWORD = 'correct horse battery';

let cachedHash: Promise<string> | undefined;

export interface TestAccount {
  id: string;
  email: string;
  role: Role;
  /** `loupe_session=…` for a cookie header. */
  cookie: string;
  /** A bearer token with the same role. */
  token: string;
}

/** A user with a live session and an API token of the same role; every account shares TEST_PASSWORD. */
export async function makeAccount(db: Db, role: Role, email = `${role}-${crypto.randomUUID()}@example.com`): Promise<TestAccount> {
  cachedHash ??= hashPassword(TEST_PASSWORD);
  const [user] = await db.insert(users).values({ name: `Test ${role}`, email, role, passwordHash: await cachedHash }).returning({ id: users.id });
  const session = await createSession(db, user.id);
  const created = await createApiToken(db, { role, userId: user.id }, { name: `${role} test token`, role });
  if (!created.ok) throw new Error(created.message);
  return { id: user.id, email, role, cookie: `${SESSION_COOKIE}=${session.token}`, token: created.token };
}

export interface CallOptions {
  method?: string;
  path?: string;
  cookie?: string;
  bearer?: string;
  /** Defaults to this site's origin for cookie-authenticated writes; pass null to send none. */
  origin?: string | null;
  body?: unknown;
  rawBody?: string;
  params?: Record<string, string | string[]>;
  headers?: Record<string, string>;
}

/** Calls a route handler the way Next does: a Request plus a params promise. */
export function call(handler: GuardedRoute, options: CallOptions = {}): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers = new Headers({ host: new URL(TEST_ORIGIN).host, ...options.headers });
  if (options.cookie) headers.set('cookie', options.cookie);
  if (options.bearer) headers.set('authorization', `Bearer ${options.bearer}`);
  const origin = options.origin === undefined ? (method === 'GET' ? null : TEST_ORIGIN) : options.origin;
  if (origin) headers.set('origin', origin);
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers.set('content-type', 'application/json');
  const request = new Request(TEST_ORIGIN + (options.path ?? '/'), { method, headers, body: payload });
  return handler(request, { params: Promise.resolve(options.params ?? {}) });
}

/** The session cookie a response set, as `loupe_session=…` for the next request's cookie header. */
export function sessionCookieFrom(response: Response): string | undefined {
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return setCookie?.split(';')[0];
}
