import { Readable } from 'node:stream';
import { getDb } from '@/db/client';
import { editorOf } from '@/lib/alt';
import { route } from '@/lib/auth';
import { MAX_IMPORT_BYTES, runImport, summarisePlan } from '@/lib/catalogue';
import { ApiError } from '@/lib/errors';
import { importQuery } from './schema';

export const dynamic = 'force-dynamic';

/**
 * A CSV of catalogue data (title, SKU, collection, tags, alt text) matched to photos by filename or SKU, its
 * photos grouped into products by handle or SKU (group_by). The
 * preview writes nothing; sending the same file with mode=apply and the preview's digest applies it.
 */
export const POST = route({ role: 'editor', query: importQuery }, async ({ request, query, caller }) => {
  if (Number(request.headers.get('content-length') ?? '0') > MAX_IMPORT_BYTES) {
    throw new ApiError('payload_too_large', `The file is over ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files.`);
  }
  if (!request.body) throw new ApiError('bad_request', 'Send the CSV file as the request body (Content-Type: text/csv).');
  const result = await runImport(await getDb(), Readable.fromWeb(request.body as import('node:stream/web').ReadableStream<Uint8Array>), {
    mapping: {
      filename: query.column_filename,
      sku: query.column_sku,
      title: query.column_title,
      collection: query.column_collection,
      tags: query.column_tags,
      altText: query.column_alt_text,
      handle: query.column_handle,
    },
    tagMode: query.tag_mode,
    groupBy: query.group_by,
    confirm: query.mode === 'apply' ? query.confirm : undefined,
    importer: editorOf(caller),
  });
  if (!result.ok) throw new ApiError(result.failure.kind, result.failure.message);
  if (result.mode === 'preview') return Response.json({ mode: 'preview', ...summarisePlan(result.plan) });
  return Response.json({ mode: 'applied', applied: result.outcome.applied, conflicts: result.outcome.conflicts, ...summarisePlan(result.plan) });
});
