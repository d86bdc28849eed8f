import type { Result } from '@/lib/result';
/** Longest display filename we keep, in characters; the extension survives the cut. */
export const MAX_FILENAME_LENGTH = 200;

export type FilenameResult = Result<{ filename: string }, { code: 'invalid_filename'; message: string }>;

/**
 * A display name only: storage keys are random and never built from it. NFC-normalised, without any path
 * (a browser or script may send "C:\\photos\\a.jpg" or "../../etc/passwd"), control and bidi-override
 * characters, or `..`; capped at MAX_FILENAME_LENGTH keeping the extension.
 */
export function sanitizeFilename(raw: string): FilenameResult {
  const lastSegment = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+/, '')
    .trim();
  if (!cleaned) {
    return { ok: false, code: 'invalid_filename', message: 'The filename has no usable characters left once path parts and control characters are removed: rename the file.' };
  }
  return { ok: true, filename: capLength(cleaned) };
}

function capLength(name: string): string {
  const characters = Array.from(name);
  if (characters.length <= MAX_FILENAME_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(name.slice(dot)) : [];
  // An "extension" longer than 16 characters is just part of the name.
  const kept = extension.length > 0 && extension.length <= 16 ? extension : [];
  const stem = characters.slice(0, characters.length - kept.length);
  return stem.slice(0, MAX_FILENAME_LENGTH - kept.length).join('').trimEnd() + kept.join('');
}
