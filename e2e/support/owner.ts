import type { Browser, Page } from '@playwright/test';
import { startApp, type AppOptions, type RunningApp } from './server';

/** The first account every browser test app gets; 12+ characters as setup requires. */
export const OWNER = { name: 'Olivia Owner', email: 'owner@loupe.test', password: 'correct horse battery staple' } as const;

async function submitSetupForm(page: Page): Promise<void> {
  await page.getByLabel('Name').fill(OWNER.name);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create owner account' }).click();
}

/** Fills in /setup (the page a fresh app sends everyone to) and waits to land signed in. */
export async function setUpOwner(page: Page): Promise<void> {
  await submitSetupForm(page);
  await page.waitForURL((url) => url.pathname !== '/setup');
}

export async function signIn(page: Page, credentials: { email: string; password: string }): Promise<void> {
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/signin');
}

/**
 * Signs the page in as the owner on an app that may or may not have one yet (the shared app is used by
 * several files): sets the owner up on a fresh app, signs in otherwise.
 */
export async function ensureOwnerSignedIn(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  if (new URL(page.url()).pathname === '/setup') {
    await submitSetupForm(page);
    // Another file may have set the owner up a moment earlier: setup then refuses, and signing in works.
    await Promise.race([page.waitForURL((url) => url.pathname !== '/setup'), page.locator('[role="alert"]:not(#__next-route-announcer__)').waitFor()]);
    await page.goto(`${baseUrl}/`);
  }
  if (new URL(page.url()).pathname === '/signin') await signIn(page, OWNER);
}

/** An app of the file's own (fresh data, `options` over the test settings) with a 1280 px page signed in as its owner. */
export async function ownAppWithOwner(browser: Browser, options: AppOptions): Promise<{ app: RunningApp; page: Page; close: () => Promise<void> }> {
  const app = await startApp(options);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${app.url}/`);
  await setUpOwner(page);
  return {
    app,
    page,
    close: async () => {
      await page.context().close();
      await app.stop();
    },
  };
}
