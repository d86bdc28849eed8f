import type { BackfillRun } from '@/db/schema';
import { config } from '@/lib/config';
import { formatDate, plural } from '@/lib/words';
import type { ProviderStatus } from './report';

/**
 * When a run ends with failures or with the provider blocked, NOTIFY_WEBHOOK_URL (optional) gets a
 * Slack-compatible message (`{"text": …}`; Slack, Mattermost, Discord's /slack endpoint and most chat tools
 * accept it). A webhook that fails is logged, never fatal.
 */
export async function notifyRunEnded(run: BackfillRun, providers: ProviderStatus[], post: typeof fetch = fetch): Promise<boolean> {
  const url = config().backfill.notifyWebhookUrl;
  const failed = Object.values(run.failed).reduce((sum, count) => sum + count, 0);
  const blocked = providers.filter((p) => p.blockedUntil);
  if (!url || (failed === 0 && blocked.length === 0)) return false;
  const lines = [
    `Loupe backfill (${run.trigger}) ended: ${run.stopReason}. ${plural(run.written, 'alt text', 'alt texts')} written of ${run.selected} selected, ${failed} failed, $${run.costUsd.toFixed(4)}.`,
    ...Object.entries(run.failed).map(([kind, count]) => `• ${kind}: ${count}`),
    ...blocked.map((p) => `• ${p.provider} is blocked until ${formatDate(p.blockedUntil)}: ${p.reason ?? 'no reason recorded'}`),
  ];
  try {
    const response = await post(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: lines.join('\n') }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) console.warn(`[loupe] NOTIFY_WEBHOOK_URL answered ${response.status}`);
    return response.ok;
  } catch (error) {
    console.warn('[loupe] NOTIFY_WEBHOOK_URL could not be reached:', (error as Error).message);
    return false;
  }
}
