import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { importFileProblem, keepUploadedImportFile, MAX_IMPORT_BYTES, type KeepResult } from '@/lib/catalogue';
import { ApiError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/** Room for a form's boundaries and part headers around the file itself. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/**
 * The import page's upload form: keeps the CSV file on the server for its preview and apply (for the person who
 * chose it, for an hour), answering its digest. The page's form posts here without JavaScript, and the browser is
 * sent on to the preview (`/import?file=<digest>`, or `/import?problem=<kind>` for a refused file); a script or the
 * page's JavaScript (Accept: application/json) gets the kept file as JSON.
 */
export const POST = route({ role: 'editor' }, async ({ request, caller }) => {
  if (caller.kind !== 'user') throw new ApiError('forbidden', 'Files are kept for the import page, for the person signed in. Scripts send the CSV to POST /api/imports.');
  const fromPage = (request.headers.get('accept') ?? '').includes('text/html');
  const tooLarge = Number(request.headers.get('content-length') ?? '0') > MAX_IMPORT_BYTES + FORM_OVERHEAD_BYTES;
  const kept: KeepResult = tooLarge
    ? importFileProblem('payload_too_large')
    : !request.body
      ? importFileProblem('no_file')
      : await keepUploadedImportFile(await getDb(), {
          userId: caller.userId,
          contentType: request.headers.get('content-type'),
          body: Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>),
        });
  if (fromPage) return seeOther(kept.ok ? `/import?file=${kept.file.digest}` : `/import?problem=${kept.kind}`);
  if (!kept.ok) throw new ApiError(kept.kind, kept.message);
  return Response.json({ file: kept.file }, { status: 201 });
});

/** After a form post, the browser loads the page it is sent to with GET. */
function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location } });
}
