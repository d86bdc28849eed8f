import { ApiError, type ErrorCode } from '@/lib/errors';
import type { Failure as ResultFailure, Result as LibResult } from '@/lib/result';

/** What account operations return: a value, or an expected failure with its API error code and message. */
export type Failure = ResultFailure<{ code: ErrorCode; message: string; headers?: Record<string, string>; details?: Record<string, unknown> }>;
export type Result<T extends object> = LibResult<T, Failure>;

export function fail(code: ErrorCode, message: string, extra: Pick<Failure, 'headers' | 'details'> = {}): Failure {
  return { ok: false, code, message, ...extra };
}

/** For route handlers: the value, or the failure as the one API error shape (serialised by the guard). */
export function orThrow<T extends object>(result: Result<T>): { ok: true } & T {
  if (!result.ok) throw new ApiError(result.code, result.message, result.details, result.headers);
  return result;
}
