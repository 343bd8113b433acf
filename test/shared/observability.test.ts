import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** Each test gets the module afresh, so its Logger is made by that test's first line. */
async function freshObservability() {
  vi.resetModules();
  return import('../../shared/observability.ts');
}

const printed: unknown[] = [];

beforeEach(() => {
  // Powertools reads its switches when the Logger is made: log at INFO to the global console.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  printed.length = 0;
  for (const method of ['info', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation(
      (line: unknown) => void printed.push(JSON.parse(String(line))),
    );
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('the shared logger', () => {
  it('puts keys appended before its first line on that line, and drops them once reset', async () => {
    const { logger } = await freshObservability();
    logger.appendKeys({ requestId: 'r-1' });
    logger.info('first line', { sessionId: 's-1' });
    logger.resetKeys();
    logger.warn('second line');
    expect(printed).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'first line',
        service: 'lantern',
        requestId: 'r-1',
        sessionId: 's-1',
      }),
      expect.objectContaining({ level: 'WARN', message: 'second line', service: 'lantern' }),
    ]);
    expect(printed[1]).not.toHaveProperty('requestId');
  });

  it('forgets keys reset before anything was logged', async () => {
    const { logger } = await freshObservability();
    logger.appendKeys({ requestId: 'r-2' });
    logger.resetKeys();
    logger.error('after the reset');
    expect(printed).toEqual([expect.objectContaining({ level: 'ERROR', message: 'after the reset' })]);
    expect(printed[0]).not.toHaveProperty('requestId');
  });

  it('keeps appending keys to the logger once it exists', async () => {
    const { logger } = await freshObservability();
    logger.info('made now');
    logger.appendKeys({ requestId: 'r-3' });
    logger.info('with the key');
    expect(printed).toEqual([
      expect.not.objectContaining({ requestId: 'r-3' }),
      expect.objectContaining({ message: 'with the key', requestId: 'r-3' }),
    ]);
  });
});
