import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { settings, users } from '@/db/schema';
import { hashPassword } from './password';
import { fail, type Result } from './result';
import { createSession, type NewSession } from './sessions';

const SETUP_CLAIM = 'setup_completed_at';

/**
 * Creates the first owner, exactly once. The claim is a row in `settings` whose primary key two concurrent
 * setups both try to insert in their transaction: the second blocks until the first commits, then inserts
 * nothing and is refused. The owner and the claim commit together, so there is never a claim without an owner.
 */
export async function createOwner(
  db: Db,
  input: { name: string; email: string; password: string },
): Promise<Result<{ userId: string; session: NewSession }>> {
  const passwordHash = await hashPassword(input.password);
  const userId = await db.transaction(async (tx) => {
    const claimed = await tx
      .insert(settings)
      .values({ key: SETUP_CLAIM, value: new Date().toISOString() })
      .onConflictDoNothing()
      .returning({ key: settings.key });
    if (claimed.length === 0) return null;
    // An owner made some other way (a restored database) also closes setup; the claim then just records it.
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.role, 'owner')).limit(1);
    if (existing) return null;
    const [owner] = await tx
      .insert(users)
      .values({ name: input.name, email: input.email, passwordHash, role: 'owner' })
      .returning({ id: users.id });
    return owner.id;
  });
  if (!userId) return fail('setup_complete', 'Loupe is already set up: sign in, or ask an admin for an invite.');
  return { ok: true, userId, session: await createSession(db, userId) };
}
