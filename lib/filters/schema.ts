import { z } from 'zod';
import { ALT_SOURCES, ALT_STATUSES } from '@/db/schema';
import { text } from '@/lib/text-input';
import { FILTER_STATUSES, FLAG_FILTERS, PROCESSING_STATES, STORE_FILTERS, type ProcessingState } from './vocabulary';

/**
 * The one filter language for assets: the library, search and "more like this", the review queue and its counts,
 * bulk "select all matching", exports, the backfill and connectors' writeback all take this object, from a
 * URL's query string or a JSON body alike, and compile.ts turns it into SQL. Each name has one meaning.
 */

/** Empty means "no filter" (a cleared search box submits ""). */
const optionalText = (max: number, what: string) =>
  text()
    .trim()
    .max(max, `${what} is at most ${max} characters`)
    .transform((value) => (value === '' ? undefined : value))
    .optional();

const day = z.iso.date().or(z.iso.datetime({ offset: true }));

/**
 * `state` is the processing state (the library's meaning). Search once took the alt-text status under that
 * name: those values (none, proposed, approved, rejected, decorative) are still accepted there and read as `status`.
 */
const STATE_VALUES = [...PROCESSING_STATES, ...ALT_STATUSES] as const;
const OLD_STATE_NAMES: readonly string[] = ALT_STATUSES;

/** Each name's meaning is also its description in the OpenAPI document (lib/openapi). */
export const filterShape = {
  q: optionalText(200, 'the search text').describe('Part of the filename, title or SKU, whatever its case (in GET /api/search, q is the query instead).'),
  tag: optionalText(100, 'a tag').describe('One of the photo’s tags, whatever its case.'),
  collection: optionalText(200, 'a collection').describe('The collection, whatever its case.'),
  product: z.uuid('Not a product id.').optional().describe('The photos of one product.'),
  status: z
    .enum(FILTER_STATUSES)
    .optional()
    .describe(
      'The alt text’s status: missing, proposed (outdated included), outdated (an older prompt), gate_rejected, retrying (gate_rejected included), failed (for good), approved, decorative; undecided (missing or proposed: what needs a decision); none (no text yet: missing, retrying or failed); rejected.',
    ),
  state: z
    .enum(STATE_VALUES)
    .optional()
    .describe('The processing state: failed (a step failed for good: Retry or Delete) or retrying (Loupe tries again by itself). An alt-text status here is read as status (search’s old name).'),
  store: z.enum(STORE_FILTERS).optional().describe('not_in_store: approved text a linked store does not hold yet; conflict: changed in the store and in Loupe.'),
  flag: z.enum(FLAG_FILTERS).optional().describe('A rule the alt text breaks, or an image under 1500 × 1500 px (a recommendation).'),
  source: z.enum(ALT_SOURCES).optional().describe('Who wrote the alt text: ai, human or shop.'),
  type: text()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9.+/-]{1,60}$/, 'use a format like jpeg or a type like image/jpeg')
    .optional()
    .describe('A format (jpeg, png, webp) or a MIME type (image/jpeg).'),
  from: day.optional().describe('Uploaded on or after this date or date-time.'),
  to: day.optional().describe('Uploaded up to this date-time, or to the end of this date.'),
  model: optionalText(200, 'a model').describe('The model that wrote the alt text.'),
  promptVersion: optionalText(100, 'a prompt version').describe('The prompt version that wrote the alt text.'),
};

export const FILTER_KEYS = Object.keys(filterShape) as (keyof typeof filterShape)[];

type RawFilter = z.output<z.ZodObject<typeof filterShape>>;
export type AssetFilter = Omit<RawFilter, 'state'> & { state?: Condition };
export type FilterKey = keyof AssetFilter;

type Condition = ProcessingState;

/** Reads search's old `state=<alt status>` as `status`; refuses both names at once with different values. */
function readAliases(raw: RawFilter, ctx: z.RefinementCtx): AssetFilter {
  const { state, ...rest } = raw;
  if (state === undefined || !OLD_STATE_NAMES.includes(state)) return { ...rest, ...(state ? { state: state as Condition } : {}) };
  if (rest.status !== undefined && rest.status !== state) {
    ctx.addIssue({ code: 'custom', path: ['state'], message: `state=${state} is the old name for status=${state}; send status alone (state is failed or retrying)` });
    return z.NEVER;
  }
  return { ...rest, status: state as AssetFilter['status'] };
}

/**
 * The filter with more fields beside it (a route's cursor and limit; search's `q` is its query, not the filter's
 * filename match). `strict` refuses unknown names (JSON bodies); query strings ignore them, as they always have.
 */
export function filterSchema<E extends z.ZodRawShape = Record<never, never>>(extra?: E, options: { strict?: boolean } = {}) {
  const object = z.object({ ...filterShape, ...extra } as unknown as Omit<typeof filterShape, keyof E> & E);
  const checked = (options.strict ? object.strict() : object) as typeof object;
  return checked.transform((raw, ctx) => readAliases(raw as RawFilter, ctx) as Omit<z.output<typeof object>, 'state'> & { state?: Condition });
}

/** A filter in a JSON body (bulk actions, review decisions, writeback). */
export const assetFilterSchema = filterSchema(undefined, { strict: true });

/** Whether the filter narrows anything. */
export function hasFilter(filter: AssetFilter): boolean {
  return FILTER_KEYS.some((key) => filter[key as FilterKey] !== undefined);
}

type Params = URLSearchParams | Record<string, string | string[] | undefined>;

/** The filter's names in a page's address (the first of repeated ones; empty ones are no filter), to parse. */
export function filterParams(params: Params): Record<string, string> {
  const found: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const raw = params instanceof URLSearchParams ? (params.get(key) ?? undefined) : params[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value) found[key] = value;
  }
  return found;
}

/**
 * A filter from a page's address: each malformed or unknown value in a shared link is dropped on its own, the
 * rest still apply (an API call is refused instead, with what was wrong).
 */
export function filterFromParams(params: Params): AssetFilter {
  const kept = Object.fromEntries(Object.entries(filterParams(params)).filter(([key, value]) => filterShape[key as keyof typeof filterShape].safeParse(value).success));
  const parsed = filterSchema().safeParse(kept);
  if (parsed.success) return parsed.data;
  // Only the two names for one status can clash: keep `status`.
  const { state: _dropped, ...rest } = kept;
  return filterSchema().parse(rest);
}

/** The filter as a query string (links between pages, the review form). */
export function filterToParams(filter: AssetFilter): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filter[key as FilterKey];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params.toString();
}
