import { getDb } from '@/db/client';
import { isUuid } from '@/lib/assets';
import { route, appOriginFromHeaders } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { listUploadParts, signUploadParts } from '@/lib/ingest';
import { getStorage } from '@/lib/storage';
import { signPartsBody, uploadParams } from '../../schema';

export const dynamic = 'force-dynamic';

/** A parted upload's plan and the parts storage already holds: a client resuming sends only the others. */
export const GET = route({ role: 'editor', params: uploadParams }, async ({ params, caller }) => {
  if (!isUuid(params.id)) throw new ApiError('not_found', 'No such parted upload: start the upload again.');
  const result = await listUploadParts(await getDb(), await getStorage(), params.id, caller.userId);
  if (!result.ok) throw new ApiError(result.code, result.message);
  return Response.json(result.view);
});

/** Short-lived URLs to PUT the given parts to, each for its exact size. */
export const POST = route({ role: 'editor', params: uploadParams, body: signPartsBody }, async ({ request, params, body, caller }) => {
  if (!isUuid(params.id)) throw new ApiError('not_found', 'No such parted upload: start the upload again.');
  const result = await signUploadParts(await getDb(), await getStorage(), params.id, caller.userId, body.partNumbers);
  if (!result.ok) throw new ApiError(result.code, result.message);
  // Local storage hands out paths on this app; scripts need them absolute (as POST /api/uploads does).
  const origin = appOriginFromHeaders(request.headers);
  return Response.json({ parts: result.parts.map((part) => ({ ...part, url: new URL(part.url, origin).toString() })) });
});
