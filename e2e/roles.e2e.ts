import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { fixturePath, fixturesAvailable } from '@/lib/testing/fixtures';
import { launchBrowser, screenshot } from './support/browser';
import { ensureOwnerSignedIn } from './support/owner';
import { createInvite, joinByInvite, type Person } from './support/people';

const EDITOR: Person = { name: 'Eddie Editor', email: 'editor@roles.loupe.test', password: 'editor password 1234', role: 'editor' };
const VIEWER: Person = { name: 'Vera Viewer', email: 'viewer@roles.loupe.test', password: 'viewer password 1234', role: 'viewer' };

/** The top navigation's link names, as the signed-in person sees them. */
async function navLinks(page: Page): Promise<string[]> {
  return (await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).map((text) => text.trim());
}

describe.skipIf(!fixturesAvailable())('an owner invites an editor and a viewer, and each can do what the role allows', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  let owner: Page;
  let editor: Page;
  let viewer: Page;
  let assetPath: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    owner = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await ensureOwnerSignedIn(owner, baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('the owner creates one-time invite links and both people join with them', async () => {
    const editorLink = await createInvite(owner, baseUrl, EDITOR);
    await screenshot(owner, '20-admin-invite');
    const viewerLink = await createInvite(owner, baseUrl, VIEWER);
    expect(editorLink).toMatch(/\/invite\//);
    expect(viewerLink).not.toBe(editorLink);
    editor = await joinByInvite(browser, editorLink, EDITOR);
    viewer = await joinByInvite(browser, viewerLink, VIEWER);
    await editor.goto(`${baseUrl}/`);
    expect(await editor.getByText(EDITOR.name).count()).toBeGreaterThan(0);
  });

  test('the editor uploads a photo and may delete it, but has no admin pages', async () => {
    expect(await navLinks(editor)).toEqual(['Library', 'Upload', 'Search']);
    await editor.goto(`${baseUrl}/upload`);
    await editor.locator('input[type="file"]').setInputFiles(fixturePath('products', '10053.jpg'));
    const row = editor.locator('section[aria-label="Uploads"] li');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toMatch(/^(stored|duplicate)$/);
    await row.getByRole('link').click();
    await editor.waitForURL(/\/assets\//);
    assetPath = new URL(editor.url()).pathname;
    expect(await editor.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(1);

    await editor.goto(`${baseUrl}/admin/users`);
    expect(new URL(editor.url()).pathname).toBe('/');
  });

  test('the viewer browses and opens the photo, but cannot upload or delete', async () => {
    expect(await navLinks(viewer)).toEqual(['Library', 'Search']);
    await viewer.goto(`${baseUrl}${assetPath}`);
    expect(await viewer.getByRole('link', { name: /Download original/ }).count()).toBe(1);
    expect(await viewer.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);
    await screenshot(viewer, '21-asset-as-viewer');

    await viewer.goto(`${baseUrl}/upload`);
    expect(new URL(viewer.url()).pathname).toBe('/');
    // The API says no as well, not just the UI: a viewer's session cannot start an upload or delete.
    const upload = await viewer.request.post(`${baseUrl}/api/uploads`, {
      headers: { origin: baseUrl },
      data: { filename: 'x.jpg', contentType: 'image/jpeg', size: 10, sha256: 'a'.repeat(64) },
    });
    expect(upload.status()).toBe(403);
    const remove = await viewer.request.delete(`${baseUrl}/api${assetPath}`, { headers: { origin: baseUrl } });
    expect(remove.status()).toBe(403);
  });
});
