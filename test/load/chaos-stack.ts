/**
 * The local stack as a child process the chaos run can `kill -9` and start again on the same port
 * and the same dynalite files, as a crashed Lambda host is replaced while its table lives on.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ChaosStackConfig, ChaosStackStats } from './chaos-stack-process.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const ENTRY = join(import.meta.dirname, 'chaos-stack-process.ts');

export interface ChaosStack {
  /** Stays the same across restarts. */
  readonly url: string;
  /** dynalite's endpoint in the running child; changes with each restart. */
  readonly dynamoDbEndpoint: string;
  /** Faults injected by the running child since it started. */
  stats(): Promise<ChaosStackStats>;
  /** SIGKILL, then waits until the process is gone: nothing runs its shutdown code. */
  kill(): Promise<void>;
  /** Starts a new child on the same port and data; resolves once it serves. */
  restart(): Promise<void>;
  /** Ends the child gracefully (or kills it after a grace period). */
  close(): Promise<void>;
}

interface Child {
  readonly process: ChildProcessByStdio<Writable, Readable, null>;
  readonly lines: Interface;
  readonly exited: Promise<void>;
  readonly url: string;
  readonly dynamoDbEndpoint: string;
}

export async function startChaosStack(
  config: Omit<ChaosStackConfig, 'port'>,
  timeoutMs = 120_000,
): Promise<ChaosStack> {
  let child = await spawnChild({ ...config, port: 0 }, timeoutMs);
  const port = Number(new URL(child.url).port);
  const statsOf = (current: Child) =>
    new Promise<ChaosStackStats>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the stack did not answer `stats`')), 5_000);
      current.lines.once('line', (line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as ChaosStackStats);
      });
      current.process.stdin.write('stats\n');
    });
  return {
    get url() {
      return child.url;
    },
    get dynamoDbEndpoint() {
      return child.dynamoDbEndpoint;
    },
    stats: () => statsOf(child),
    kill: async () => {
      child.process.kill('SIGKILL');
      await child.exited;
    },
    restart: async () => {
      child = await spawnChild({ ...config, port }, timeoutMs);
    },
    close: async () => {
      if (child.process.exitCode !== null || child.process.signalCode !== null) return;
      child.process.stdin.end();
      const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
      await child.exited;
      clearTimeout(timer);
    },
  };
}

function spawnChild(config: ChaosStackConfig, timeoutMs: number): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, JSON.stringify(config)], {
    cwd: REPO_ROOT,
    // The child's logs go to this process's stderr: stdout carries only the report.
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the stack did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    const early = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the stack process exited early (code ${code})`));
    };
    child.once('exit', early);
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', early);
      const info = JSON.parse(line) as { url: string; dynamoDbEndpoint: string };
      resolve({ process: child, lines, exited, ...info });
    });
  });
}
