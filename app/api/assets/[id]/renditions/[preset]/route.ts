import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { config } from '@/lib/config';
import { ApiError } from '@/lib/errors';
import { assetRendition } from '@/lib/renditions';
import { getStorage } from '@/lib/storage';
import { renditionParams, renditionQuery } from './schema';

export const dynamic = 'force-dynamic';

/**
 * The photo as the preset makes it: made on the first request, then a 302 to a signed URL of the stored file.
 * A redirect rather than the bytes: S3 serves them (not this app), and the signed URL names a key that never
 * changes, so it is cached as immutable. This URL itself is not: a changed preset makes a new file here, so it
 * carries the file's ETag and answers 304 to a matching If-None-Match.
 */
export const GET = route({ role: 'viewer', params: renditionParams, query: renditionQuery }, async ({ request, params, query }) => {
  const file = await assetRendition(await getDb(), params.id, params.preset);
  if (!file.ok) throw new ApiError(file.code, file.message);
  const etag = `"${file.etag}"`;
  const headers = { ETag: etag, 'Cache-Control': 'private, no-cache' };
  if (matches(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  const url = await (await getStorage()).signedGetUrl(file.key, {
    expiresInSeconds: config().downloadUrlTtlSeconds,
    contentType: file.contentType,
    downloadName: query.download ? file.filename : undefined,
    immutable: true,
  });
  return new Response(null, { status: 302, headers: { ...headers, Location: url } });
});

function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const value = candidate.trim();
    return value === '*' || value === etag || value === `W/${etag}`;
  });
}
