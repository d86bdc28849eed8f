import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { z } from 'zod';
import { getDb } from '@/db/client';
import { config } from '@/lib/config';
import { ApiError, toErrorResponse } from '@/lib/errors';
import { callerFromBearer, callerFromSession, SESSION_COOKIE, type Caller } from './caller';
import { roleAllows, type Role } from './roles';
import { assertSameOriginHeaders } from './same-origin';
import { hashToken, safeEqual } from './secrets';
import { hasOwner } from './setup-state';

/**
 * The one guard. Every route handler is `route({ role, ... }, handler)`; every page calls `requirePage(role)`;
 * every server action calls `requireAction(role)`. The guard resolves the caller (session cookie or API
 * token), checks the declared role, refuses foreign origins on cookie-authenticated writes, parses params,
 * query and body with the route's zod schemas, and turns anything thrown into the one error shape.
 * It is one of the doors to the database (db/client.ts): it opens it to resolve the caller. It does not hand
 * `db` to handlers: public routes must not need the database to answer (health reports a database that is down).
 */

/** `public` routes need no caller: sign-in, setup, health and signed file URLs (which check their own signature). */
export type Access = Role | 'public';

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

interface RouteSpec<A extends Access, P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  role: A;
  params?: P;
  query?: Q;
  body?: B;
  /** JSON bodies over this are refused with 413 before parsing. */
  maxBodyBytes?: number;
}

export interface RouteContext<P, Q, B, C extends Caller | null = Caller | null> {
  request: Request;
  /** Always a caller on non-public routes: the guard refused anonymous requests before the handler runs. */
  caller: C;
  params: P;
  query: Q;
  body: B;
}

type Output<T> = T extends z.ZodType ? z.output<T> : undefined;
type NextRouteContext = { params: Promise<Record<string, string | string[]>> };

/** The zod schemas a route parses with: the OpenAPI document (lib/openapi) is generated from them. */
export interface RouteSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

export type GuardedRoute = ((request: Request, context: NextRouteContext) => Promise<Response>) & { access: Access; schemas: RouteSchemas };

type CallerFor<A extends Access> = A extends 'public' ? null : Caller;

export function route<A extends Access, P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  spec: RouteSpec<A, P, Q, B>,
  handler: (context: RouteContext<Output<P>, Output<Q>, Output<B>, CallerFor<A>>) => Promise<Response>,
): GuardedRoute {
  return guard(spec, (request) => authorize(request, spec.role) as Promise<CallerFor<A>>, handler);
}

/**
 * Routes a scheduler calls (Vercel Cron, a crontab, a Kubernetes CronJob): `Authorization: Bearer <CRON_SECRET>`,
 * compared in constant time, or else an admin's session or API token. With no CRON_SECRET set only admins get
 * in (fail closed). The handler sees `caller: null` for the scheduler.
 */
export function cronRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  spec: Omit<RouteSpec<'admin', P, Q, B>, 'role'>,
  handler: (context: RouteContext<Output<P>, Output<Q>, Output<B>, Caller | null>) => Promise<Response>,
): GuardedRoute {
  return guard({ ...spec, role: 'admin' }, async (request) => (cronSecretMatches(request) ? null : authorize(request, 'admin')), handler);
}

function cronSecretMatches(request: Request): boolean {
  const secret = config().backfill.cronSecret;
  const presented = request.headers.get('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!secret || !presented) return false;
  // Equal-length digests, so the comparison takes the same time whatever was sent.
  return safeEqual(hashToken(presented), hashToken(secret));
}

function guard<A extends Access, P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, C extends Caller | null>(
  spec: RouteSpec<A, P, Q, B>,
  resolveCaller: (request: Request) => Promise<C>,
  handler: (context: RouteContext<Output<P>, Output<Q>, Output<B>, C>) => Promise<Response>,
): GuardedRoute {
  const guarded = async (request: Request, context: NextRouteContext): Promise<Response> => {
    try {
      const caller = await resolveCaller(request);
      const params = spec.params ? parse(spec.params, await context.params, 'path') : undefined;
      const query = spec.query
        ? parse(spec.query, Object.fromEntries(new URL(request.url).searchParams), 'query')
        : undefined;
      const body = spec.body ? parse(spec.body, await readJson(request, spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES), 'body') : undefined;
      return await handler({ request, caller, params, query, body } as RouteContext<Output<P>, Output<Q>, Output<B>, C>);
    } catch (error) {
      return toErrorResponse(error, `${request.method} ${new URL(request.url).pathname}`);
    }
  };
  return Object.assign(guarded, { access: spec.role, schemas: { params: spec.params, query: spec.query, body: spec.body } });
}

async function authorize(request: Request, role: Access): Promise<Caller | null> {
  if (role === 'public') {
    // Public writes (sign-in, setup) from a foreign page are refused too: no signing a browser into someone
    // else's account. Scripts send no Origin and are unaffected.
    if (!isSafeMethod(request.method) && request.headers.get('origin') !== null) assertSameOrigin(request);
    return null;
  }
  const authorization = request.headers.get('authorization');
  const db = await getDb();
  const bearer = await callerFromBearer(db, authorization);
  if (authorization && !bearer) throw new ApiError('unauthenticated', 'This API token is not valid: it is unknown, expired or revoked.');
  const caller = bearer ?? (await callerFromSession(db, readCookie(request, SESSION_COOKIE)));
  if (!caller) throw new ApiError('unauthenticated', 'Sign in, or send an API token as "Authorization: Bearer <token>".');
  if (!bearer && !isSafeMethod(request.method)) assertSameOrigin(request);
  if (!roleAllows(caller.role, role)) {
    throw new ApiError('forbidden', `This needs the ${role} role; you have ${caller.role}.`);
  }
  return caller;
}

function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/** Cookie-authenticated writes must come from our own pages (CSRF); API tokens are not sent by browsers. */
export function assertSameOrigin(request: Request): void {
  assertSameOriginHeaders(request.headers);
}

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new ApiError('payload_too_large', `The request body is over ${maxBytes} bytes.`);
  const reader = request.body?.getReader();
  if (!reader) throw new ApiError('invalid_json', 'Send a JSON body.');
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new ApiError('payload_too_large', `The request body is over ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError('invalid_json', 'The request body is not valid JSON.');
  }
}

function parse<T extends z.ZodType>(schema: T, input: unknown, where: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw new ApiError('validation_failed', `Invalid ${where}: ${field}${issue.message}`, {
    issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}

/**
 * For server components: the signed-in user with at least `role`, or a redirect to setup / sign-in, or (a
 * role too low) to /denied, which names the role needed. /denied asks only for a viewer, so it never loops.
 */
export async function requirePage(role: Role): Promise<Extract<Caller, { kind: 'user' }>> {
  const db = await getDb();
  if (!(await hasOwner(db))) redirect('/setup');
  const caller = await callerFromSession(db, (await cookies()).get(SESSION_COOKIE)?.value);
  if (!caller || caller.kind !== 'user') redirect('/signin');
  if (!roleAllows(caller.role, role)) redirect(`/denied?need=${role}`);
  return caller;
}

/** Server actions: Next already compares Origin with Host; this checks again, so no action relies on that alone. */
export async function assertActionOrigin(): Promise<void> {
  assertSameOriginHeaders(await headers());
}

/** For server actions: like requirePage, but throws (actions answer with an error instead of redirecting). */
export async function requireAction(role: Role): Promise<Extract<Caller, { kind: 'user' }>> {
  await assertActionOrigin();
  const caller = await callerFromSession(await getDb(), (await cookies()).get(SESSION_COOKIE)?.value);
  if (!caller || caller.kind !== 'user') throw new ApiError('unauthenticated', 'Your session has ended: sign in again.');
  if (!roleAllows(caller.role, role)) throw new ApiError('forbidden', `This needs the ${role} role; you have ${caller.role}.`);
  return caller;
}
