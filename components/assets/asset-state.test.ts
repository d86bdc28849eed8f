import { describe, expect, it } from 'vitest';
import { ASSET_STATES } from '@/db/schema';
import { shownState, stateLabel, stillProcessing } from './asset-state';

describe('what an asset shows', () => {
  it('an embedding that failed and waits for a late retry shows as failed, and the page stops refreshing itself', () => {
    const waitingEmbed = { state: 'described' as const, failed: true };
    expect(stateLabel(shownState(waitingEmbed))).toBe('Indexing failed');
    expect(stillProcessing(waitingEmbed)).toBe(false);
  });

  it('work still going on (nothing failed) keeps its busy label and is refreshed', () => {
    expect(stateLabel(shownState({ state: 'described', failed: false }))).toBe('Indexing for search');
    expect(stillProcessing({ state: 'described', failed: false })).toBe(true);
    expect(stillProcessing({ state: 'stored', failed: false })).toBe(true);
  });

  it('never shows a failed asset as busy, whatever its state', () => {
    for (const state of ASSET_STATES) {
      expect(stillProcessing({ state, failed: true }), state).toBe(false);
      if (state !== 'awaiting_upload' && state !== 'embedded') expect(shownState({ state, failed: true }).startsWith('failed_'), state).toBe(true);
    }
  });
});
