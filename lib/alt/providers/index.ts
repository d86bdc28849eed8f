import type { Config } from '@/lib/config';
import { chatVisionProvider, type ChatEndpoint } from '../chat-provider';
import type { VisionProvider } from '../types';
import { groqEndpoint } from './groq';
import { openAiCompatibleEndpoint } from './openai-compatible';

export { groqProvider, groqEndpoint, type ReasoningSetting } from './groq';
export { openAiCompatibleProvider, openAiCompatibleEndpoint } from './openai-compatible';

/** The configured endpoint (chat completions and model list; the judge in eval:alt uses it too), or null. */
export function completionsFrom(vision: Config['vision']): ({ name: 'groq' | 'openai' } & ChatEndpoint) | null {
  if (vision.provider === 'groq' && vision.groqApiKey) {
    return { name: 'groq', ...groqEndpoint({ apiKey: vision.groqApiKey, baseUrl: vision.groqBaseUrl, timeoutMs: vision.timeoutMs, reasoning: vision.reasoning }) };
  }
  if (vision.provider === 'openai' && vision.baseUrl) {
    return { name: 'openai', ...openAiCompatibleEndpoint({ baseUrl: vision.baseUrl, apiKey: vision.apiKey, timeoutMs: vision.timeoutMs }) };
  }
  return null;
}

/** The configured vision provider, or null when none is (the asset then says "no vision provider configured"). */
export function visionProviderFrom(vision: Config['vision']): VisionProvider | null {
  const endpoint = completionsFrom(vision);
  if (!endpoint) return null;
  return chatVisionProvider(
    { name: endpoint.name, model: vision.model, temperature: vision.temperature, maxTokens: vision.maxTokens, timeoutMs: vision.timeoutMs, maxRetryWaitMs: vision.maxRetryWaitMs },
    endpoint,
  );
}
