/** Values the e2e global setup hands to every browser test file (vitest's provide/inject). */
declare module 'vitest' {
  export interface ProvidedContext {
    /** A running, built Loupe shared by test files that do not need a fresh one. */
    baseUrl: string;
    /** The fake Groq API the servers call for alt text. */
    fakeGroqUrl: string;
  }
}

export {};
