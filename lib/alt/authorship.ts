import type { AltSource } from '@/db/schema';
import type { Caller } from '@/lib/auth';

/** Who writes alt text by hand: a signed-in person, or a script with an API token (named after the token). */
export interface Editor {
  userId: string | null;
  /** Shown as the author of the text. */
  name: string;
  kind: 'person' | 'token';
}

export function editorOf(caller: Caller): Editor {
  return caller.kind === 'user'
    ? { userId: caller.userId, name: caller.name, kind: 'person' }
    : { userId: caller.userId, name: `API token "${caller.name}"`, kind: 'token' };
}

/**
 * The status of text written by hand, from who wrote it: a person's text is approved as it stands (writing it
 * is reading it), while text an API token writes is a proposal until a person approves it in the review queue,
 * the rule the review API already keeps. Every writer of such text (edits, review edits, CSV imports) asks this.
 */
export function statusOfWrittenText(editor: Pick<Editor, 'kind'>): 'approved' | 'proposed' {
  return editor.kind === 'person' ? 'approved' : 'proposed';
}

/** A person's text (written here, or in a connected store): the model never replaces it. */
export function isPersonText(source: AltSource | null): boolean {
  return source === 'human' || source === 'shop';
}
