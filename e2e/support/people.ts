import type { Browser, Page } from 'playwright-core';
import type { Role } from '@/lib/auth';

export interface Person {
  name: string;
  email: string;
  password: string;
  role: Exclude<Role, 'owner'>;
}

/** As an admin on /admin/users: creates an invite link for `email` with `role` and returns the link, shown once. */
export async function createInvite(adminPage: Page, baseUrl: string, person: Pick<Person, 'email' | 'role'>): Promise<string> {
  await adminPage.goto(`${baseUrl}/admin/users`);
  await adminPage.getByLabel('Email').fill(person.email);
  await adminPage.getByLabel('Role', { exact: true }).selectOption(person.role);
  await adminPage.getByRole('button', { name: 'Create invite link' }).click();
  const link = adminPage.locator('output[aria-label="Invite link"]');
  await link.waitFor();
  return (await link.textContent())?.trim() ?? '';
}

/** Opens an invite link in a fresh browser context (a different person's browser) and joins; returns their page. */
export async function joinByInvite(browser: Browser, inviteLink: string, person: Pick<Person, 'name' | 'password'>): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(inviteLink);
  await page.getByLabel('Name').fill(person.name);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Join Loupe' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/invite/'));
  return page;
}
