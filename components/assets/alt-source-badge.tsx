import type { AltSource } from '@/db/schema';

/** Says who wrote an alt text: the vision model ("AI") or a person ("Human"). */
export function AltSourceBadge({ source }: { source: AltSource }) {
  const ai = source === 'ai';
  return (
    <span
      title={ai ? 'Written by the vision model' : 'Written by a person'}
      className={`inline-flex shrink-0 items-center rounded px-1.5 py-px text-[10px] font-semibold uppercase tracking-wide ${
        ai ? 'bg-violet-100 text-violet-800' : 'bg-sky-100 text-sky-800'
      }`}
    >
      {ai ? 'AI' : 'Human'}
    </span>
  );
}
