import type { ReviewCounts } from '@/lib/review';
import { FLAG_LABELS, QUEUE_STATUSES, REVIEW_FLAG_FILTERS, STATUS_LABELS } from '@/lib/review';
import type { AssetFilter } from '@/lib/filters';

/**
 * The queue's filters as a plain GET form (the filter lives in the address, so every view is a link), with the
 * number of items each choice would leave.
 */
const field = 'flex min-w-0 flex-col gap-1 text-xs font-medium text-neutral-700';
const control = 'w-full rounded-md border border-neutral-400 bg-white px-2 py-1.5 text-sm text-neutral-900';

export function ReviewFilters({ filter, counts }: { filter: AssetFilter; counts: ReviewCounts }) {
  // Estimated from a sample in a large library: said so with a tilde.
  const shown = (count: number) => (counts.estimated ? `~${count}` : String(count));
  return (
    <form method="get" action="/review" aria-label="Filter the queue" className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8">
      <label className={field}>
        Status
        <select name="status" defaultValue={filter.status ?? ''} className={control}>
          <option value="">Needs a decision ({shown(QUEUE_STATUSES.reduce((sum, status) => sum + (status === 'outdated' || status === 'gate_rejected' ? 0 : (counts.status[status] ?? 0)), 0))})</option>
          {QUEUE_STATUSES.map((status) => (
            <option key={status} value={status}>
              {STATUS_LABELS[status]} ({shown(counts.status[status] ?? 0)})
            </option>
          ))}
          <option value="approved">{STATUS_LABELS.approved}</option>
          <option value="decorative">{STATUS_LABELS.decorative}</option>
        </select>
      </label>
      <label className={field}>
        Flag
        <select name="flag" defaultValue={filter.flag ?? ''} className={control}>
          <option value="">Any</option>
          {REVIEW_FLAG_FILTERS.map((flag) => (
            <option key={flag} value={flag}>
              {FLAG_LABELS[flag]} ({shown(counts.flag[flag] ?? 0)})
            </option>
          ))}
        </select>
      </label>
      <ValueSelect label="Tag" name="tag" chosen={filter.tag} values={counts.tag} shown={shown} />
      <ValueSelect label="Collection" name="collection" chosen={filter.collection} values={counts.collection} shown={shown} />
      <ValueSelect label="Model" name="model" chosen={filter.model} values={counts.model} shown={shown} />
      <ValueSelect label="Prompt version" name="promptVersion" chosen={filter.promptVersion} values={counts.promptVersion} shown={shown} />
      <label className={field}>
        Uploaded from
        <input type="date" name="from" defaultValue={filter.from?.slice(0, 10) ?? ''} className={control} />
      </label>
      <label className={field}>
        Uploaded to
        <input type="date" name="to" defaultValue={filter.to?.slice(0, 10) ?? ''} className={control} />
      </label>
      <div className="col-span-2 flex items-end gap-2 sm:col-span-4 lg:col-span-8">
        <button type="submit" className="rounded-md bg-neutral-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-neutral-700">
          Apply filters
        </button>
        <a href="/review" className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-100">
          Clear
        </a>
      </div>
    </form>
  );
}

/** A choice among the values the queue holds, most common first, each with its count (a value from the address stays listed). */
function ValueSelect(props: { label: string; name: keyof AssetFilter; chosen: string | undefined; values: Array<{ value: string; count: number }>; shown: (count: number) => string }) {
  const listed = props.chosen && !props.values.some((entry) => entry.value === props.chosen) ? [{ value: props.chosen, count: 0 }, ...props.values] : props.values;
  return (
    <label className={field}>
      {props.label}
      <select name={props.name} defaultValue={props.chosen ?? ''} className={control}>
        <option value="">Any</option>
        {listed.map((entry) => (
          <option key={entry.value} value={entry.value}>
            {entry.value} ({props.shown(entry.count)})
          </option>
        ))}
      </select>
    </label>
  );
}
