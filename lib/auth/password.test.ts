import { describe, expect, it } from 'vitest';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password';

describe('password hashing', () => {
  it('stores scrypt with its parameters and a per-hash salt, never the password', async () => {
    const [first, second] = await Promise.all([hashPassword('a long passphrase'), hashPassword('a long passphrase')]);
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{88}$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('passphrase');
  });

  it('verifies the right password and refuses a wrong one, including one differing only in case', async () => {
    const stored = await hashPassword('Correct Horse Battery');
    expect(await verifyPassword('Correct Horse Battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('treats a Unicode password the same in composed and decomposed form', async () => {
    const stored = await hashPassword('caf\u00e9 au lait 2026');
    expect(await verifyPassword('cafe\u0301 au lait 2026', stored)).toBe(true);
  });

  it('never matches a malformed or foreign stored hash', async () => {
    for (const stored of ['', 'plaintext', '$2b$10$abcdefghijklmnopqrstuv', 'scrypt$32768$8$1$$']) {
      expect(await verifyPassword('plaintext', stored)).toBe(false);
    }
  });

  it('checks unknown accounts against a dummy hash and always refuses', async () => {
    expect(await verifyAgainstDummy('anything at all')).toBe(false);
  });
});
