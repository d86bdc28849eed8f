import { dbHandle } from '@/db/client';
import { backfillEmbeddings } from '@/lib/embed';

/**
 * npm run embed:backfill
 * Embeds every asset that lacks a vector from a live model (after EMBEDDING_MODEL changed, or assets whose embed
 * step failed), in pages; when the configured model is complete it becomes the active one. The old model keeps
 * serving search until then. Safe beside app instances on PostgreSQL; re-run it after an interruption.
 */
async function main(): Promise<number> {
  const handle = await dbHandle();
  try {
    const result = await backfillEmbeddings(handle.db, { pageSize: 200 });
    if (!result.ok) {
      console.error(`Embedding stopped: ${result.message}`);
      return result.kind === 'unavailable' ? 3 : 2;
    }
    const { embedded, activated } = result.progress;
    console.log(`Embedded ${embedded} asset(s).${activated.length ? ` Search now uses ${activated.join(', ')}.` : ''}`);
    return 0;
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
