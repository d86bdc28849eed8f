import type { Locator, Page } from '@playwright/test';
import { expect } from './test';

/**
 * Presses a server-action form's submit button and checks which way it went: with JavaScript, React posts the
 * action itself (a `Next-Action` header, no page load); without, the browser posts the form and loads the answer.
 * A page that has not hydrated yet would post the plain way with JavaScript on too, so the JavaScript case
 * first waits for React to own the button.
 */
export async function submitForm(page: Page, button: Locator, javaScript: boolean): Promise<void> {
  // React keeps its props on each element it has hydrated under a `__reactProps$…` key.
  if (javaScript) await expect.poll(() => button.evaluate((element) => Object.keys(element).some((key) => key.startsWith('__reactProps$')))).toBe(true);
  const posted = page.waitForRequest((request) => request.method() === 'POST' && new URL(request.url()).origin === new URL(page.url()).origin);
  await button.click();
  const request = await posted;
  expect(request.headers()['next-action'] !== undefined, 'posted by React (JavaScript) rather than by the browser').toBe(javaScript);
  // Without JavaScript the answer is a new page: wait until it has loaded before reading it.
  if (!javaScript) await page.waitForLoadState('load');
}
