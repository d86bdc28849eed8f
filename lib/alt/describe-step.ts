import type { Step } from '@/lib/pipeline/step';

/** Writes the asset's alt text with the configured vision provider. (Being built in issue 4.) */
export const describeStep: Step = async () => ({ ok: true });
