import { highlightSegments } from '@/lib/search/client';

/** Text with the query's words marked; rendered as text nodes, so nothing in it can become markup. */
export function HighlightedText({ text, terms }: { text: string; terms: readonly string[] }) {
  return (
    <>
      {highlightSegments(text, terms).map((segment, i) =>
        segment.match ? (
          // Dark text on a solid light yellow whatever the line's own colour: a grey line's grey on yellow fell under 4.5:1.
          <mark key={i} className="rounded-sm bg-amber-100 px-px text-neutral-950">
            {segment.text}
          </mark>
        ) : (
          <span key={i}>{segment.text}</span>
        ),
      )}
    </>
  );
}
