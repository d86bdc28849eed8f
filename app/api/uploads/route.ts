import { getDb } from '@/db/client';
import { route, appOriginFromHeaders, takeRateLimit, orThrow } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { createUpload } from '@/lib/ingest';
import { createUploadBody } from './schema';

export const dynamic = 'force-dynamic';

/**
 * Starts an upload: 201 with where to PUT the bytes (or, over the part threshold, the part plan and where to
 * get part URLs), or 200 {duplicateOf} when they are already stored.
 */
export const POST = route({ role: 'editor', body: createUploadBody }, async ({ request, body, caller }) => {
  const db = await getDb();
  orThrow(await takeRateLimit(db, caller, 'uploads'));
  const result = await createUpload(db, body, caller.userId);
  switch (result.kind) {
    case 'rejected':
      throw new ApiError(result.code, result.message);
    case 'duplicate':
      return Response.json({ duplicateOf: result.duplicateOf }, { status: 200 });
    case 'created': {
      // Local storage hands out a path on this app; scripts need it absolute.
      // From the Host header, not request.url: Next reports localhost there even when the browser came via 127.0.0.1 or a LAN address.
      const url = new URL(result.upload.url, appOriginFromHeaders(request.headers)).toString();
      return Response.json({ assetId: result.assetId, upload: { ...result.upload, url } }, { status: 201 });
    }
    case 'created_parted': {
      const url = new URL(`/api/uploads/${result.assetId}/parts`, appOriginFromHeaders(request.headers)).toString();
      return Response.json({ assetId: result.assetId, parts: { ...result.plan, url } }, { status: 201 });
    }
  }
});
