/**
 * The one API error shape, `{"error": {"code", "message"}}`, and the one table from code to HTTP status.
 * Library code returns typed results; handlers (or the guard) turn a failure into an ApiError; only the guard's
 * catch serialises it.
 */

export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 422,
  unknown_locale: 422,
  unauthenticated: 401,
  invalid_credentials: 401,
  account_deactivated: 403,
  forbidden: 403,
  bad_origin: 403,
  invalid_signature: 403,
  url_expired: 403,
  not_found: 404,
  conflict: 409,
  version_conflict: 409,
  already_completed: 409,
  setup_complete: 409,
  email_taken: 409,
  last_owner: 409,
  payload_too_large: 413,
  file_too_large: 413,
  unsupported_type: 415,
  svg_refused: 415,
  not_an_image: 415,
  empty_file: 422,
  size_mismatch: 422,
  hash_mismatch: 422,
  upload_missing: 422,
  too_many_pixels: 422,
  corrupt_image: 422,
  invalid_filename: 422,
  invite_invalid: 410,
  range_not_satisfiable: 416,
  rate_limited: 429,
  locked_out: 429,
  unavailable: 503,
  database_unavailable: 503,
  internal: 500,
  method_not_allowed: 405,
  insufficient_storage: 507,
  upload_closed: 409,
  wrong_encoding: 422,
  invalid_csv: 422,
  too_many_rows: 413,
  bad_mapping: 422,
  plan_changed: 409,
  no_file: 400,
  file_gone: 410,
  invalid_url: 422,
  private_address: 422,
  unresolvable_host: 422,
  too_many_endpoints: 409,
  too_many_items: 413,
  part_out_of_range: 422,
  part_too_large: 413,
  parts_missing: 422,
  part_size_mismatch: 422,
  nothing_failed: 409,
  store_unreachable: 422,
  not_a_store: 422,
  store_unauthorized: 422,
  store_forbidden: 422,
  store_rate_limited: 429,
  store_error: 422,
  unsupported_store: 422,
  connection_paused: 409,
  too_many_photos: 422,
  share_gone: 410,
  preset_not_found: 404,
  rendition_unavailable: 404,
  preset_too_large: 422,
  unknown_format: 422,
  invalid_preset: 422,
  preset_reserved: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toResponse(): Response {
    const body: ErrorBody = { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
    return Response.json(body, { status: this.status, headers: this.headers });
  }
}

/** Anything that is not an ApiError is a bug: logged (without its query parameters), answered generically. */
export function toErrorResponse(error: unknown, context: string): Response {
  if (error instanceof ApiError) return error.toResponse();
  if (isDatabaseUnreachable(error)) {
    console.error(`[loupe] the database cannot be reached in ${context}: ${describeForLog(error)}`);
    return new ApiError('database_unavailable', 'The database cannot be reached right now, so nothing was done. Try again in a few seconds.', undefined, {
      'retry-after': String(DATABASE_RETRY_AFTER_SECONDS),
    }).toResponse();
  }
  if (isOutOfSpace(error)) {
    console.error(`[loupe] storage is full in ${context}: ${describeForLog(error)}`);
    return new ApiError('insufficient_storage', 'The server has run out of storage space, so nothing was saved. Ask the operator to free space, then try again.').toResponse();
  }
  console.error(`[loupe] unexpected error in ${context}: ${describeForLog(error)}`);
  return new ApiError('internal', 'Something went wrong on our side. It has been logged; try again.').toResponse();
}

/**
 * An error as log text that holds no data: a failed query's message and its driver's error carry the
 * statement's parameters (password hashes, emails, names, tokens), so only the SQL text, the database's error
 * code and the stack are kept. Messages that quote a value (`Key (email)=(…)`, `Failing row contains (…)`)
 * lose the quoted part.
 */
export function describeForLog(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const query = (current as { query?: unknown }).query;
    const code = (current as { code?: unknown }).code;
    const message = typeof query === 'string' ? `failed query: ${query}` : withoutValues(current.message);
    lines.push(`${depth ? 'caused by ' : ''}${current.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${message}`);
    if (depth === 0 && current.stack) lines.push(...current.stack.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 5));
    current = current.cause;
  }
  return lines.length ? lines.join('\n') : `a thrown ${typeof error}`;
}

function withoutValues(message: string): string {
  return message
    .replace(/params: [\s\S]*$/, 'params: (not logged)')
    .replace(/\)=\([^)]*\)/g, ')=(…)')
    .replace(/(row contains )\([\s\S]*\)/g, '$1(…)');
}

/** A write refused for lack of space (a full disk or an exhausted quota), possibly wrapped (`cause`). */
export function isOutOfSpace(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  }
  return false;
}

/** What a client waits before trying again when the database is down: a restart or a failover takes seconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The socket to PostgreSQL failed or was closed (postgres.js gives the socket's own code, or one of its own). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * PostgreSQL's own word that it is not serving: connection exceptions (class 08), the server shutting down
 * (57P01 admin, 57P02 crash), starting up or shutting down (57P03), or out of connections (53300).
 */
const SERVER_GONE_STATES = /^(08...|57P0[123]|53300)$/;

/**
 * The database could not be reached, as opposed to a query that failed: a refused or dropped connection, a
 * server restarting, or an embedded database already closed. A socket error counts only when a query was on
 * it (postgres.js and drizzle name the query), so a storage or provider outage is not taken for the database's.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  const chain: Error[] = [];
  for (let current: unknown = error; current instanceof Error && chain.length < 5; current = current.cause) chain.push(current);
  const fromQuery = chain.some((link) => 'query' in link);
  return chain.some((link) => {
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && SERVER_GONE_STATES.test(code) && link.name === 'PostgresError') return true;
    if (typeof code === 'string' && CONNECTION_CODES.has(code) && fromQuery) return true;
    return /^PGlite is clos(ed|ing)$/.test(link.message);
  });
}
