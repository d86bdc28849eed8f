/**
 * Test support for handlers that schedule work with `after()` from next/server. A test file mocks the framework
 * function (not a product component) with
 *   vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));
 * and then decides when, and whether, the captured work runs (a crash loses it).
 */
type AfterTask = Promise<unknown> | (() => unknown);

const tasks: AfterTask[] = [];

export function captureAfter(task: AfterTask): void {
  tasks.push(task);
}

export function pendingAfterTasks(): number {
  return tasks.length;
}

/** Runs the captured work as Next would once responses are sent: one by one, or all at once like a busy server. */
export async function runAfterTasks(options: { concurrently?: boolean } = {}): Promise<void> {
  const run = (task: AfterTask) => (typeof task === 'function' ? task() : task);
  if (options.concurrently) {
    await Promise.all(tasks.splice(0).map(run));
    return;
  }
  for (let task = tasks.shift(); task; task = tasks.shift()) await run(task);
}

/** The process died before after() ran: the work is lost, as in production. */
export function dropAfterTasks(): void {
  tasks.length = 0;
}
