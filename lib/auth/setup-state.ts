import { eq } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { users } from '@/db/schema';

/**
 * Once a database has an owner it keeps one (the last owner cannot be demoted or deactivated), so a `true` is
 * remembered per database: every page checks this, and it should not cost a query per page view.
 */
const knownToHaveOwner = new WeakSet<Db>();

/** Until an owner exists, every page leads to /setup; once one does, /setup is closed for good. */
export async function hasOwner(db: Db): Promise<boolean> {
  if (knownToHaveOwner.has(db)) return true;
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.role, 'owner')).limit(1);
  if (row) knownToHaveOwner.add(db);
  return Boolean(row);
}
