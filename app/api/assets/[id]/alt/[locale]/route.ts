import { z } from 'zod';
import { getDb } from '@/db/client';
import { editorOf, localeAltBody, patchLocaleAlt } from '@/lib/alt';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { text } from '@/lib/text-input';

export const dynamic = 'force-dynamic';

const params = z.object({ id: text().max(100), locale: text().max(64) });

/**
 * One locale's alt text (LOCALES): a person's text is approved, a token's a proposal; `decorative: true` or
 * `text: null` (cleared: translated again once the source text is approved). A stale `version` is 409 with the
 * record as it is now; a locale not configured is 422 naming the configured ones.
 */
export const PATCH = route({ role: 'editor', params, body: localeAltBody }, async ({ params, body, caller }) => {
  const result = await patchLocaleAlt(await getDb(), params.id, params.locale, body, editorOf(caller));
  if (result.ok) return Response.json(result.record);
  if (result.kind === 'not_found') throw new ApiError('not_found', 'No such asset: it may have been deleted.');
  if (result.kind === 'unknown_locale') throw new ApiError('unknown_locale', result.message);
  throw new ApiError('version_conflict', result.message, { current: result.current });
});
