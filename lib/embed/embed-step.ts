import type { Step } from '@/lib/pipeline/step';

/** Embeds the asset's "alt text | tags | filename" with the active model. (Being built in issue 5.) */
export const embedStep: Step = async () => ({ ok: true });
