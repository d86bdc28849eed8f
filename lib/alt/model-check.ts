import type { Db } from '@/db/client';
import { clearConfigurationBlock, type ProviderBackoff } from './provider-state';
import type { ListedModel, ModelList, VisionProvider } from './types';

/**
 * Does the provider serve the configured model, and can it see photos? Asked of the provider's own model list
 * (`GET …/models`) at start-up and on the admin page, so an admin learns about a retired model before the first
 * upload rather than from a failed asset.
 */

export type ModelCheck =
  | { status: 'no_provider' }
  | { status: 'ok'; provider: string; model: string; images?: boolean; message: string }
  | { status: 'missing' | 'no_images'; provider: string; model: string; alternatives: string[]; message: string }
  | { status: 'invalid_key' | 'unreachable'; provider: string; model: string; message: string };

/** How long a retired model or refused key blocks the provider; the start-up check lifts it sooner once fixed. */
export const CONFIGURATION_BLOCK_MS = 24 * 60 * 60 * 1000;
const SHOWN_ALTERNATIVES = 6;

export async function checkVisionModel(provider: VisionProvider | null): Promise<ModelCheck> {
  if (!provider) return { status: 'no_provider' };
  const { name, model } = provider;
  const list = await provider.listModels();
  if (!list.ok) {
    return list.kind === 'invalid_key'
      ? { status: 'invalid_key', provider: name, model, message: invalidKeyMessage(provider, list.message) }
      : { status: 'unreachable', provider: name, model, message: `Could not ask ${name} for its model list (${list.message}); alt text will tell if VISION_MODEL works.` };
  }
  const listed = list.models.find((entry) => entry.id === model);
  const alternatives = alternativesFrom(list.models, model);
  if (!listed) {
    return { status: 'missing', provider: name, model, alternatives, message: `${name} does not offer VISION_MODEL=${model}. ${suggestion(alternatives)}` };
  }
  if (listed.images === false) {
    return { status: 'no_images', provider: name, model, alternatives, message: `${name} lists VISION_MODEL=${model} as text-only: it cannot see photos. ${suggestion(alternatives)}` };
  }
  const images = listed.images ? ' and takes images' : '';
  return { status: 'ok', provider: name, model, ...(listed.images === undefined ? {} : { images: listed.images }), message: `${name} serves ${model}${images}.` };
}

/** Models worth suggesting: those the list says take images, or every model when the list does not say. */
export function alternativesFrom(models: ListedModel[], current: string): string[] {
  const others = models.filter((entry) => entry.id !== current);
  const saysImages = others.some((entry) => entry.images !== undefined);
  return others.filter((entry) => !saysImages || entry.images).map((entry) => entry.id);
}

function suggestion(alternatives: string[]): string {
  if (alternatives.length === 0) return 'It lists no model that takes images: set VISION_MODEL to a vision model it serves.';
  const shown = alternatives.slice(0, SHOWN_ALTERNATIVES).join(', ');
  return `Set VISION_MODEL to one of: ${shown}${alternatives.length > SHOWN_ALTERNATIVES ? ', …' : ''}.`;
}

export function invalidKeyMessage(provider: VisionProvider, detail: string): string {
  return `${provider.name} refused ${provider.keyVariable} (${detail}). Set a valid key and restart Loupe.`;
}

/** The admin-facing message for a call refused as retired or unknown, with what the model list offers instead. */
export function modelUnavailableMessage(provider: VisionProvider, detail: string, list: ModelList): string {
  const retired = /decommissioned/i.test(detail) ? 'has retired' : 'does not offer';
  const advice = list.ok ? suggestion(alternativesFrom(list.models, provider.model)) : 'Set VISION_MODEL to a vision model it serves.';
  return `${provider.name} ${retired} VISION_MODEL=${provider.model} (${detail}). ${advice}`;
}

/**
 * The start-up check: logs the answer, blocks the provider when its key is refused, and lifts a block left by a
 * retired model or bad key once the configured model is served again (the admin changed VISION_MODEL).
 */
export async function runStartupModelCheck(
  db: Db,
  provider: VisionProvider | null,
  backoff: ProviderBackoff,
  log: Pick<Console, 'info' | 'warn'> = console,
): Promise<ModelCheck> {
  const check = await checkVisionModel(provider);
  if (check.status === 'no_provider') return check;
  if (check.status === 'ok') {
    await clearConfigurationBlock(db, check.provider);
    log.info(`[loupe] vision model check: ${check.message}`);
    return check;
  }
  log.warn(`[loupe] vision model check: ${check.message}`);
  if (check.status === 'invalid_key') await backoff.block(check.provider, new Date(Date.now() + CONFIGURATION_BLOCK_MS), `invalid_key: ${check.message}`);
  return check;
}

const ADMIN_CHECK_TTL_MS = 60_000;
let cached: { key: string; at: number; check: Promise<ModelCheck> } | null = null;

/** The check the admin page shows, asked at most once a minute per configured provider and model. */
export function cachedModelCheck(provider: VisionProvider | null): Promise<ModelCheck> {
  const key = provider ? `${provider.name} ${provider.model}` : '';
  if (!cached || cached.key !== key || Date.now() - cached.at > ADMIN_CHECK_TTL_MS) {
    cached = { key, at: Date.now(), check: checkVisionModel(provider) };
  }
  return cached.check;
}
