import type { Failure, Result } from '@/lib/result';
import type { RateLimitSignal } from './rate-limit-headers';

/**
 * The vision provider contract (design.md, "Providers"): `describe()` never throws and never hangs; every
 * expected failure is a value with one of these kinds.
 */

export const ALT_FAILURE_KINDS = [
  'timeout',
  'rate_limited_short',
  'rate_limited_long',
  'quota_exhausted',
  'bad_request',
  'image_rejected',
  'server_error',
  'gate_rejected',
  'no_provider',
] as const;
export type AltFailureKind = (typeof ALT_FAILURE_KINDS)[number];

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export type AltFailure = Failure<{ kind: AltFailureKind; message: string; retryAfterMs?: number; latencyMs?: number; rateLimit?: RateLimitSignal }>;

export type AltResult = Result<{ text: string; usage: TokenUsage; latencyMs: number; rateLimit?: RateLimitSignal }, AltFailure>;

/** What the catalogue knows about the photo. The filename is kept here even when meaningless: the gate needs it to spot echoes. */
export interface AltContext {
  title?: string;
  tags: string[];
  collection?: string;
  sku?: string;
  filename?: string;
}

export interface DescribeInput {
  /** A data URL (`data:image/webp;base64,…`) or a short-lived https URL the provider can fetch. */
  image: string;
  context: AltContext;
  signal?: AbortSignal;
}

export interface VisionProvider {
  /** Provider-wide back-off state is keyed by this name (`groq`, `openai`). */
  readonly name: string;
  readonly model: string;
  describe(input: DescribeInput): Promise<AltResult>;
}
