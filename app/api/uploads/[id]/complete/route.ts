import { after } from 'next/server';
import { getDb } from '@/db/client';
import { isUuid } from '@/lib/assets';
import { route } from '@/lib/auth';
import { ApiError, describeForLog } from '@/lib/errors';
import { completeUpload } from '@/lib/ingest';
import { runAssetJobs } from '@/lib/jobs';
import { completeUploadQuery, uploadParams } from '../../schema';

export const dynamic = 'force-dynamic';

/** The bytes (or every part) are in storage: verify them, answer 202 at once, and process in the background. */
export const POST = route({ role: 'editor', params: uploadParams, query: completeUploadQuery }, async ({ params, query, caller }) => {
  if (!isUuid(params.id)) throw new ApiError('not_found', 'No such upload.');
  const db = await getDb();
  const result = await completeUpload(db, params.id, { callerUserId: caller.userId, sha256: query.sha256 });
  switch (result.kind) {
    case 'not_found':
      throw new ApiError('not_found', 'No such upload: it may have been removed as a duplicate or expired.');
    case 'already_completed':
      throw new ApiError('already_completed', alreadyCompletedMessage(result.state));
    case 'upload_missing':
      throw new ApiError('upload_missing', 'No file has arrived for this upload yet: PUT the file to the upload URL first, then complete it.');
    case 'parts_incomplete':
    case 'rejected':
      throw new ApiError(result.code, result.message);
    case 'duplicate':
      return Response.json({ duplicateOf: result.duplicateOf }, { status: 200 });
    case 'stored':
      after(async () => {
        try {
          await runAssetJobs(db, result.asset.id);
        } catch (error) {
          // The in-app sweeper finishes whatever this left (the derive job is already queued).
          console.error(`[loupe] background processing of asset ${result.asset.id} failed: ${describeForLog(error)}`);
        }
      });
      return Response.json({ assetId: result.asset.id, state: result.asset.state }, { status: 202 });
  }
});

function alreadyCompletedMessage(state: string): string {
  if (state === 'awaiting_upload') return 'This upload is being completed by another request.';
  if (state === 'failed_upload') return 'This upload was already checked and rejected: start a new upload of the file.';
  return `This upload was already completed (state: ${state}).`;
}
