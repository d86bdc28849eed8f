import { startFakeGroq, type FakeGroq } from '../../test/fake-groq';

/** The key the browser-test servers send and the fake expects; not a real Groq key. */
export const E2E_GROQ_API_KEY = 'test-key';

/**
 * The alt-text tests' faithful fake of Groq's API, so uploads in the browser get real AI alt text through the
 * real groq-sdk client and pipeline.
 */
export function startE2eFakeGroq(): Promise<FakeGroq> {
  return startFakeGroq({ apiKey: E2E_GROQ_API_KEY });
}
