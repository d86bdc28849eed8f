/**
 * After completion answers 202 the file is stored, but whether it can be read is known only once the derive
 * step (thumbnails) has run in the background. The upload page asks GET /api/assets/:id until it has settled,
 * so a damaged or truncated file ends as failed with its reason instead of "stored".
 */

export type DeriveOutcome = { kind: 'ready' } | { kind: 'failed'; message: string } | { kind: 'still_processing' };

interface AssetAnswer {
  state?: string;
  /** lib/assets/condition.ts: `failed` for good, or `retrying` by itself at `nextTryAt`. */
  condition?: 'failed' | 'retrying' | null;
  error?: { message?: string } | null;
}

const POLL_MS = 1500;
/** Past this the row says processing goes on in the background; the library shows how it ends. */
const GIVE_UP_MS = 120_000;

export async function awaitDerive(assetId: string, signal: AbortSignal): Promise<DeriveOutcome> {
  const giveUpAt = Date.now() + GIVE_UP_MS;
  while (!signal.aborted && Date.now() < giveUpAt) {
    const asset = await fetchState(assetId, signal);
    if (asset === 'gone') return { kind: 'failed', message: 'The photo was deleted meanwhile.' };
    if (asset) {
      if (asset.condition === 'failed' || asset.state === 'failed_upload') return { kind: 'failed', message: asset.error?.message ?? 'The file could not be processed.' };
      // `stored` means the thumbnails are not made yet: anything past it has settled (a later step retrying by
      // itself, alt text or indexing, is the library's to show, not a failed upload).
      if (asset.state && asset.state !== 'stored') return { kind: 'ready' };
      if (asset.condition === 'retrying') return { kind: 'still_processing' };
    }
    await delay(POLL_MS, signal);
  }
  return { kind: 'still_processing' };
}

/** The asset, 'gone' when it no longer exists, null when this look failed (the next one may not). */
async function fetchState(assetId: string, signal: AbortSignal): Promise<AssetAnswer | 'gone' | null> {
  try {
    const response = await fetch(`/api/assets/${assetId}`, { cache: 'no-store', signal });
    if (response.status === 404) return 'gone';
    return response.ok ? ((await response.json()) as AssetAnswer) : null;
  } catch {
    return null;
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
