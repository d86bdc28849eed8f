import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { listUsers } from '@/lib/auth/users';

export const GET = route({ role: 'admin' }, async () => Response.json({ users: await listUsers(await getDb()) }));
