import { Readable } from 'node:stream';
import { after } from 'next/server';
import { getDb } from '@/db/client';
import { orThrow, route } from '@/lib/auth';
import { contentDisposition, getStorage } from '@/lib/storage';
import { listDownloads, requestDownload, runDownloadJob, zipFilename, zipPhotos } from '@/lib/downloads';
import { describeForLog } from '@/lib/errors';
import { DOWNLOAD_MAX_BODY_BYTES, downloadBody } from './schema';

export const dynamic = 'force-dynamic';

/**
 * A ZIP of the photos picked or matching the filter, originals or a preset: streamed in the answer for a small
 * selection, or 202 with the download (its job builds the ZIP into storage; GET /api/downloads/{id} gives the
 * link once ready). Past 10,000 photos: 422 too_many_photos.
 */
export const POST = route({ role: 'viewer', body: downloadBody, maxBodyBytes: DOWNLOAD_MAX_BODY_BYTES }, async ({ body, caller }) => {
  const db = await getDb();
  const preset = body.preset ?? null;
  const selection = body.ids ? { ids: body.ids } : { filter: body.filter ?? {} };
  const plan = orThrow(await requestDownload(db, { selection, preset }, caller));
  if (plan.kind === 'queued') {
    after(async () => {
      try {
        await runDownloadJob(db, plan.download.id);
      } catch (error) {
        // The sweeper picks the job up again; this only logs why the quick start failed.
        console.error(`[loupe] building download ${plan.download.id} right away failed: ${describeForLog(error)}`);
      }
    });
    return Response.json({ id: plan.download.id, status: plan.download.status, photos: plan.download.assetIds.length, statusUrl: `/api/downloads/${plan.download.id}` }, { status: 202 });
  }
  const { stream, done } = zipPhotos(db, plan.ids, plan.files);
  done.catch((error: unknown) => console.error(`[loupe] a streamed ZIP stopped: ${describeForLog(error)}`));
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    headers: { 'content-type': 'application/zip', 'content-disposition': contentDisposition(zipFilename(preset)), 'cache-control': 'no-store' },
  });
});

/** The caller's downloads built in the background, newest first, with their links once ready. */
export const GET = route({ role: 'viewer' }, async ({ caller }) => {
  return Response.json({ downloads: await listDownloads(await getDb(), await getStorage(), caller) });
});
