/** PostgreSQL's unique_violation, as raised by postgres.js or PGlite, possibly wrapped by drizzle (`cause`). */
export function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error || isRecord(current); current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: unknown }).code === '23505') return true;
    if (!('cause' in (current as object))) return false;
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
