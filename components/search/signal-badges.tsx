import type { SearchHitView } from './search-api';

/** Which signals found this result: the exact filename/SKU, its meaning (vector), its words (full text). */
export function SignalBadges({ matched }: { matched: SearchHitView['matched'] }) {
  const badge = 'rounded px-1.5 py-px text-[10px] font-semibold uppercase tracking-wide';
  return (
    <span className="flex flex-wrap gap-1">
      {matched.exact && <span className={`${badge} bg-emerald-100 text-emerald-800`} title="Filename or SKU matches exactly">Exact</span>}
      {matched.vector && (
        <span className={`${badge} bg-violet-100 text-violet-800`} title={`Similar in meaning (${Math.round(matched.vector.similarity * 100)}%)`}>
          Meaning
        </span>
      )}
      {matched.text && <span className={`${badge} bg-sky-100 text-sky-800`} title="Contains the words you typed">Words</span>}
    </span>
  );
}
