import { ApiError, type ErrorCode } from '@/lib/errors';

/** What account operations return: a value, or an expected failure with its API error code and message. */
export type Failure = { ok: false; code: ErrorCode; message: string; headers?: Record<string, string>; details?: Record<string, unknown> };
export type Result<T> = ({ ok: true } & T) | Failure;

export function fail(code: ErrorCode, message: string, extra: Pick<Failure, 'headers' | 'details'> = {}): Failure {
  return { ok: false, code, message, ...extra };
}

/** For route handlers: the value, or the failure as the one API error shape (serialised by the guard). */
export function orThrow<T>(result: Result<T>): { ok: true } & T {
  if (!result.ok) throw new ApiError(result.code, result.message, result.details, result.headers);
  return result;
}
