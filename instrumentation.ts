/**
 * Runs once when the server starts. Next compiles this file for the edge runtime too; the Node.js-only start-up
 * lives in lib/server-boot.ts behind this check, so that build (and the dev server's output) never meets
 * node:http or process.exit.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { bootServer } = await import('@/lib/server-boot');
    await bootServer();
  }
}
