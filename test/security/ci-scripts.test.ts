import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** Issue 12, item 11: the CI scripts name no package host; the deb-src line reuses the machine's own mirror. */
describe('CI machine setup', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-apt-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  function mirrorFor(files: Record<string, string>): string {
    const etc = fs.mkdtempSync(path.join(root, 'etc-'));
    fs.mkdirSync(path.join(etc, 'sources.list.d'));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(etc, name), text);
    return execFileSync('bash', ['.ci/apt-mirror.sh', etc], { encoding: 'utf8' }).trim();
  }

  it('names no package host in any file under .ci/', () => {
    for (const file of fs.readdirSync('.ci')) {
      const text = fs.readFileSync(path.join('.ci', file), 'utf8');
      expect(text, file).not.toMatch(/https?:\/\/[a-z0-9.-]+\.(org|com|net|io)\b/i);
    }
    expect(fs.readFileSync('.ci/setup-machine.sh', 'utf8')).toContain('apt-mirror.sh');
  });

  it('reads the mirror from a one-line sources.list, skipping options, deb-src and security lines', () => {
    expect(
      mirrorFor({
        'sources.list': [
          '# a comment',
          'deb-src http://src.example.test/debian bookworm main',
          'deb http://mirror.example.test/debian-security bookworm-security main',
          'deb [arch=amd64 signed-by=/usr/share/keyrings/debian.gpg] http://mirror.example.test/debian/ bookworm main',
        ].join('\n'),
      }),
    ).toBe('http://mirror.example.test/debian');
  });

  it('reads the mirror from a deb822 .sources file', () => {
    expect(
      mirrorFor({
        'sources.list.d/debian.sources': [
          'Types: deb-src',
          'URIs: http://src.example.test/debian',
          'Suites: bookworm',
          '',
          'Types: deb',
          '# a snapshot comment: http://snapshot.example.test/',
          'URIs: https://deb822.example.test/debian',
          'Suites: bookworm bookworm-updates',
          'Components: main',
          '',
          'Types: deb',
          'URIs: https://deb822.example.test/debian-security',
          'Suites: bookworm-security',
        ].join('\n'),
      }),
    ).toBe('https://deb822.example.test/debian');
  });
});
