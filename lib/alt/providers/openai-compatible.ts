import OpenAI from 'openai';
import { chatVisionProvider, type ChatProviderSettings, type CreateCompletion } from '../chat-provider';
import type { VisionProvider } from '../types';

export interface OpenAiCompatibleConnection {
  /** e.g. https://openrouter.ai/api/v1 or a local Ollama/vLLM at http://localhost:11434/v1 */
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
}

/** One chat-completions call to any OpenAI-compatible endpoint, so a team can run an open-weight model fully offline. */
export function openAiCompatibleCompletions(connection: OpenAiCompatibleConnection): CreateCompletion {
  const client = new OpenAI({
    // Local servers (Ollama, vLLM) take no key, but the client insists on one.
    apiKey: connection.apiKey ?? 'no-key',
    baseURL: connection.baseUrl,
    maxRetries: 0,
    timeout: connection.timeoutMs + 5_000,
  });
  return async (request, signal) => {
    const { data, response } = await client.chat.completions.create(request, { signal }).withResponse();
    return { body: data, headers: response.headers };
  };
}

export function openAiCompatibleProvider(settings: Omit<ChatProviderSettings, 'name'> & OpenAiCompatibleConnection): VisionProvider {
  return chatVisionProvider({ ...settings, name: 'openai' }, openAiCompatibleCompletions(settings));
}
