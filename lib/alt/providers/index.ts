import type { Config } from '@/lib/config';
import { chatVisionProvider, type CreateCompletion } from '../chat-provider';
import type { VisionProvider } from '../types';
import { groqCompletions } from './groq';
import { openAiCompatibleCompletions } from './openai-compatible';

export { groqProvider, groqCompletions } from './groq';
export { openAiCompatibleProvider, openAiCompatibleCompletions } from './openai-compatible';

/** The configured endpoint as a raw chat-completions call (the judge in eval:alt uses it too), or null. */
export function completionsFrom(vision: Config['vision']): { name: 'groq' | 'openai'; create: CreateCompletion } | null {
  if (vision.provider === 'groq' && vision.groqApiKey) {
    return { name: 'groq', create: groqCompletions({ apiKey: vision.groqApiKey, baseUrl: vision.groqBaseUrl, timeoutMs: vision.timeoutMs }) };
  }
  if (vision.provider === 'openai' && vision.baseUrl) {
    return { name: 'openai', create: openAiCompatibleCompletions({ baseUrl: vision.baseUrl, apiKey: vision.apiKey, timeoutMs: vision.timeoutMs }) };
  }
  return null;
}

/** The configured vision provider, or null when none is (the asset then says "no vision provider configured"). */
export function visionProviderFrom(vision: Config['vision']): VisionProvider | null {
  const endpoint = completionsFrom(vision);
  if (!endpoint) return null;
  return chatVisionProvider(
    { name: endpoint.name, model: vision.model, temperature: vision.temperature, maxTokens: vision.maxTokens, timeoutMs: vision.timeoutMs, maxRetryWaitMs: vision.maxRetryWaitMs },
    endpoint.create,
  );
}
