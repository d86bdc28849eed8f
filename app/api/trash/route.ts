import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { emptyTrash, trashPage } from '@/lib/library';
import { trashQuery } from './schema';

export const dynamic = 'force-dynamic';

/** What is in the trash, most recently deleted first, with who deleted each and when it will be purged. */
export const GET = route({ role: 'editor', query: trashQuery }, async ({ query }) => {
  const page = await trashPage(await getDb(), query);
  if (!page.ok) throw new ApiError(page.code, page.message);
  return Response.json({ items: page.items, total: page.total, nextCursor: page.nextCursor });
});

/** Empties the trash now: files and rows of every trashed asset (up to 10,000 per call; `remaining` says if more are left). */
export const DELETE = route({ role: 'admin' }, async () => Response.json(await emptyTrash(await getDb())));
