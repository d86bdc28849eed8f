import { getDb } from '@/db/client';
import { route, listUsers } from '@/lib/auth';

export const GET = route({ role: 'admin' }, async () => Response.json({ users: await listUsers(await getDb()) }));
