/**
 * The one shape of an expected outcome in lib/: a value, or a typed failure, told apart by `ok`. Failures name
 * what went wrong with a `kind` (or a `code` where it is the API error code) and usually a message; callers
 * switch on it. Exceptions are left for bugs and outages.
 */
export type Failure<E extends object> = { ok: false } & E;

export type Result<T extends object, E extends object> = ({ ok: true } & T) | Failure<E>;

/** A worker's lease on its job passed to another worker (or the asset was deleted): nothing of its was written. */
export type ClaimLost = { kind: 'claim_lost' };
