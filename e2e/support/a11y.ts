import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/**
 * What is wrong with the page as loaded, one line each: serious or critical axe violations, and sideways
 * scrolling (WCAG 1.4.10). Empty when the page passes; use as `expect(await accessibilityProblems(page)).toEqual([])`.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // Client components finish rendering after load; axe should see the page a person sees.
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const problems = violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  if (scrollWidth > innerWidth) problems.push(`scrolls sideways: ${scrollWidth}px of content in a ${innerWidth}px window`);
  return problems;
}
