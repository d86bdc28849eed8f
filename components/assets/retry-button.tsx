'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

/**
 * Retry for an asset whose processing failed: POST /api/assets/:id/retry queues the failed steps again and
 * they run right away; the page then refreshes until they have settled. The button shows while the asset has
 * something to retry (`available`); its answer ("Queued again") stays while the asset is processing, when the
 * page's refresh no longer offers the button.
 */
export function RetryButton({ assetId, label = 'Retry', available }: { assetId: string; label?: string; available: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ tone: 'info' | 'error'; text: string } | null>(null);

  async function retry() {
    setBusy(true);
    setNotice(null);
    const response = await fetch(`/api/assets/${assetId}/retry`, { method: 'POST' }).catch(() => null);
    const body = (await response?.json().catch(() => null)) as { error?: { message?: string } } | null;
    setBusy(false);
    if (response?.ok) {
      setNotice({ tone: 'info', text: 'Queued again; this page updates when it is done.' });
      router.refresh();
    } else {
      setNotice({ tone: 'error', text: body?.error?.message ?? 'Could not reach the server: check the connection and try again.' });
    }
  }

  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      {(available || busy) && (
        <button
          type="button"
          onClick={() => void retry()}
          disabled={busy}
          className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-100 disabled:opacity-60"
        >
          {busy ? 'Retrying…' : label}
        </button>
      )}
      {notice && (
        <span role={notice.tone === 'error' ? 'alert' : 'status'} className={`text-sm ${notice.tone === 'error' ? 'text-red-800' : 'text-emerald-800'}`}>
          {notice.text}
        </span>
      )}
    </span>
  );
}
