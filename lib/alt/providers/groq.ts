import Groq from 'groq-sdk';
import { chatVisionProvider, type ChatProviderSettings, type CreateCompletion } from '../chat-provider';
import type { VisionProvider } from '../types';

export interface GroqConnection {
  apiKey: string;
  /** GROQ_BASE_URL: another host speaking Groq's API, such as the test fake. */
  baseUrl?: string;
  timeoutMs: number;
}

/**
 * One chat-completions call through groq-sdk. `maxRetries: 0`: the SDK would otherwise retry 429s on its own;
 * the policy is ours (policy.ts). Our AbortSignal enforces the real timeout; the SDK's is only a backstop.
 */
export function groqCompletions(connection: GroqConnection): CreateCompletion {
  const client = new Groq({ apiKey: connection.apiKey, baseURL: connection.baseUrl ?? null, maxRetries: 0, timeout: connection.timeoutMs + 5_000 });
  return async (request, signal) => {
    const { data, response } = await client.chat.completions.create(request, { signal }).withResponse();
    return { body: data, headers: response.headers };
  };
}

export function groqProvider(settings: Omit<ChatProviderSettings, 'name'> & GroqConnection): VisionProvider {
  return chatVisionProvider({ ...settings, name: 'groq' }, groqCompletions(settings));
}
