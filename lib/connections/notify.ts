import { eq } from 'drizzle-orm';
import { connectionRuns, connections } from '@/db/schema';
import { config } from '@/lib/config';
import type { Queryable } from '@/lib/jobs';

/**
 * A run that ended with failures, or a connection paused, is told to NOTIFY_WEBHOOK_URL (optional) as a
 * Slack-compatible message (`{"text": …}`), as the backfill does. Called after the run's transaction commits;
 * a notification that fails is logged, never fatal, and never holds up the job.
 */
export async function notifyRunEnded(db: Queryable, runId: string, post: typeof fetch = fetch): Promise<boolean> {
  const url = config().backfill.notifyWebhookUrl;
  if (!url) return false;
  const [found] = await db
    .select({ run: connectionRuns, name: connections.name, statusMessage: connections.statusMessage })
    .from(connectionRuns)
    .innerJoin(connections, eq(connections.id, connectionRuns.connectionId))
    .where(eq(connectionRuns.id, runId));
  if (!found || found.run.endedAt === null) return false;
  const { run } = found;
  if (run.outcome === 'done' && run.failed === 0) return false;
  const what = run.kind === 'sync' ? `${run.seen} seen, ${run.created} new, ${run.failed} failed` : `${run.written} written, ${run.conflicts} conflicts, ${run.failed} failed`;
  const lines = [
    `Loupe ${run.kind} of the store "${found.name}" ended${run.outcome === 'paused' ? ' and the connection is paused' : run.outcome === 'failed' ? ' with errors' : ''}: ${what}.`,
    ...(run.outcome === 'paused' && found.statusMessage ? [`• ${found.statusMessage}`] : []),
    ...run.errors.slice(0, 5).map((error) => `• ${error.remoteId ? `image ${error.remoteId}: ` : ''}${error.message}`),
  ];
  try {
    const response = await post(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: lines.join('\n') }), signal: AbortSignal.timeout(5_000) });
    if (!response.ok) console.warn(`[loupe] NOTIFY_WEBHOOK_URL answered ${response.status}`);
    return response.ok;
  } catch (error) {
    console.warn('[loupe] NOTIFY_WEBHOOK_URL could not be reached:', (error as Error).message);
    return false;
  }
}
