import { startWebhookReceiver, type WebhookReceiver } from '@/test/webhook-receiver';
import { formAlert, submitForm } from './support/forms';
import { OWNER, setUpOwner, signIn } from './support/owner';
import { startApp, type RunningApp } from './support/server';
import { expect, inject, test, type Browser, type BrowserContext, type Page } from './support/test';

/**
 * Every server-action form on a page opened by its URL (a reload, a bookmark, a link from elsewhere: the page
 * the server rendered, with React's hidden `$ACTION_*` fields in each form), submitted once with JavaScript and
 * once without, each test checking what the form did. And forms keep what was typed after a validation error.
 */
test.describe.serial('server-action forms on pages opened directly', () => {
  let app: RunningApp;
  let browser: Browser;
  let receiver: WebhookReceiver;
  const contexts: BrowserContext[] = [];

  async function newPage(javaScript: boolean): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    contexts.push(context);
    return context.newPage();
  }

  const api = (path: string, token: string) => fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  test.beforeAll(async ({ browser: workerBrowser }) => {
    browser = workerBrowser;
    receiver = await startWebhookReceiver();
    // The receiver listens on 127.0.0.1, which webhooks refuse unless allowed.
    app = await startApp({ fakeGroqUrl: inject('fakeGroqUrl'), env: { WEBHOOKS_ALLOW_PRIVATE: 'true' } });
    const setup = await newPage(true);
    await setup.goto(`${app.url}/setup`);
    await setUpOwner(setup);
  });

  test.afterAll(async () => {
    for (const context of contexts) await context.close();
    await app?.stop();
    await receiver?.close();
  });

  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'with JavaScript' : 'without JavaScript';
    const suffix = javaScript ? 'js' : 'nojs';
    let owner: Page;
    const submit = (page: Page, button: string) => submitForm(page, page.getByRole('button', { name: button, exact: true }), javaScript);

    test.describe.serial(mode, () => {
      test.beforeAll(async () => {
        owner = await newPage(javaScript);
        await owner.goto(`${app.url}/signin`);
        await owner.getByLabel('Email').fill(OWNER.email);
        await owner.getByLabel('Password').fill(OWNER.password);
        await submit(owner, 'Sign in');
        await owner.waitForURL((url) => url.pathname === '/');
      });

      test('sign-in: a wrong password keeps the email, never the password', async () => {
        const page = await newPage(javaScript);
        await page.goto(`${app.url}/signin`);
        await page.getByLabel('Email').fill(OWNER.email);
        await page.getByLabel('Password').fill('not the password at all');
        await submit(page, 'Sign in');
        await expect(formAlert(page)).toBeVisible();
        await expect(page.getByLabel('Email')).toHaveValue(OWNER.email);
        await expect(page.getByLabel('Password')).toHaveValue('');
        expect(await page.content()).not.toContain('not the password at all');
      });

      test('backfill: the dry run answers with its counts and keeps the filters; "Run now" records a run', async () => {
        await owner.goto(`${app.url}/admin/backfill`);
        const runs = owner.getByTestId('backfill-run');
        const before = await runs.count();
        await owner.getByLabel('At most (assets)').fill('10');
        await submit(owner, 'Dry run');
        await expect(owner.getByTestId('dry-run')).toContainText(/Would describe 0 /);
        await expect(formAlert(owner)).toHaveCount(0);
        // "Run now" next runs what the dry run counted.
        await expect(owner.getByLabel('At most (assets)')).toHaveValue('10');

        await submit(owner, 'Run now');
        await expect(owner.getByText('Backfill started.')).toBeVisible();
        // The run works after the answer: open the page again (not a reload, which would post the form again) until it has ended.
        await expect
          .poll(async () => {
            await owner.goto(`${app.url}/admin/backfill`);
            return runs.evaluateAll((rows) => rows.filter((row) => !row.textContent?.includes('running…')).length);
          })
          .toBe(before + 1);
        await expect(runs.first()).toContainText('admin');
      });

      test('tokens: a validation error keeps name, role and expiry; a token is created, works, and is revoked', async () => {
        const name = `PIM sync ${suffix}`;
        await owner.goto(`${app.url}/admin/tokens`);
        await owner.getByLabel('Token name').fill(name);
        await owner.getByLabel('Role', { exact: true }).selectOption('viewer');
        await owner.getByLabel('Expires in days').fill('0');
        await submit(owner, 'Create token');
        await expect(formAlert(owner)).toBeVisible();
        await expect(owner.getByLabel('Token name')).toHaveValue(name);
        await expect(owner.getByLabel('Role', { exact: true })).toHaveValue('viewer');
        await expect(owner.getByLabel('Expires in days')).toHaveValue('0');

        await owner.getByLabel('Expires in days').fill('30');
        await submit(owner, 'Create token');
        const secret = (await owner.locator('output[aria-label="New API token"]').textContent())?.trim() ?? '';
        expect(secret).toMatch(/^loupe_/);
        const me = await api('/api/auth/me', secret);
        expect(me.status).toBe(200);
        expect((await me.json()).caller.role).toBe('viewer');
        // A success empties the form for the next token.
        await expect(owner.getByLabel('Token name')).toHaveValue('');

        await owner.goto(`${app.url}/admin/tokens`);
        await submit(owner, `Revoke ${name}`);
        await expect.poll(async () => (await api('/api/auth/me', secret)).status).toBe(401);
      });

      test('users: an invite link is created and joined; the new person’s role is changed, they are deactivated; an invite is revoked', async () => {
        const person = { name: `Ivy Invitee ${suffix}`, email: `ivy-${suffix}@loupe.test`, password: `teal lantern orchard ${suffix} 93` };
        await owner.goto(`${app.url}/admin/users`);
        await owner.getByLabel('Email').fill(person.email);
        await owner.getByLabel('Role', { exact: true }).selectOption('editor');
        await submit(owner, 'Create invite link');
        const link = (await owner.locator('output[aria-label="Invite link"]').textContent())?.trim() ?? '';
        expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
        await expect(owner.getByRole('region', { name: 'Pending invites' })).toContainText(person.email);

        const invitee = await newPage(javaScript);
        await invitee.goto(link);
        await invitee.getByLabel('Name').fill(person.name);
        await invitee.getByLabel('Password').fill('password1234');
        await submit(invitee, 'Join Loupe');
        await expect(formAlert(invitee)).toBeVisible();
        await expect(invitee.getByLabel('Name')).toHaveValue(person.name);
        await invitee.getByLabel('Password').fill(person.password);
        await submit(invitee, 'Join Loupe');
        await invitee.waitForURL((url) => url.pathname === '/');

        await owner.goto(`${app.url}/admin/users`);
        const row = owner.locator(`tr[data-user-email="${person.email}"]`);
        // The row's cells: name, email, role, status (the role picker's options name every role, so not the whole row).
        const [roleCell, statusCell] = [row.getByRole('cell').nth(2), row.getByRole('cell').nth(3)];
        await expect(roleCell).toHaveText('editor');
        await row.getByLabel(`Role for ${person.name}`).selectOption('viewer');
        await submitForm(owner, row.getByRole('button', { name: 'Change role' }), javaScript);
        await expect(roleCell).toHaveText('viewer');
        await submitForm(owner, row.getByRole('button', { name: 'Deactivate' }), javaScript);
        await expect(statusCell).toHaveText('Deactivated');

        const unwanted = `unwanted-${suffix}@loupe.test`;
        await owner.goto(`${app.url}/admin/users`);
        await owner.getByLabel('Email').fill(unwanted);
        await submit(owner, 'Create invite link');
        const invites = owner.getByRole('region', { name: 'Pending invites' });
        await expect(invites).toContainText(unwanted);
        await owner.goto(`${app.url}/admin/users`);
        await submitForm(owner, invites.getByRole('listitem').filter({ hasText: unwanted }).getByRole('button', { name: 'Revoke' }), javaScript);
        await expect(invites).not.toContainText(unwanted);
      });

      test('webhooks: an invalid URL keeps URL, description and events; an endpoint is added, sent a test event, disabled and deleted', async () => {
        const description = `Shopify sync ${suffix}`;
        await owner.goto(`${app.url}/admin/webhooks`);
        await owner.getByLabel('URL', { exact: true }).fill('not a web address');
        await owner.getByLabel('Description').fill(description);
        await owner.getByRole('checkbox', { name: /Photo deleted/ }).uncheck();
        await submit(owner, 'Add endpoint');
        await expect(formAlert(owner)).toBeVisible();
        await expect(owner.getByLabel('URL', { exact: true })).toHaveValue('not a web address');
        await expect(owner.getByLabel('Description')).toHaveValue(description);
        await expect(owner.getByRole('checkbox', { name: /Photo deleted/ })).not.toBeChecked();
        await expect(owner.getByRole('checkbox', { name: /Photo added/ })).toBeChecked();

        const url = `${receiver.url}/${suffix}`;
        await owner.getByLabel('URL', { exact: true }).fill(url);
        await submit(owner, 'Add endpoint');
        const secret = (await owner.locator('output[aria-label="Signing secret"]').textContent())?.trim() ?? '';
        expect(secret).toMatch(/^whsec_/);
        receiver.setSecret(secret);
        const card = owner.getByRole('listitem').filter({ hasText: url });
        await expect(card).toContainText(description);
        await expect(card).not.toContainText('asset.deleted');

        await owner.goto(`${app.url}/admin/webhooks`);
        const earlier = receiver.received.length;
        await submitForm(owner, card.getByRole('button', { name: `Send test event ${url}` }), javaScript);
        // Signed with this endpoint's secret: the test event went to the endpoint just added.
        await expect
          .poll(() => receiver.received.slice(earlier).filter((hook) => hook.payload.type === 'webhook.test' && hook.verified).length, { timeout: 60_000 })
          .toBe(1);

        await submitForm(owner, card.getByRole('button', { name: `Disable ${url}` }), javaScript);
        await expect(card).toContainText('Disabled');
        if (javaScript) owner.once('dialog', (dialog) => void dialog.accept());
        await submitForm(owner, card.getByRole('button', { name: `Delete ${url}` }), javaScript);
        await expect(owner.getByRole('listitem').filter({ hasText: url })).toHaveCount(0);
      });

      test('presets: 100,000 px is refused keeping what was typed; a preset is added, listed and deleted', async () => {
        const name = `lookbook-${suffix}`;
        await owner.goto(`${app.url}/admin/presets`);
        await owner.getByLabel('Name', { exact: true }).fill(name);
        await owner.getByLabel('Width (px)').fill('100000');
        await owner.getByLabel('Height (px)').fill('2000');
        await owner.getByLabel('Format').selectOption('webp');
        await submit(owner, 'Save preset');
        await expect(formAlert(owner)).toContainText('larger than the 6000 px a side');
        await expect(owner.getByLabel('Name', { exact: true })).toHaveValue(name);
        await expect(owner.getByLabel('Width (px)')).toHaveValue('100000');
        await expect(owner.getByLabel('Format')).toHaveValue('webp');

        await owner.getByLabel('Width (px)').fill('1600');
        await submit(owner, 'Save preset');
        await expect(owner.getByRole('status')).toContainText(`Added the preset ${name}`);
        const item = owner.getByRole('listitem').filter({ hasText: name });
        await expect(item).toContainText('1600 × 2000 · contain · WebP · quality 85 · on #FFFFFF');

        await owner.goto(`${app.url}/admin/presets`);
        if (javaScript) owner.once('dialog', (dialog) => void dialog.accept());
        await submitForm(owner, item.getByRole('button', { name: `Delete the preset ${name}` }), javaScript);
        await expect(owner.getByRole('listitem').filter({ hasText: name })).toHaveCount(0);
      });

      test('connections: a store on a loopback address is refused, keeping name, address and user but never the password', async () => {
        await owner.goto(`${app.url}/admin/connections`);
        const name = `Main shop ${suffix}`;
        await owner.getByLabel('Name', { exact: true }).fill(name);
        await owner.getByLabel('Store address').fill('http://127.0.0.1:9');
        await owner.getByLabel('User name').fill('shop-admin');
        await owner.getByLabel('Application password').fill('abcd efgh ijkl mnop');
        await submit(owner, 'Check and connect');
        await expect(formAlert(owner)).toContainText('public addresses only');
        await expect(owner.getByLabel('Name', { exact: true })).toHaveValue(name);
        await expect(owner.getByLabel('Store address')).toHaveValue('http://127.0.0.1:9');
        await expect(owner.getByLabel('User name')).toHaveValue('shop-admin');
        await expect(owner.getByLabel('Application password')).toHaveValue('');
        expect(await owner.content()).not.toContain('abcd efgh ijkl mnop');
        await expect(owner.getByText('No stores connected yet.')).toBeVisible();
      });
    });
  }
});
