import { eq } from 'drizzle-orm';
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TokensTable } from '@/app/admin/tokens/tokens-table';
import { UsersTable } from '@/app/admin/users/users-table';
import { AssetTile } from '@/components/library/asset-tile';
import { assets, users } from '@/db/schema';
import { getAsset } from '@/lib/assets';
import { createApiToken, listApiTokens, listUsers } from '@/lib/auth';
import { makeAccount } from '@/test/auth';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { newDerivativePrefix, newOriginalKey } from '@/lib/storage';
import { useTestDatabase } from '@/test/db';

/** Text people and models write (names, filenames, tags, alt text) is rendered as text, never as markup. */

const PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "'><svg onload=alert(3)>"];

function expectInert(markup: string): void {
  expect(markup).not.toMatch(/<script>alert|<img src=x|<svg onload/);
  expect(markup).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
}

function render(element: ReactElement): string {
  return renderToStaticMarkup(element);
}

describe('XSS payloads render escaped', () => {
  const database = useTestDatabase();
  useTemporaryLocalStorage();

  it('in the admin users table (names are chosen by invitees)', async () => {
    const admin = await makeAccount(database().db, 'admin');
    const target = await makeAccount(database().db, 'viewer', 'target@example.com');
    await database().db.update(users).set({ name: PAYLOADS.join(' ') }).where(eq(users.id, target.id));
    const markup = render(createElement(UsersTable, { users: await listUsers(database().db), actor: { userId: admin.id, role: admin.role } }));
    expectInert(markup);
  });

  it('in the API tokens table', async () => {
    const created = await createApiToken(database().db, { role: 'owner', userId: null }, { name: PAYLOADS.join(' '), role: 'viewer' });
    expect(created.ok).toBe(true);
    expectInert(render(createElement(TokensTable, { tokens: await listApiTokens(database().db) })));
  });

  it('in library tiles (filename, tags, alt text)', async () => {
    const [row] = await database()
      .db.insert(assets)
      .values({
        filename: `${PAYLOADS[0]}.jpg`,
        declaredType: 'image/jpeg',
        declaredSize: 10,
        declaredSha256: 'a'.repeat(64),
        originalKey: newOriginalKey(),
        derivativePrefix: newDerivativePrefix(),
        state: 'described',
        tags: PAYLOADS,
        altText: PAYLOADS.join(' '),
        altSource: 'ai',
        altStatus: 'proposed',
      })
      .returning({ id: assets.id });
    const asset = await getAsset(database().db, row.id);
    if (!asset) throw new Error('the asset just inserted is missing');
    expectInert(render(createElement('ul', null, createElement(AssetTile, { asset }))));
  });
});
