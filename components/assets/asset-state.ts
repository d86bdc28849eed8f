import type { AssetState } from '@/db/schema';

type Tone = 'neutral' | 'busy' | 'ok' | 'bad';

/** What each pipeline state means to a person, and how loudly to show it. */
const STATES: Record<AssetState, { label: string; tone: Tone }> = {
  awaiting_upload: { label: 'Waiting for upload', tone: 'neutral' },
  stored: { label: 'Making thumbnails', tone: 'busy' },
  derived: { label: 'Writing alt text', tone: 'busy' },
  described: { label: 'Indexing for search', tone: 'busy' },
  embedded: { label: 'Ready', tone: 'ok' },
  failed_upload: { label: 'Upload failed', tone: 'bad' },
  failed_derive: { label: 'Could not process', tone: 'bad' },
  failed_describe: { label: 'Alt text failed', tone: 'bad' },
  failed_embed: { label: 'Indexing failed', tone: 'bad' },
};

export function stateLabel(state: AssetState): string {
  return STATES[state].label;
}

export function stateTone(state: AssetState): Tone {
  return STATES[state].tone;
}

/** States the pipeline will still move on from by itself, so a page showing them should look again soon. */
export function isInProgress(state: AssetState): boolean {
  return STATES[state].tone === 'busy';
}

/**
 * What to show for an asset: a step that failed and only waits for a late automatic retry (AssetView.failed,
 * e.g. indexing with the embedding model unreachable) shows as that step's failure, not as busy work that
 * never ends.
 */
export function shownState(asset: { state: AssetState; failed: boolean }): AssetState {
  if (!asset.failed || !isInProgress(asset.state)) return asset.state;
  return asset.state === 'described' ? 'failed_embed' : asset.state === 'derived' ? 'failed_describe' : 'failed_derive';
}

/** Worth refreshing: the pipeline is still on it and nothing has failed. */
export function stillProcessing(asset: { state: AssetState; failed: boolean }): boolean {
  return isInProgress(shownState(asset));
}
