import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

export interface StackProcess {
  readonly url: string;
  readonly emulatorUrl: string;
  readonly dynamoDbEndpoint: string;
  readonly apiKey: string;
  readonly documents: number;
  /** From spawn to ingested and listening. */
  readonly startMs: number;
  close(): Promise<void>;
}

/** Starts the local stack in its own Node process (see `stack-process.ts`) and waits until it serves. */
export function startStackProcess(docsDir: string, timeoutMs = 180_000): Promise<StackProcess> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'stack-process.ts'), docsDir],
    {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
      env: {
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
      },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the stack did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the stack process exited early (code ${code})`));
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      lines.close();
      child.stdout.resume(); // drain anything printed later
      const info = JSON.parse(line) as {
        url: string;
        emulatorUrl: string;
        dynamoDbEndpoint: string;
        apiKey: string;
        documents: number;
      };
      resolve({ ...info, startMs: performance.now() - started, close });
    });
  });
}
