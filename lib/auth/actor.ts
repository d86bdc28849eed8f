import type { Role } from '@/db/schema';
import type { Caller } from './caller';

/** Whoever is changing accounts: a signed-in person, a token's creator, or the operator's CLI (no user). */
export interface Actor {
  role: Role;
  userId: string | null;
}

export function actorOf(caller: Caller): Actor {
  return { role: caller.role, userId: caller.userId };
}
