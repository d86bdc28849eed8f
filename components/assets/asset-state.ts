import type { AssetState } from '@/db/schema';
import type { Condition } from '@/lib/assets';

type Tone = 'neutral' | 'busy' | 'waiting' | 'ok' | 'bad';

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

/** Which step a retrying asset waits to try again: the one its state stops before (a Ready photo: its alt text). */
const RETRYING: Partial<Record<AssetState, string>> = {
  stored: 'Thumbnails: will retry',
  derived: 'Alt text: will retry',
  described: 'Indexing: will retry',
  embedded: 'Alt text: will retry',
};

export interface ShownAsset {
  state: AssetState;
  /** AssetView.condition (lib/assets/condition.ts): the one meaning of failed and retrying. */
  condition: Condition | null;
}

/** The label and tone for an asset: its state's, or the step Loupe will try again by itself. */
export function shownStatus(asset: ShownAsset): { label: string; tone: Tone } {
  if (asset.condition === 'retrying') return { label: RETRYING[asset.state] ?? 'Will retry', tone: 'waiting' };
  return STATES[asset.state];
}

/** Worth refreshing: the pipeline is on it right now (a retry minutes away is not polled for). */
export function stillProcessing(asset: ShownAsset): boolean {
  return asset.condition === null && STATES[asset.state].tone === 'busy';
}
