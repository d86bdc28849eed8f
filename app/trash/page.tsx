import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { TrashList } from '@/components/library/trash-list';
import { requirePage, roleAllows } from '@/lib/auth';
import { config } from '@/lib/config';
import { trashPage } from '@/lib/library';

export const metadata: Metadata = { title: 'Trash' };

const SHOWN = 100;

/** Deleted photos, most recent first: restore (editors) or empty the trash (admins). */
export default async function TrashPage() {
  const user = await requirePage('editor');
  const page = await trashPage(await getDb(), { limit: SHOWN });
  if (!page.ok) throw new Error('the first page of the trash has no cursor to get wrong');
  return (
    <main className="flex flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Trash</h1>
        <p className="text-sm text-neutral-600">
          Deleted photos stay here for {config().trashDays} days, out of the library, search, review and exports, with their files, until they are purged.
          {page.total > SHOWN ? ` The ${SHOWN} most recently deleted of ${page.total} are shown.` : ''}
        </p>
      </div>
      <TrashList items={page.items} total={page.total} canEmpty={roleAllows(user.role, 'admin')} />
    </main>
  );
}
