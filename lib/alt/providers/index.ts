import type { Config } from '@/lib/config';
import type { VisionProvider } from '../types';
import { groqProvider } from './groq';
import { openAiCompatibleProvider } from './openai-compatible';

export { groqProvider } from './groq';
export { openAiCompatibleProvider } from './openai-compatible';

/** The configured vision provider, or null when none is (the asset then says "no vision provider configured"). */
export function visionProviderFrom(vision: Config['vision']): VisionProvider | null {
  const common = {
    model: vision.model,
    temperature: vision.temperature,
    maxTokens: vision.maxTokens,
    timeoutMs: vision.timeoutMs,
    maxRetryWaitMs: vision.maxRetryWaitMs,
  };
  if (vision.provider === 'groq' && vision.groqApiKey) {
    return groqProvider({ ...common, apiKey: vision.groqApiKey, baseUrl: vision.groqBaseUrl });
  }
  if (vision.provider === 'openai' && vision.baseUrl) {
    return openAiCompatibleProvider({ ...common, baseUrl: vision.baseUrl, apiKey: vision.apiKey });
  }
  return null;
}
