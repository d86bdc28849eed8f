import OpenAI from 'openai';
import { chatVisionProvider, type ChatProviderSettings } from '../chat-provider';
import type { VisionProvider } from '../types';

export interface OpenAiCompatibleSettings extends Omit<ChatProviderSettings, 'name'> {
  /** e.g. https://openrouter.ai/api/v1 or a local Ollama/vLLM at http://localhost:11434/v1 */
  baseUrl: string;
  apiKey?: string;
}

/** Any OpenAI-compatible chat-completions endpoint, so a team can run an open-weight model fully offline. */
export function openAiCompatibleProvider(settings: OpenAiCompatibleSettings): VisionProvider {
  const client = new OpenAI({
    // Local servers (Ollama, vLLM) take no key, but the client insists on one.
    apiKey: settings.apiKey ?? 'no-key',
    baseURL: settings.baseUrl,
    maxRetries: 0,
    timeout: settings.timeoutMs + 5_000,
  });
  return chatVisionProvider({ ...settings, name: 'openai' }, (request, signal) => client.chat.completions.create(request, { signal }));
}
