import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Test support: runs a CLI entry point (`tools/<script>.ts`) with tsx in a child process, as its npm script
 * does, on the embedded defaults unless `env` says otherwise. Never throws for a non-zero exit.
 */
export async function runCli(script: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(path.resolve('node_modules/.bin/tsx'), [`tools/${script}.ts`, ...args], {
      env: { ...process.env, DATABASE_URL: '', S3_BUCKET: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as CliResult;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
