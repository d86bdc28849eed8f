import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appFiles } from './app-files';

/** Pages that must work without an account: they guard themselves in their own way (setup state, invite or share token). */
const PUBLIC_PAGES = ['app/setup/page.tsx', 'app/signin/page.tsx', 'app/invite/[token]/page.tsx', 'app/s/[token]/page.tsx'];

describe('every page under app/', () => {
  const pages = appFiles('page.tsx');

  it('finds the pages, including the public ones', () => {
    expect(pages).toEqual(expect.arrayContaining(PUBLIC_PAGES));
    expect(pages.length).toBeGreaterThan(PUBLIC_PAGES.length);
  });

  it('calls requirePage(role) unless it is sign-in, setup, an invite or a share link', () => {
    const unguarded = pages.filter((page) => !PUBLIC_PAGES.includes(page) && !/\brequirePage\(\s*'(viewer|editor|admin|owner)'\s*\)/.test(readFileSync(page, 'utf8')));
    expect(unguarded).toEqual([]);
  });
});
