'use client';

import { describeNextTry } from './describe-next-try';

/** "Next try in 4 minutes (at 14:05)": the time of a retrying step's next automatic try, in the reader's time zone. */
export function NextTry({ at, className }: { at: string; className?: string }) {
  return (
    <span data-next-try={at} className={className}>
      Next try{' '}
      {/* The server renders in its own time zone and clock; the browser's words replace them. */}
      <time dateTime={at} suppressHydrationWarning>
        {describeNextTry(new Date(at), new Date())}
      </time>
    </span>
  );
}
