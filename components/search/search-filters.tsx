'use client';

import type { AltSource, AltStatus } from '@/db/schema';
import { NO_FILTERS, type SearchFiltersState } from './search-api';

// Typed as complete records, so a new state or source in the schema fails type-checking here until labelled.
const STATE_LABELS: Record<AltStatus, string> = {
  none: 'No alt text',
  proposed: 'Proposed',
  approved: 'Approved',
  rejected: 'Rejected',
  decorative: 'Decorative',
};
const SOURCE_LABELS: Record<AltSource, string> = { ai: 'AI', human: 'A person', shop: 'From a store' };
const TYPES = ['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff'];

/** Tag, alt-text state and source, file type and upload dates; every change searches again. */
export function SearchFilters({ value, onChange }: { value: SearchFiltersState; onChange: (next: SearchFiltersState) => void }) {
  const set = <K extends keyof SearchFiltersState>(key: K, next: SearchFiltersState[K]) => onChange({ ...value, [key]: next });
  const field = 'rounded-md border border-neutral-300 bg-white px-2 py-1.5 text-sm';
  const active = Object.values(value).some(Boolean);
  return (
    <fieldset className="flex flex-wrap items-end gap-3 text-xs text-neutral-600">
      <legend className="sr-only">Filters</legend>
      <label className="flex flex-col gap-1">
        Tag
        <input className={`${field} w-32`} value={value.tag} maxLength={100} onChange={(e) => set('tag', e.target.value)} placeholder="any" />
      </label>
      <label className="flex flex-col gap-1">
        Alt text
        <select className={field} value={value.status} onChange={(e) => set('status', e.target.value as SearchFiltersState['status'])}>
          <option value="">Any state</option>
          {Object.entries(STATE_LABELS).map(([state, label]) => (
            <option key={state} value={state}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Written by
        <select className={field} value={value.source} onChange={(e) => set('source', e.target.value as SearchFiltersState['source'])}>
          <option value="">Anyone</option>
          {Object.entries(SOURCE_LABELS).map(([source, label]) => (
            <option key={source} value={source}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        File type
        <select className={field} value={value.type} onChange={(e) => set('type', e.target.value)}>
          <option value="">Any type</option>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t.toUpperCase()}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Uploaded from
        <input type="date" className={field} value={value.from} onChange={(e) => set('from', e.target.value)} />
      </label>
      <label className="flex flex-col gap-1">
        to
        <input type="date" className={field} value={value.to} onChange={(e) => set('to', e.target.value)} />
      </label>
      {active && (
        <button type="button" className="rounded-md px-2 py-1.5 text-sm text-neutral-700 underline underline-offset-2" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      )}
    </fieldset>
  );
}
