import OpenAI from 'openai';
import { chatVisionProvider, type ChatEndpoint, type ChatProviderSettings } from '../chat-provider';
import type { VisionProvider } from '../types';

export interface OpenAiCompatibleConnection {
  /** e.g. https://openrouter.ai/api/v1 or a local Ollama/vLLM at http://localhost:11434/v1 */
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
}

/**
 * Chat completions and the model list at any OpenAI-compatible endpoint, so a team can run an open-weight model
 * fully offline. No reasoning parameters: servers disagree on them and some refuse unknown fields, so a
 * reasoning model's thinking is stripped from the answer instead (clean.ts) and VISION_MAX_TOKENS leaves room.
 */
export function openAiCompatibleEndpoint(connection: OpenAiCompatibleConnection): ChatEndpoint {
  const client = new OpenAI({
    // Local servers (Ollama, vLLM) take no key, but the client insists on one.
    apiKey: connection.apiKey ?? 'no-key',
    baseURL: connection.baseUrl,
    maxRetries: 0,
    timeout: connection.timeoutMs + 5_000,
  });
  return {
    create: async (request, signal) => {
      const { data, response } = await client.chat.completions.create(request, { signal }).withResponse();
      return { body: data, headers: response.headers };
    },
    // The raw page, not the SDK's iterator: only the first page's `data` is needed.
    list: async (signal) => client.models.list({ signal }).then((page) => ({ data: page.data })),
    keyVariable: 'VISION_API_KEY',
  };
}

export function openAiCompatibleProvider(settings: Omit<ChatProviderSettings, 'name'> & OpenAiCompatibleConnection): VisionProvider {
  return chatVisionProvider({ ...settings, name: 'openai' }, openAiCompatibleEndpoint(settings));
}
