import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

/**
 * New passwords are checked with zxcvbn-ts (OWASP ASVS 2.1.7): common passwords, dictionary words, names,
 * keyboard walks, repeats and dates all score low, and so does a password built from the person's own name or
 * email. Score 3 of 4 ("safely unguessable") is the floor. Loaded on first use: the dictionaries are large.
 */
const MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return estimator;
}

/** Whose password it is: what anyone who knows them would try first. */
export interface PasswordOwner {
  name: string;
  email: string;
}

/** The owner's name, email and its local part, whole and word by word (words of two letters say nothing). */
function personalInputs({ name, email }: PasswordOwner): string[] {
  const wholes = [name, email, email.split('@')[0]];
  const words = wholes.flatMap((input) => input.split(/[^\p{L}\p{N}]+/u));
  return [...new Set([...wholes, ...words])].filter((input) => input.length > 2);
}

/** Null when the password is strong enough, else one sentence saying why not and what to do. */
export function passwordWeakness(password: string, owner: PasswordOwner): string | null {
  const result = zxcvbn().check(password, personalInputs(owner));
  if (result.score >= MIN_SCORE) return null;
  const personal = result.sequence.some((match) => match.pattern === 'dictionary' && match.dictionaryName === 'userInputs');
  const why = personal
    ? ' It is made from your name or email address, which anyone who knows you would try first.'
    : result.feedback.warning
      ? ` ${result.feedback.warning.replace(/\.?$/, '.')}`
      : '';
  return `This password is too easy to guess.${why} Use a longer phrase of unrelated words, not your name or email.`;
}
