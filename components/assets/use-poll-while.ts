'use client';

import { useEffect, useRef } from 'react';

const POLL_MS = 3000;

/**
 * Calls `refresh` every few seconds while `active` and the tab is visible, one call at a time, so processing
 * states on screen catch up with the pipeline without a reload.
 */
export function usePollWhile(active: boolean, refresh: (signal: AbortSignal) => Promise<void>): void {
  const refreshRef = useRef(refresh);
  useEffect(() => {
    refreshRef.current = refresh;
  });

  useEffect(() => {
    if (!active) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      if (document.visibilityState === 'visible') {
        try {
          await refreshRef.current(controller.signal);
        } catch {
          // A missed refresh is retried on the next tick; the page keeps what it has.
        }
      }
      if (!controller.signal.aborted) timer = setTimeout(tick, POLL_MS);
    };
    timer = setTimeout(tick, POLL_MS);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [active]);
}
