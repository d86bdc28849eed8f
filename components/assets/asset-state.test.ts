import { describe, expect, it } from 'vitest';
import { ASSET_STATES } from '@/db/schema';
import { shownStatus, stillProcessing } from './asset-state';

describe('what an asset shows', () => {
  it('a step waiting for its next automatic try says it will retry, neither failed nor busy, and the page stops refreshing itself', () => {
    const waitingEmbed = { state: 'described' as const, condition: 'retrying' as const };
    expect(shownStatus(waitingEmbed)).toEqual({ label: 'Indexing: will retry', tone: 'waiting' });
    expect(shownStatus({ state: 'embedded', condition: 'retrying' })).toEqual({ label: 'Alt text: will retry', tone: 'waiting' });
    expect(stillProcessing(waitingEmbed)).toBe(false);
  });

  it('work still going on (nothing failed) keeps its busy label and is refreshed', () => {
    expect(shownStatus({ state: 'described', condition: null }).label).toBe('Indexing for search');
    expect(stillProcessing({ state: 'described', condition: null })).toBe(true);
    expect(stillProcessing({ state: 'stored', condition: null })).toBe(true);
  });

  it('a failed asset shows its failed step and is never refreshed as busy', () => {
    for (const state of ASSET_STATES) expect(stillProcessing({ state, condition: 'failed' }), state).toBe(false);
    expect(shownStatus({ state: 'failed_describe', condition: 'failed' })).toEqual({ label: 'Alt text failed', tone: 'bad' });
  });
});
