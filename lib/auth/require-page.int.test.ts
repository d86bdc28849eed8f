import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';

/** The session cookie the mocked request carries (`loupe_session=…` of the account under test). */
let cookieHeader = '';

vi.mock('next/headers', () => ({
  cookies: async () => ({
    get: (name: string) => {
      const [key, value] = cookieHeader.split('=');
      return key === name ? { name, value } : undefined;
    },
  }),
  headers: async () => new Headers(),
}));
vi.mock('next/navigation', () => ({
  redirect: (url: string) => {
    throw new Error(`redirect to ${url}`);
  },
}));

/** A page a role may not open says which role it needs, on a page of its own that a viewer can always open (no loop). */
describe('requirePage and /denied', () => {
  const database = useTestDatabase();
  let viewer: TestAccount;

  beforeAll(async () => {
    await makeAccount(database().db, 'owner');
    viewer = await makeAccount(database().db, 'viewer');
    cookieHeader = viewer.cookie;
  });

  it('sends a viewer from an editor page to /denied naming the role, and lets /denied itself through', async () => {
    const { requirePage } = await import('./guard');
    await expect(requirePage('editor')).rejects.toThrow('redirect to /denied?need=editor');
    await expect(requirePage('admin')).rejects.toThrow('redirect to /denied?need=admin');
    await expect(requirePage('viewer')).resolves.toMatchObject({ kind: 'user', role: 'viewer' });
  });

  it('/denied says which role the page needs and which one the person has', async () => {
    const { default: DeniedPage } = await import('@/app/denied/page');
    const html = renderToStaticMarkup(await DeniedPage({ searchParams: Promise.resolve({ need: 'editor' }) }));
    expect(html).toContain('You need the editor role to open this page');
    expect(html).toContain('with the viewer role');
    expect(html).toContain('href="/"');
    // A made-up role in the URL is not echoed back.
    const odd = renderToStaticMarkup(await DeniedPage({ searchParams: Promise.resolve({ need: '<script>' }) }));
    expect(odd).toContain('Your role cannot open that page');
    expect(odd).not.toContain('<script>');
  });
});
