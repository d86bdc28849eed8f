import { expect, inject, test, type Browser, type BrowserContext, type Page } from './support/test';
import { screenshot } from './support/browser';
import { OWNER, setUpOwner, signIn } from './support/owner';
import { startApp, type RunningApp } from './support/server';

/**
 * Issue 3's "done when": a new user sets Loupe up, invites an editor and a viewer, and each can do exactly what
 * their role allows, in the browser and through the API with tokens. Plus the page-level defences: CSP, and
 * server actions refused from another origin.
 */

const EDITOR = { name: 'Edda Editor', email: 'editor@loupe.test', password: 'editor passphrase 1' };
const VIEWER = { name: 'Vic Viewer', email: 'viewer@loupe.test', password: 'viewer passphrase 1' };

test.describe.serial('accounts and roles in the browser and over the API', () => {
  let app: RunningApp;
  let browser: Browser;
  /** Every context this file opened, closed after its last test (the browser is the worker's). */
  const contexts: BrowserContext[] = [];
  let owner: Page;
  const inviteLinks: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  const pathOf = (page: Page) => new URL(page.url()).pathname;
  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${app.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    return context.newPage();
  }

  async function invite(email: string, role: string): Promise<string> {
    await owner.goto(`${app.url}/admin/users`);
    await owner.getByLabel('Email').fill(email);
    await owner.getByLabel('Role', { exact: true }).selectOption(role);
    await owner.getByRole('button', { name: 'Create invite link' }).click();
    const link = owner.getByRole('status', { name: 'Invite link' }).or(owner.locator('output[aria-label="Invite link"]'));
    await link.first().waitFor();
    return (await link.first().textContent())?.trim() ?? '';
  }

  async function join(link: string, person: { name: string; password: string }): Promise<Page> {
    const page = await newPage();
    await page.goto(link);
    await page.getByLabel('Name').fill(person.name);
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Join Loupe' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/invite/'));
    return page;
  }

  test.beforeAll(async ({ browser: workerBrowser }) => {
    browser = workerBrowser;
    app = await startApp({ fakeGroqUrl: inject('fakeGroqUrl') });
    owner = await newPage();
  });

  test.afterAll(async () => {
    for (const context of contexts) await context.close();
    await app?.stop();
  });

  test('every page leads to setup until the owner exists; then setup is closed', async () => {
    for (const path of ['/', '/admin/users', '/signin']) {
      await owner.goto(`${app.url}${path}`);
      expect(pathOf(owner), path).toBe('/setup');
    }
    await setUpOwner(owner);
    expect(pathOf(owner)).toBe('/');
    // Setup sends to sign-in, which sends the signed-in owner on to the library.
    await owner.goto(`${app.url}/setup`);
    expect(pathOf(owner)).toBe('/');
    const anonymous = await newPage();
    await anonymous.goto(`${app.url}/setup`);
    expect(pathOf(anonymous)).toBe('/signin');
    const again = await fetch(`${app.url}/api/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Mallory', email: 'mallory@loupe.test', password: 'mallory passphrase' }),
    });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('setup_complete');
  });

  test('pages carry a nonce CSP that forbids framing, and still hydrate under it', async () => {
    const response = await owner.goto(`${app.url}/admin/users`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(response?.headers()['referrer-policy']).toBeTruthy();
    const errors: string[] = [];
    owner.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await owner.reload();
    // Next's inline bootstrap scripts fill self.__next_f: it exists only if the nonce let them run.
    expect(await owner.evaluate(() => Array.isArray((self as unknown as { __next_f?: unknown }).__next_f))).toBe(true);
    expect(errors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
  });

  test('the owner invites an editor and a viewer; each joins through a one-time link', async () => {
    inviteLinks.editor = await invite(EDITOR.email, 'editor');
    inviteLinks.viewer = await invite(VIEWER.email, 'viewer');
    expect(inviteLinks.editor).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    await screenshot(owner, 'accounts-01-invites');
    const editor = await join(inviteLinks.editor, EDITOR);
    const viewer = await join(inviteLinks.viewer, VIEWER);
    expect(pathOf(editor)).toBe('/');
    expect(pathOf(viewer)).toBe('/');

    const reused = await newPage();
    await reused.goto(inviteLinks.editor);
    await reused.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    expect(await reused.getByRole('button', { name: 'Join Loupe' }).count()).toBe(0);
  });

  test('each role sees exactly its own sections in the browser', async () => {
    const editor = await newPage();
    await editor.goto(`${app.url}/`);
    expect(pathOf(editor)).toBe('/signin');
    await signIn(editor, EDITOR);
    expect(await editor.getByRole('link', { name: 'Upload', exact: true }).count()).toBe(1);
    expect(await editor.getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0);
    await editor.goto(`${app.url}/upload`);
    expect(pathOf(editor)).toBe('/upload');
    await editor.goto(`${app.url}/admin/users`);
    expect(pathOf(editor)).not.toBe('/admin/users');

    const viewer = await newPage();
    await viewer.goto(`${app.url}/signin`);
    await signIn(viewer, VIEWER);
    expect(await viewer.getByRole('link', { name: 'Upload', exact: true }).count()).toBe(0);
    await viewer.goto(`${app.url}/upload`);
    expect(pathOf(viewer)).not.toBe('/upload');
    await viewer.goto(`${app.url}/admin/tokens`);
    expect(pathOf(viewer)).not.toBe('/admin/tokens');
    await screenshot(viewer, 'accounts-02-viewer-library');

    await viewer.getByRole('button', { name: 'Sign out' }).click();
    await viewer.waitForURL((url) => url.pathname === '/signin');
    await viewer.goto(`${app.url}/`);
    expect(pathOf(viewer)).toBe('/signin');
  });

  test('the owner creates API tokens in the UI; each token can do what its role allows, no more', async () => {
    for (const role of ['editor', 'viewer']) {
      await owner.goto(`${app.url}/admin/tokens`);
      await owner.getByLabel('Token name').fill(`${role} script`);
      await owner.getByLabel('Role', { exact: true }).selectOption(role);
      await owner.getByRole('button', { name: 'Create token' }).click();
      const secret = owner.locator('output[aria-label="New API token"]');
      await secret.waitFor();
      tokens[role] = (await secret.textContent())?.trim() ?? '';
      expect(tokens[role]).toMatch(/^loupe_/);
    }
    await screenshot(owner, 'accounts-03-tokens');

    expect((await (await api('/api/auth/me', tokens.editor)).json()).caller.role).toBe('editor');
    expect((await api('/api/assets', tokens.viewer)).status).toBe(200);
    expect((await api('/api/search?q=shoe', tokens.viewer)).status).not.toBe(403);
    const viewerUpload = await api('/api/uploads', tokens.viewer, { method: 'POST', body: JSON.stringify({}) });
    expect(viewerUpload.status).toBe(403);
    const editorUpload = await api('/api/uploads', tokens.editor, { method: 'POST', body: JSON.stringify({}) });
    expect(editorUpload.status).toBe(422);
    expect((await api('/api/users', tokens.editor)).status).toBe(403);
    expect((await api('/api/tokens', tokens.editor, { method: 'POST', body: JSON.stringify({ name: 'x', role: 'viewer' }) })).status).toBe(403);
    expect((await fetch(`${app.url}/api/assets`)).status).toBe(401);

    await owner.goto(`${app.url}/admin/tokens`);
    await owner.getByRole('button', { name: 'Revoke viewer script' }).click();
    await expect.poll(async () => (await api('/api/assets', tokens.viewer)).status).toBe(401);
    await owner.reload();
    expect(await owner.getByText('Revoked', { exact: false }).count()).toBeGreaterThan(0);
  });

  test('a deactivated user is signed out at once and cannot sign in again', async () => {
    const editor = await newPage();
    await editor.goto(`${app.url}/signin`);
    await signIn(editor, EDITOR);
    await owner.goto(`${app.url}/admin/users`);
    await owner.locator(`tr[data-user-email="${EDITOR.email}"]`).getByRole('button', { name: 'Deactivate' }).click();
    await expect.poll(() => owner.locator(`tr[data-user-email="${EDITOR.email}"]`).textContent()).toContain('Deactivated');
    await editor.goto(`${app.url}/`);
    expect(pathOf(editor)).toBe('/signin');
    await editor.getByLabel('Email').fill(EDITOR.email);
    await editor.getByLabel('Password').fill(EDITOR.password);
    await editor.getByRole('button', { name: 'Sign in' }).click();
    await editor.getByRole('alert').filter({ hasText: 'deactivated' }).waitFor();
  });

  test('server actions refuse another origin (the sign-in form posted from a foreign site signs nobody in)', async () => {
    // The sign-in form as the server renders it, hidden action fields included: what a no-JS browser submits.
    const html = await (await fetch(`${app.url}/signin`)).text();
    const hidden = [...html.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g)].map(([, name, value = '']) => [name, unescapeHtml(value)]);
    expect(hidden.map(([name]) => name).some((name) => name.startsWith('$ACTION'))).toBe(true);
    const post = (origin: string) => {
      const form = new FormData();
      for (const [name, value] of hidden) form.set(name, value);
      form.set('email', OWNER.email);
      form.set('password', OWNER.password);
      return fetch(`${app.url}/signin`, { method: 'POST', redirect: 'manual', headers: { origin }, body: form });
    };
    const sessionSet = (response: Response) => response.headers.getSetCookie().some((cookie) => /^loupe_session=[^;]+/.test(cookie));
    const foreign = await post('http://evil.example');
    expect(sessionSet(foreign)).toBe(false);
    expect(foreign.status).toBeGreaterThanOrEqual(400);
    // The same form from the app's own origin does sign in: the refusal above is about the origin alone.
    const own = await post(app.url);
    expect(sessionSet(own)).toBe(true);
  });
});

function unescapeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
