import { createHmac, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { settings } from '@/db/schema';
import { config } from '@/lib/config';
import { safeEqual } from './secrets';

const SECRET_KEY = 'signing_secret';
let cachedSecret: Promise<string> | undefined;

/**
 * The secret that signs local file URLs: SESSION_SECRET when configured, otherwise generated on first start
 * and kept in the database, so every instance and every restart agree on it.
 */
export function signingSecret(): Promise<string> {
  cachedSecret ??= loadOrCreateSecret().catch((error) => {
    cachedSecret = undefined;
    throw error;
  });
  return cachedSecret;
}

async function loadOrCreateSecret(): Promise<string> {
  const configured = config().sessionSecret;
  if (configured) return configured;
  const db = await getDb();
  await db.insert(settings).values({ key: SECRET_KEY, value: randomBytes(32).toString('hex') }).onConflictDoNothing();
  const [row] = await db.select().from(settings).where(eq(settings.key, SECRET_KEY));
  return row.value;
}

/** Tests that swap databases forget the previous database's secret. */
export function forgetSigningSecret(): void {
  cachedSecret = undefined;
}

export async function sign(parts: readonly string[]): Promise<string> {
  return createHmac('sha256', await signingSecret()).update(parts.join('\n')).digest('base64url');
}

export async function verifySignature(parts: readonly string[], signature: string): Promise<boolean> {
  return safeEqual(await sign(parts), signature);
}
