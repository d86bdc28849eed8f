import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { missingAltCsv } from '@/lib/review';

export const dynamic = 'force-dynamic';

/** A CSV of every asset without approved (or decorative) alt text, streamed page by page. */
export const GET = route({ role: 'editor' }, async () => {
  const lines = missingAltCsv(await getDb());
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="loupe-missing-alt-${day}.csv"`, 'cache-control': 'no-store' },
  });
});
