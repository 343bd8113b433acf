/**
 * Fault injection for reliability tests and `npm start -- --faults …`: throttling, internal errors,
 * added latency and streams cut mid-answer, as Bedrock misbehaves under load. The policy is mutable
 * so a test can change it while the emulator runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AwsServiceError } from './errors.ts';
import type { FaultContext, FaultHook } from './faults.ts';
import type { StreamFaults } from './stream-operation.ts';

export interface FaultSettings {
  /** Share of requests (0..1) answered with ThrottlingException (429). */
  throttle?: number;
  /** Share of requests (0..1) answered with InternalServerException (500). */
  error?: number;
  /** Added to every request before it is answered. */
  latencyMs?: number;
  /** Cut RetrieveAndGenerateStream responses after this many events. */
  streamCutAfter?: number;
}

/** Operations that faults apply to: the runtime calls a chat turn makes, not ingestion or admin. */
const FAULTY_OPERATIONS = new Set([
  'Retrieve',
  'RetrieveAndGenerate',
  'RetrieveAndGenerateStream',
  'ApplyGuardrail',
]);

export interface FaultPolicy {
  readonly hook: FaultHook;
  set(settings: FaultSettings): void;
  readonly settings: Readonly<FaultSettings>;
  /** How many faults of each kind were injected so far. */
  readonly injected: { throttle: number; error: number };
}

export function createFaultPolicy(
  streamFaults: StreamFaults,
  initial: FaultSettings = {},
  random: () => number = Math.random,
): FaultPolicy {
  let settings: FaultSettings = {};
  const injected = { throttle: 0, error: 0 };
  const policy: FaultPolicy = {
    get settings() {
      return settings;
    },
    injected,
    set(next) {
      settings = validateFaults(next);
      streamFaults.cutAfterEvents = settings.streamCutAfter;
    },
    hook: async (context: FaultContext) => {
      if (!FAULTY_OPERATIONS.has(context.operation)) return;
      if (settings.latencyMs) await sleep(settings.latencyMs);
      const roll = random();
      if (roll < (settings.throttle ?? 0)) {
        injected.throttle++;
        throw new AwsServiceError('ThrottlingException', 'Rate exceeded (fault injection).');
      }
      if (roll < (settings.throttle ?? 0) + (settings.error ?? 0)) {
        injected.error++;
        throw new AwsServiceError('InternalServerException', 'Internal failure (fault injection).');
      }
    },
  };
  policy.set(initial);
  return policy;
}

/** Parses `throttle=0.3,error=0.05,latencyMs=200,streamCutAfter=3` (any subset). */
export function parseFaults(spec: string): FaultSettings {
  const settings: Record<string, number> = {};
  for (const pair of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, raw, extra] = pair.split('=');
    const value = Number(raw);
    if (!key || raw === undefined || extra !== undefined || raw.trim() === '' || !Number.isFinite(value)) {
      throw new Error(`Invalid fault "${pair}": expected name=number, e.g. throttle=0.3`);
    }
    if (!['throttle', 'error', 'latencyMs', 'streamCutAfter'].includes(key)) {
      throw new Error(`Unknown fault "${key}": use throttle, error, latencyMs or streamCutAfter`);
    }
    settings[key] = value;
  }
  return validateFaults(settings);
}

function validateFaults(settings: FaultSettings): FaultSettings {
  const { throttle = 0, error = 0, latencyMs = 0, streamCutAfter } = settings;
  if (throttle < 0 || throttle > 1 || error < 0 || error > 1 || throttle + error > 1) {
    throw new Error('throttle and error are shares between 0 and 1 whose sum is at most 1');
  }
  if (latencyMs < 0 || latencyMs > 60_000) throw new Error('latencyMs must be between 0 and 60000');
  if (streamCutAfter !== undefined && (!Number.isInteger(streamCutAfter) || streamCutAfter < 0)) {
    throw new Error('streamCutAfter must be a whole number of events');
  }
  return { ...settings };
}
