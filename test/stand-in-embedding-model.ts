import fs from 'node:fs';
import path from 'node:path';
import { resetConfig } from '@/lib/config';
import { SHARED_DIR } from './fixtures';

/** ../shared/models/wordnet-static-256: the offline stand-in for the default embedding model (see its README). */
export const STAND_IN_MODEL_DIR = path.join(SHARED_DIR, 'models', 'wordnet-static-256');

export function standInModelAvailable(): boolean {
  const present = fs.existsSync(path.join(STAND_IN_MODEL_DIR, 'config.json'));
  if (!present && process.env.CI === 'true') throw new Error(`The stand-in embedding model is missing at ${STAND_IN_MODEL_DIR}.`);
  return present;
}

/** Configures the real local provider on the stand-in model, registered under `id` (a second id = a second model). */
export function useStandInEmbeddingModel(id = 'wordnet-static-256'): void {
  process.env.EMBEDDING_PROVIDER = 'local';
  process.env.EMBEDDING_MODEL = id;
  process.env.EMBEDDING_MODEL_DIR = STAND_IN_MODEL_DIR;
  delete process.env.EMBEDDING_BASE_URL;
  resetConfig();
}
