import { startSmtpReceiver, type SmtpReceiver } from '@/test/smtp-receiver';
import { expect, inject, test, type Browser, type BrowserContext, type Page } from './support/test';
import { ensureOwnerSignedIn } from './support/owner';
import { startApp, type RunningApp } from './support/server';

/**
 * Invites by email in the browser: with SMTP_URL set, Admin → Users (opened directly) emails the link through a
 * real SMTP server and says "Invite sent to …"; the link is still shown, with a Copy button that copies it.
 */
test.describe.serial('invites by email', () => {
  let smtp: SmtpReceiver;
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let owner: Page;

  test.beforeAll(async ({ browser: workerBrowser }) => {
    browser = workerBrowser;
    smtp = await startSmtpReceiver();
    app = await startApp({ fakeGroqUrl: inject('fakeGroqUrl'), env: { SMTP_URL: smtp.url, SMTP_FROM: 'Loupe <loupe@loupe.test>' } });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    owner = await context.newPage();
  });

  test.afterAll(async () => {
    await context?.close();
    await app?.stop();
    await smtp?.close();
  });

  test('the admin invites by email, is told it was sent, and can copy the link; the invitee joins from the email', async () => {
    await ensureOwnerSignedIn(owner, app.url);
    await owner.goto(`${app.url}/admin/users`);
    await owner.getByLabel('Email').fill('rita@loupe.test');
    await owner.getByLabel('Role', { exact: true }).selectOption('editor');
    await owner.getByRole('button', { name: 'Create invite link' }).click();
    await expect(owner.getByRole('status').filter({ hasText: 'Invite sent to rita@loupe.test.' })).toBeVisible();

    const shown = (await owner.locator('output[aria-label="Invite link"]').textContent())?.trim() ?? '';
    expect(shown).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(smtp.received.map((mail) => mail.envelopeTo)).toEqual([['rita@loupe.test']]);
    expect(smtp.received[0].subject).toBe('Your invitation to Loupe');
    expect(smtp.received[0].text).toContain(shown);

    await owner.getByRole('button', { name: 'Copy invite link' }).click();
    await expect(owner.getByText('Copied', { exact: true })).toBeVisible();
    expect(await owner.evaluate(() => navigator.clipboard.readText())).toBe(shown);

    const invitee = await browser.newContext();
    const page = await invitee.newPage();
    await page.goto(shown);
    await page.getByLabel('Name').fill('Rita Reader');
    await page.getByLabel('Password').fill('violet anchor drifts slowly');
    await page.getByRole('button', { name: 'Join Loupe' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/invite/'));
    await invitee.close();
  });
});
