import { CopyButton } from '@/components/copy-button';

/** A secret Loupe shows exactly once (an invite link, an API token): selectable, with a Copy button and a warning that it will not come back. */
export function OneTimeSecret({
  label,
  value,
  note = 'Copy it now: Loupe keeps only a hash and cannot show it again.',
}: {
  label: string;
  value: string;
  note?: string;
}) {
  return (
    <div className="flex flex-col gap-1 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm">
      <p className="font-medium text-emerald-900">{label}</p>
      <div className="flex flex-wrap items-center gap-2">
        <output aria-label={label} className="select-all break-all rounded bg-white px-2 py-1 font-mono text-xs text-neutral-900">
          {value}
        </output>
        <CopyButton value={value} label={`Copy ${label.toLowerCase()}`} />
      </div>
      <p className="text-xs text-emerald-900">{note}</p>
    </div>
  );
}
