import { randomUUID } from 'node:crypto';
import { and, count, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/handle';
import { assetRemotes, connections, jobs, REMOTE_STATUSES, WRITEBACK_MODES, type Connection, type RemoteStatus, type WritebackMode } from '@/db/schema';
import { fail, type Result } from '@/lib/auth';
import { config } from '@/lib/config';
import { CONNECTOR_KINDS, connectorFor, isConnectorKind, type ConnectorKind, type StoreAccess } from '@/lib/connectors';
import type { Queryable } from '@/lib/jobs';
import { text } from '@/lib/text-input';
import { connectorFailure } from './access';
import { connectorOf } from './connectors';
import { sealSecret } from './secret';
import { checkStoreUrl } from './store-url';

/** What an admin does with connections (the API and /admin/connections share these). Deleting one never touches the store. */

export const MAX_CONNECTIONS = 20;

const name = text().trim().min(1, 'Name the connection (for example, the shop’s name).').max(100, 'Use at most 100 characters for the name.');
const writebackMode = z.enum(WRITEBACK_MODES).default('on_approval');

/**
 * POST /api/connections: kind, name and writebackMode, then the kind's own fields (its connector's
 * `connectInput`), one strict object per kind, so an error names the field of that kind that was wrong.
 */
export type ConnectionInput = { kind: ConnectorKind; name: string; writebackMode: WritebackMode } & Record<string, unknown>;
// Typed by hand: the union is built from the registry at run time, so zod can only infer "some object".
export const connectionInput = z.discriminatedUnion(
  'kind',
  CONNECTOR_KINDS.map((kind): z.ZodObject => connectorFor(kind).connectInput.safeExtend({ kind: z.literal(kind), name, writebackMode }).strict()) as [z.ZodObject, ...z.ZodObject[]],
  { error: `Connect a store of kind ${CONNECTOR_KINDS.join(', ')}.` },
) as unknown as z.ZodType<ConnectionInput>;

export const connectionUpdate = z
  .object({
    name: name.optional(),
    writebackMode: z.enum(WRITEBACK_MODES).optional(),
    /** true pauses syncs and writebacks; false resumes them. */
    paused: z.boolean().optional(),
    /**
     * New credentials (rotation), in the connection's kind's own fields (its connector's `credentialsInput`:
     * WordPress's username and applicationPassword): checked with the store before they replace the old ones;
     * resumes a paused connection.
     */
    credentials: z.record(text().max(100), z.unknown()).optional(),
  })
  .strict()
  .refine((update) => Object.values(update).some((value) => value !== undefined), { message: 'send at least one of name, writebackMode, paused or credentials' });
export type ConnectionUpdate = z.output<typeof connectionUpdate>;

export interface ConnectionView {
  id: string;
  kind: string;
  name: string;
  url: string;
  username: string;
  account: string | null;
  writebackMode: WritebackMode;
  status: 'active' | 'paused';
  statusMessage: string | null;
  lastSyncedAt: string | null;
  createdAt: string;
  /** The store's photos Loupe knows, by writeback status. */
  images: Record<RemoteStatus, number> & { total: number };
}

function viewOf(connection: Connection, tallies: { status: RemoteStatus; n: number }[]): ConnectionView {
  const images = Object.fromEntries(REMOTE_STATUSES.map((status) => [status, tallies.find((tally) => tally.status === status)?.n ?? 0])) as Record<RemoteStatus, number>;
  return {
    id: connection.id,
    kind: connection.kind,
    name: connection.name,
    url: connection.url,
    username: connection.username,
    account: connection.account,
    writebackMode: connection.writebackMode,
    status: connection.status,
    statusMessage: connection.statusMessage,
    lastSyncedAt: connection.lastSyncedAt?.toISOString() ?? null,
    createdAt: connection.createdAt.toISOString(),
    images: { ...images, total: Object.values(images).reduce((sum, n) => sum + n, 0) },
  };
}

async function tallies(db: Queryable, connectionId?: string) {
  const rows = await db
    .select({ connectionId: assetRemotes.connectionId, status: assetRemotes.status, n: count() })
    .from(assetRemotes)
    .where(connectionId ? eq(assetRemotes.connectionId, connectionId) : undefined)
    .groupBy(assetRemotes.connectionId, assetRemotes.status);
  return rows.map((row) => ({ ...row, n: Number(row.n) }));
}

export async function listConnections(db: Queryable): Promise<ConnectionView[]> {
  const all = await db.select().from(connections).orderBy(connections.createdAt);
  const counted = await tallies(db);
  return all.map((connection) => viewOf(connection, counted.filter((tally) => tally.connectionId === connection.id)));
}

export async function findConnection(db: Queryable, id: string): Promise<Connection | null> {
  const [row] = await db.select().from(connections).where(eq(connections.id, id));
  return row ?? null;
}

export const noSuchConnection = () => fail('not_found', 'No such connection: it may have been deleted.');

export async function getConnection(db: Queryable, id: string): Promise<Result<{ connection: ConnectionView }>> {
  const row = await findConnection(db, id);
  return row ? { ok: true, connection: viewOf(row, await tallies(db, id)) } : noSuchConnection();
}

/** Checks the address and the credentials with the store (a real read call) before anything is saved. */
async function verified(kind: string, access: StoreAccess): Promise<Result<{ account: string }>> {
  const connector = connectorOf(kind);
  if (!connector) return fail('unsupported_store', `Loupe has no connector for ${kind} stores in this build.`);
  const checked = await connector.verify(access);
  return checked.ok ? { ok: true, account: checked.account } : connectorFailure(checked);
}

export async function createConnection(db: Db, createdBy: string | null, input: ConnectionInput): Promise<Result<{ connection: ConnectionView }>> {
  const allowPrivate = config().connections.allowPrivate;
  const { kind, name, writebackMode, ...fields } = input;
  const credentials = connectorFor(kind).accessFrom(fields);
  const url = await checkStoreUrl(credentials.url, allowPrivate);
  if (!url.ok) return fail(url.code, url.message);
  const [{ n }] = await db.select({ n: count() }).from(connections);
  if (Number(n) >= MAX_CONNECTIONS) return fail('conflict', `Loupe connects to at most ${MAX_CONNECTIONS} stores; delete one you no longer use first.`);
  const check = await verified(kind, { ...credentials, url: url.url, allowPrivate });
  if (!check.ok) return check;
  const id = randomUUID();
  const sealed = await sealSecret(id, credentials.secret);
  const [row] = await db
    .insert(connections)
    .values({
      id,
      kind,
      name,
      url: url.url,
      username: credentials.username,
      settings: credentials.settings,
      secretCiphertext: sealed.ciphertext,
      secretIv: sealed.iv,
      secretTag: sealed.tag,
      account: check.account,
      writebackMode,
      createdBy,
    })
    .returning();
  return { ok: true, connection: viewOf(row, []) };
}

export async function updateConnection(db: Db, id: string, update: ConnectionUpdate): Promise<Result<{ connection: ConnectionView }>> {
  const current = await findConnection(db, id);
  if (!current) return noSuchConnection();
  const set: Partial<typeof connections.$inferInsert> = { updatedAt: new Date() };
  if (update.name !== undefined) set.name = update.name;
  if (update.writebackMode !== undefined) set.writebackMode = update.writebackMode;
  let resumes = update.paused === false;
  if (update.credentials) {
    const replaced = rotatedCredentials(current.kind, update.credentials);
    if (!replaced.ok) return replaced;
    const allowPrivate = config().connections.allowPrivate;
    const check = await verified(current.kind, { url: current.url, settings: current.settings, ...replaced.credentials, allowPrivate });
    if (!check.ok) return check;
    const sealed = await sealSecret(id, replaced.credentials.secret);
    Object.assign(set, { username: replaced.credentials.username, secretCiphertext: sealed.ciphertext, secretIv: sealed.iv, secretTag: sealed.tag, account: check.account });
    resumes = update.paused !== true;
  }
  if (update.paused === true) Object.assign(set, { status: 'paused', statusMessage: 'Paused by an admin.' });
  else if (resumes) Object.assign(set, { status: 'active', statusMessage: null });
  await db.transaction(async (tx) => {
    await tx.update(connections).set(set).where(eq(connections.id, id));
    if (resumes) await resumeParkedWork(tx, id);
  });
  return getConnection(db, id);
}

/** A rotation's fields, parsed as the connection's kind asks for them (the route cannot know the kind). */
function rotatedCredentials(kind: string, fields: Record<string, unknown>): Result<{ credentials: { username: string; secret: string } }> {
  if (!isConnectorKind(kind)) return fail('unsupported_store', `Loupe has no connector for ${kind} stores in this build.`);
  const connector = connectorFor(kind);
  const parsed = connector.credentialsInput.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail('validation_failed', `Invalid body: credentials${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
  }
  return { ok: true, credentials: connector.credentialsFrom(parsed.data) };
}

/** Work parked while the connection was paused is due again. */
async function resumeParkedWork(db: Queryable, connectionId: string): Promise<void> {
  await db
    .update(jobs)
    .set({ status: 'pending', nextAttemptAt: sql`now()`, attempts: 0, updatedAt: sql`now()` })
    .where(and(eq(jobs.connectionId, connectionId), sql`${jobs.status} in ('waiting', 'failed')`));
}

/** Forgets the store: its links, log and queued work go; the photos stay in the library and the store is not called. */
export async function deleteConnection(db: Db, id: string): Promise<Result<object>> {
  const deleted = await db.delete(connections).where(eq(connections.id, id)).returning({ id: connections.id });
  return deleted.length ? { ok: true } : noSuchConnection();
}

/** Pauses a connection after the store refused its credentials: nothing more is tried until an admin replaces them. */
export async function pauseConnection(db: Queryable, id: string, message: string): Promise<void> {
  await db.update(connections).set({ status: 'paused', statusMessage: message, updatedAt: sql`now()` }).where(eq(connections.id, id));
}
