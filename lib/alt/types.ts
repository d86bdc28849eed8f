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

export type AltResult =
  | { ok: true; text: string; usage: TokenUsage; latencyMs: number }
  | { ok: false; kind: AltFailureKind; message: string; retryAfterMs?: number; latencyMs?: number };

export type AltFailure = Extract<AltResult, { ok: false }>;

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
  /** A video's keyframes in time order (data or https URLs, `image` being the first): sent in one request with the video prompt. */
  frames?: string[];
  context: AltContext;
  signal?: AbortSignal;
}

export interface VisionProvider {
  /** Provider-wide back-off state is keyed by this name (`groq`, `openai`). */
  readonly name: string;
  readonly model: string;
  describe(input: DescribeInput): Promise<AltResult>;
}
