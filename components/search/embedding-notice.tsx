import type { EmbeddingAvailability } from '@/lib/embed';

type Unavailable = Extract<EmbeddingAvailability, { available: false }>;

/** Admins: the embedding model did not load, why, and what to set; photos are not failed because of it. */
export function EmbeddingModelNotice({ availability }: { availability: EmbeddingAvailability }) {
  if (availability.available) return null;
  return (
    <section role="status" aria-labelledby="embedding-notice-heading" data-embedding-unavailable className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
      <h2 id="embedding-notice-heading" className="mb-1 font-semibold">
        Search by meaning is off: the embedding model {availability.model} could not be loaded
      </h2>
      <p>Photos are still stored, described and Ready, and keyword search finds them.</p>
      <p className="mt-2">{availability.fix}</p>
      <details className="mt-2 text-xs">
        <summary className="cursor-pointer">Details for admins</summary>
        <p className="mt-1 break-words font-mono">{availability.message}</p>
      </details>
    </section>
  );
}

/** Everyone on the search page, once: results come from words until the model loads. */
export function SearchByMeaningBanner({ availability }: { availability: Unavailable }) {
  return (
    <p role="status" data-embedding-unavailable className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      Search by meaning is unavailable: the embedding model ({availability.model}) could not be loaded, so results match the words in filenames,
      titles, SKUs, tags and alt text. An admin can find what to set on the Admin page.
    </p>
  );
}
