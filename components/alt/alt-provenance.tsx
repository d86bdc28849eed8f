import { AltSourceBadge } from '@/components/assets/alt-source-badge';
import { formatDate } from '@/lib/words';
import type { AltView } from './alt-api';

/** Who wrote the alt text: "AI" with provider, model and prompt version, or "Human" with the person and time. */
export function AltProvenance({ alt }: { alt: AltView }) {
  if (alt.status === 'decorative') {
    return (
      <p className="flex items-center gap-2 text-xs text-neutral-600">
        <span className="rounded bg-neutral-100 px-1.5 py-px text-[10px] font-semibold uppercase tracking-wide text-neutral-700">Decorative</span>
        {alt.source === 'human' ? `marked by ${alt.author ?? 'a person'}` : 'too small to describe'}
        {alt.updatedAt && ` · ${formatDate(alt.updatedAt)}`}
      </p>
    );
  }
  if (!alt.source) return null;
  const detail =
    alt.source === 'ai'
      ? [alt.author, alt.model, alt.promptVersion && `prompt ${alt.promptVersion}`].filter(Boolean).join(' · ')
      : `by ${alt.author ?? 'a person'}`;
  return (
    <p className="flex flex-wrap items-center gap-2 text-xs text-neutral-600" data-alt-source={alt.source}>
      <AltSourceBadge source={alt.source} />
      <span>{detail}</span>
      {alt.updatedAt && <span>· {formatDate(alt.updatedAt)}</span>}
    </p>
  );
}
