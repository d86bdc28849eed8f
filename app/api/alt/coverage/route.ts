import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { coverage } from '@/lib/review';

export const dynamic = 'force-dynamic';

/** Approved, proposed, missing, retrying, failed and decorative alt text, overall, per tag and per collection. */
export const GET = route({ role: 'editor' }, async () => Response.json(await coverage(await getDb())));
