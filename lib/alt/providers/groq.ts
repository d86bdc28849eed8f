import Groq from 'groq-sdk';
import { chatVisionProvider, type ChatProviderSettings } from '../chat-provider';
import type { VisionProvider } from '../types';

export interface GroqSettings extends Omit<ChatProviderSettings, 'name'> {
  apiKey: string;
  /** GROQ_BASE_URL: another host speaking Groq's API, such as the test fake. */
  baseUrl?: string;
}

/** Groq through groq-sdk. `maxRetries: 0`: the SDK would otherwise retry 429s on its own; the policy is ours (policy.ts). */
export function groqProvider(settings: GroqSettings): VisionProvider {
  const client = new Groq({
    apiKey: settings.apiKey,
    baseURL: settings.baseUrl ?? null,
    maxRetries: 0,
    // Our AbortSignal enforces the real timeout; this is only the SDK's backstop.
    timeout: settings.timeoutMs + 5_000,
  });
  return chatVisionProvider({ ...settings, name: 'groq' }, (request, signal) => client.chat.completions.create(request, { signal }));
}
