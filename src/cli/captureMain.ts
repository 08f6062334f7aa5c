/**
 * Runs the CLI's main() in this process (TF.js started once) and captures what it prints — for the
 * CLI's tests: the exit code, stdout and stderr, and the last JSON line on stdout parsed.
 */
import { main } from './main';

/** What one in-process run of the CLI printed. */
export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
  /** the last stdout line that starts with "{", parsed; undefined when there is none */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** Runs `compression-studio <args…>` in-process, console.log / console.error captured and restored. */
export async function captureMain(...args: string[]): Promise<CapturedRun> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => { out.push(a.join(' ')); };
  console.error = (...a: unknown[]) => { err.push(a.join(' ')); };
  try {
    const code = await main(args);
    const last = out.filter((l) => l.startsWith('{')).at(-1);
    return { code, stdout: out.join('\n'), stderr: err.join('\n'), json: last ? JSON.parse(last) : undefined };
  } finally {
    console.log = log;
    console.error = error;
  }
}
