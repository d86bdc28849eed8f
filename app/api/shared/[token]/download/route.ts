import { Readable } from 'node:stream';
import { getDb } from '@/db/client';
import { clientAddress, orThrow, route } from '@/lib/auth';
import { originals, zipFilename, zipPhotos } from '@/lib/downloads';
import { ApiError, describeForLog } from '@/lib/errors';
import { openShare, sharedIds } from '@/lib/shares';
import { contentDisposition, getStorage } from '@/lib/storage';
import { sharedParams } from '../../../shares/schema';

export const dynamic = 'force-dynamic';

/**
 * Public: a ZIP of a share's originals (with alt-text.csv), when the link allows downloads. Always streamed:
 * the person holding the link has no account to find a background download under.
 */
export const GET = route({ role: 'public', params: sharedParams }, async ({ request, params }) => {
  const db = await getDb();
  const { share } = orThrow(await openShare(db, params.token, clientAddress(request.headers)));
  if (!share.allowDownload) throw new ApiError('forbidden', 'This share link shows the photos but does not allow downloading them.');
  const { stream, done } = zipPhotos(db, await sharedIds(db, share), originals(await getStorage()));
  done.catch((error: unknown) => console.error(`[loupe] a shared ZIP stopped: ${describeForLog(error)}`));
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    headers: { 'content-type': 'application/zip', 'content-disposition': contentDisposition(zipFilename(null)), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
  });
});
