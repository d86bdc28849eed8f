import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { ALT_SOURCES, ALT_STATUSES } from '@/db/schema';
import { text } from '@/lib/text-input';

/** Filters shared by search and "more like this"; each narrows the assets considered by every signal. */
export const searchFiltersSchema = z.object({
  tag: text().trim().min(1).max(100).optional(),
  state: z.enum(ALT_STATUSES).optional(),
  source: z.enum(ALT_SOURCES).optional(),
  /** A format (`jpeg`, `png`, `webp`) or a MIME type (`image/jpeg`). */
  type: text().trim().toLowerCase().regex(/^[a-z0-9.+/-]{1,60}$/, 'use a format like jpeg or a type like image/jpeg').optional(),
  from: z.iso.date().or(z.iso.datetime({ offset: true })).optional(),
  to: z.iso.date().or(z.iso.datetime({ offset: true })).optional(),
});

export type SearchFilters = z.infer<typeof searchFiltersSchema>;

/** Assets people can find: uploaded ones (the file exists) not in the trash, whatever their alt text or embedding is doing. */
export const VISIBLE = sql`a.state not in ('awaiting_upload', 'failed_upload') and a.deleted_at is null`;

export function hasFilters(filters: SearchFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined && value !== '');
}

/** The filters as conditions on `assets a`; a date-only `to` includes that whole day. */
export function filterConditions(filters: SearchFilters): SQL {
  const parts: SQL[] = [VISIBLE];
  if (filters.tag) parts.push(sql`a.tags @> array[${filters.tag}]::text[]`);
  if (filters.state) parts.push(sql`a.alt_status = ${filters.state}`);
  if (filters.source) parts.push(sql`a.alt_source = ${filters.source}`);
  if (filters.type) parts.push(sql`(lower(a.format) = ${filters.type} or lower(a.mime_type) = ${filters.type})`);
  if (filters.from) parts.push(sql`a.created_at >= ${filters.from}::timestamptz`);
  if (filters.to) {
    parts.push(filters.to.length === 10 ? sql`a.created_at < ${filters.to}::date + 1` : sql`a.created_at <= ${filters.to}::timestamptz`);
  }
  return sql.join(parts, sql` and `);
}
