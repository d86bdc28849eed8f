import { getDb } from '@/db/client';
import { orThrow, route } from '@/lib/auth';
import { findDownload } from '@/lib/downloads';
import { getStorage } from '@/lib/storage';
import { downloadParams } from '../schema';

export const dynamic = 'force-dynamic';

/** One download built in the background: its status, its job's, and the ZIP's signed link once ready. */
export const GET = route({ role: 'viewer', params: downloadParams }, async ({ params, caller }) => {
  const { download } = orThrow(await findDownload(await getDb(), await getStorage(), caller, params.id));
  return Response.json(download);
});
