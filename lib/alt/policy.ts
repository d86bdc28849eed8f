import type { CallPacer } from './pacing';
import type { AltFailure, AltResult, DescribeInput, VisionProvider } from './types';

/**
 * Our retry policy (groq-sdk's is off): a short 429 waits as long as the provider asks and retries; a 5xx
 * or a broken answer retries with exponential backoff; each at most twice. Everything else returns at once:
 * a long 429 or an exhausted quota (the caller records the back-off), a timeout (the backfill retries later,
 * rather than holding a worker for another 15 s), and other 4xx (retrying would fail the same way).
 */

export const MAX_RETRIES = 2;

export interface RetryOptions {
  /** Wraps each model call, e.g. in the process-wide concurrency limiter; waits between attempts are outside it. */
  limit?: <T>(call: () => Promise<T>) => Promise<T>;
  /** Backoff before retry n (1-based) after a 5xx; exponential with jitter by default. */
  backoffMs?: (retry: number) => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<boolean>;
  /** Waits for each call's turn under the provider's limits and follows what each response says about them. */
  pace?: CallPacer;
}

export interface RetryOutcome {
  final: AltResult;
  /** Every call made, in order, with its own result (each becomes an alt_history row). */
  attempts: AltResult[];
}

export async function describeWithRetries(provider: VisionProvider, input: DescribeInput, options: RetryOptions = {}): Promise<RetryOutcome> {
  return callWithRetries(() => provider.describe(input), input.signal, options);
}

/** The same policy for any one model call (a describe, a translation): paced, limited, retried. */
export async function callWithRetries(call: () => Promise<AltResult>, signal: AbortSignal | undefined, options: RetryOptions = {}): Promise<RetryOutcome> {
  const limit = options.limit ?? ((run) => run());
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  const sleep = options.sleep ?? abortableSleep;
  const attempts: AltResult[] = [];
  for (let retry = 0; ; retry++) {
    const result = await limit(() => pacedCall(call, signal, options.pace));
    attempts.push(result);
    const wait = result.ok || retry >= MAX_RETRIES ? undefined : waitBeforeRetry(result, retry + 1, backoffMs);
    if (wait === undefined) return { final: result, attempts };
    if (!(await sleep(wait, signal))) {
      return { final: { ok: false, kind: 'timeout', message: 'cancelled while waiting to retry' }, attempts };
    }
  }
}

async function pacedCall(call: () => Promise<AltResult>, signal: AbortSignal | undefined, pace: CallPacer | undefined): Promise<AltResult> {
  if (!pace) return call();
  const turn = await pace.turn(signal);
  if (!turn.ok) return turn.failure;
  const result = await call();
  await pace.record(result);
  return result;
}

function waitBeforeRetry(failure: AltFailure, retry: number, backoffMs: (retry: number) => number): number | undefined {
  if (failure.kind === 'rate_limited_short') return failure.retryAfterMs ?? backoffMs(retry);
  if (failure.kind === 'server_error') return backoffMs(retry);
  return undefined;
}

function defaultBackoffMs(retry: number): number {
  return 500 * 2 ** (retry - 1) * (0.75 + Math.random() * 0.5);
}

/** Resolves true after `ms`, or false as soon as the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
