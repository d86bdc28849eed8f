import type { Locator, Page } from '@playwright/test';
import { expect } from './test';

/**
 * Presses a server-action form's submit button, checks which way it went and waits until the form has its
 * answer. With JavaScript, React posts the action itself (a `Next-Action` header, no page load), shows the answer
 * and then resets the form to its default values; without, the browser posts the form and loads the answer as a
 * new page. A page that has not hydrated yet would post the plain way with JavaScript on too, so the JavaScript
 * case first waits for React to own the button.
 */
export async function submitForm(page: Page, button: Locator, javaScript: boolean): Promise<void> {
  // React keeps its props on each element it has hydrated under a `__reactProps$…` key.
  if (javaScript) await expect.poll(() => button.evaluate((element) => Object.keys(element).some((key) => key.startsWith('__reactProps$')))).toBe(true);
  const posted = page.waitForRequest((request) => request.method() === 'POST' && new URL(request.url()).origin === new URL(page.url()).origin);
  await button.click();
  const request = await posted;
  expect(request.headers()['next-action'] !== undefined, 'posted by React (JavaScript) rather than by the browser').toBe(javaScript);
  if (!javaScript) return page.waitForLoadState('load');
  await request.response();
  // The submit buttons are disabled while their action runs; enabled again (or gone, the page left), React has
  // rendered the answer and reset the form.
  await expect.poll(() => button.evaluateAll((elements) => elements.every((element) => !(element as HTMLButtonElement).disabled))).toBe(true);
}

/** A form's error (role="alert"), not Next's route announcer, which has the same role. */
export function formAlert(page: Page): Locator {
  return page.locator('[role="alert"]:not(#__next-route-announcer__)');
}
