import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

/**
 * A fresh clone stays clean: `npm ci` refuses a lock that lacks the platform packages of another OS, and
 * `npm install` on such a lock rewrites it. These are the native packages the app and its build load; the lock
 * must list each one's builds for Linux, macOS and Windows (x64 and arm64 where they exist).
 */
const PLATFORM_PACKAGES = [
  '@next/swc-linux-x64-gnu',
  '@next/swc-darwin-arm64',
  '@next/swc-darwin-x64',
  '@next/swc-win32-x64-msvc',
  '@next/swc-win32-arm64-msvc',
  '@tailwindcss/oxide-linux-x64-gnu',
  '@tailwindcss/oxide-darwin-arm64',
  '@tailwindcss/oxide-win32-x64-msvc',
  'lightningcss-linux-x64-gnu',
  'lightningcss-darwin-arm64',
  'lightningcss-win32-x64-msvc',
  '@rollup/rollup-linux-x64-gnu',
  '@rollup/rollup-darwin-arm64',
  '@rollup/rollup-win32-x64-msvc',
  '@img/sharp-linux-x64',
  '@img/sharp-darwin-arm64',
  '@img/sharp-win32-x64',
  '@esbuild/linux-x64',
  '@esbuild/darwin-arm64',
  '@esbuild/win32-x64',
];

describe('package-lock.json', () => {
  const lock = JSON.parse(readFileSync(path.resolve(__dirname, '..', 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; optional?: boolean }> };

  test.each(PLATFORM_PACKAGES)('lists %s, so npm ci works on that platform', (name) => {
    const entry = lock.packages[`node_modules/${name}`];
    expect(entry, `node_modules/${name} is missing from package-lock.json`).toBeDefined();
    expect(entry.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
