import { useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

/** False in the server's HTML (and so in a browser without JavaScript), true once React runs in the browser. */
export function useHydrated(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}
