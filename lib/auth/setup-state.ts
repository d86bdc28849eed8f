import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';

/** Until an owner exists, every page leads to /setup; once one does, /setup is closed for good. */
export async function hasOwner(): Promise<boolean> {
  const db = await getDb();
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.role, 'owner')).limit(1);
  return Boolean(row);
}
