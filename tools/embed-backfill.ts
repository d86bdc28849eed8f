import { backfillEmbeddings } from '@/lib/jobs';
import { withDatabase } from './with-database';

/**
 * npm run embed:backfill
 * Queues an embed job for every asset that lacks a current vector from a live model (after EMBEDDING_MODEL
 * changed, or an edit whose re-embed failed) and runs the embed jobs, through the same jobs machinery as the
 * app (whose sweeper would run them too); when the configured model is complete it becomes the active one. The
 * old model keeps serving search until then. Safe beside app instances on PostgreSQL; re-run it after an
 * interruption.
 */
process.exitCode = await withDatabase(async ({ db }) => {
  const result = await backfillEmbeddings(db, { pageSize: 500 });
  if (!result.ok) {
    console.error(`Embedding stopped: ${result.message}`);
    return result.kind === 'unavailable' ? 3 : 2;
  }
  const { embedded, activated } = result.progress;
  console.log(`Embedded ${embedded} asset(s).${activated.length ? ` Search now uses ${activated.join(', ')}.` : ''}`);
  return 0;
}, { joinAs: 'embed:backfill' });
