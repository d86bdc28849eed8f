import type { AltView } from './alt-api';

/** Why Regenerate is unavailable (shown as visible text under the disabled button), or null when it may be used. */
export function regenerateBlockedReason(alt: Pick<AltView, 'source'>, decorative: boolean, providerMissing: boolean): string | null {
  if (alt.source === 'human') return 'A person wrote this text; the model does not replace it.';
  if (decorative) return 'Decorative images need no description.';
  if (providerMissing) return 'No vision provider is configured.';
  return null;
}
