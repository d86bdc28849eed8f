import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (e2e/support/.. /..): builds and servers run from there. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NEXT_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'next');
/** The offline stand-in embedding model, beside the repository like the fixtures. */
export const STAND_IN_EMBEDDING_MODEL_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'models', 'wordnet-static-256');
/** Screenshots of every page the browser tests visit, to look at after a run. */
export const SCREENSHOT_DIR = path.join(os.tmpdir(), 'loupe-e2e-screens');

/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Keep Chromium from reaching for Google's services, which this machine's closed network refuses (slowly, many at a time). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
