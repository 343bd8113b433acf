/**
 * The bench's standard output holds only its report. Imported first by `run.ts`: from then on,
 * whatever else writes to this process's stdout (the handlers' Powertools log lines when a section
 * runs the local stack in this process, EMF metrics, stray `console.log`s) goes to a log file
 * instead, at the same cost to the code under test; `writeReport` writes to the real stdout.
 * Child processes' output is piped by the sections themselves, never inherited into stdout.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where the code under test's stdout goes while the bench runs (git-ignored with `.lantern/`). */
export const CODE_LOG = join(import.meta.dirname, '..', '..', '.lantern', 'bench', 'code-under-test.log');

mkdirSync(join(CODE_LOG, '..'), { recursive: true });
const log = createWriteStream(CODE_LOG, { flags: 'w' });
const realWrite = process.stdout.write.bind(process.stdout);

process.stdout.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) =>
  log.write(
    chunk as string,
    encoding as BufferEncoding,
    callback as (error?: Error | null) => void,
  )) as typeof process.stdout.write;

/** Writes the report to the real standard output. */
export function writeReport(text: string): Promise<void> {
  return new Promise((resolve) => {
    realWrite(text.endsWith('\n') ? text : `${text}\n`, () => resolve());
  });
}
