/**
 * Judges a recorded response by the operation's shapes in AWS's model: the success status, the
 * output structure gathered from headers and body (strictly: no member the model lacks, required
 * members present, types, enums, lengths, patterns, timestamp formats, no value carried only by a
 * deprecated member), every message of an event stream against its event's shape, and an error
 * against the error shapes the operation lists.
 */
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { bindMessage } from '../../local/bedrock-emulator/protocol/bind.ts';
import {
  type ServiceModel,
  type ServiceName,
  serviceModel,
  shapeOf,
} from '../../local/bedrock-emulator/protocol/service-model.ts';
import { checkShape, type Violation } from '../../local/bedrock-emulator/protocol/validate.ts';
import type { WireExchange } from './wire-recorder.ts';

export interface Verdict {
  readonly divergences: string[];
  /** Event-stream messages checked, by `:event-type` (or `:exception-type`). */
  readonly events: Map<string, number>;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export async function judgeResponse(
  service: ServiceName,
  operationName: string,
  exchange: WireExchange,
): Promise<Verdict> {
  const model = serviceModel(service);
  const operation = model.operations[operationName];
  if (operation === undefined) throw new Error(`${service} has no operation ${operationName}.`);
  const verdict: Verdict = { divergences: [], events: new Map() };
  const diverge = (where: string, violations: readonly Violation[]) => {
    for (const v of violations) {
      verdict.divergences.push(`${operationName} ${where}: '${v.path}' ${v.constraint}`);
    }
  };
  const body = await exchange.body;

  if (exchange.status >= 300) {
    judgeError(model, operation.errors ?? [], exchange, body, (message) =>
      verdict.divergences.push(`${operationName} error: ${message}`),
    );
    diverge('error body', errorViolations(model, exchange, body));
    return verdict;
  }

  const expectedStatus = operation.http.responseCode ?? 200;
  if (exchange.status !== expectedStatus) {
    verdict.divergences.push(`${operationName}: status ${exchange.status}, the model says ${expectedStatus}`);
  }
  const outputName = operation.output?.shape;
  if (outputName === undefined) return verdict;
  const output = shapeOf(model, outputName);
  const payload = output.payload === undefined ? undefined : output.members?.[output.payload];
  const streamShape = payload === undefined ? undefined : shapeOf(model, payload.shape);

  if (streamShape?.eventstream) {
    const bound = bindMessage(model, outputName, { headers: exchange.headers, body: {} });
    diverge('output', checkShape(model, outputName, bound, { strict: true }));
    judgeEvents(model, streamShape.members ?? {}, body, verdict, operationName);
    return verdict;
  }
  const parsed = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as unknown);
  const bound = bindMessage(model, outputName, { headers: exchange.headers, body: parsed });
  diverge('output', checkShape(model, outputName, bound, { strict: true }));
  return verdict;
}

function judgeEvents(
  model: ServiceModel,
  members: Readonly<Record<string, { readonly shape: string }>>,
  body: Buffer,
  verdict: Verdict,
  operationName: string,
): void {
  let offset = 0;
  // Each message states its own length, so the walk ends after at most body.length / 16 steps.
  while (offset < body.length) {
    const length = body.readUInt32BE(offset);
    if (length < 16 || offset + length > body.length) {
      verdict.divergences.push(`${operationName}: a truncated event-stream message at byte ${offset}`);
      return;
    }
    const message = codec.decode(body.subarray(offset, offset + length));
    offset += length;
    const header = (name: string) => {
      const value = message.headers[name]?.value;
      return typeof value === 'string' ? value : undefined;
    };
    const kind = header(':message-type');
    const type = kind === 'exception' ? header(':exception-type') : header(':event-type');
    const member = type === undefined ? undefined : members[type];
    if (type === undefined || member === undefined) {
      verdict.divergences.push(`${operationName}: event '${type}' is not a member of the stream's union`);
      continue;
    }
    verdict.events.set(type, (verdict.events.get(type) ?? 0) + 1);
    const payload = JSON.parse(toUtf8(message.body)) as unknown;
    for (const v of checkShape(model, member.shape, payload, { strict: true })) {
      verdict.divergences.push(`${operationName} event ${type}: '${v.path}' ${v.constraint}`);
    }
  }
}

function judgeError(
  model: ServiceModel,
  errors: readonly { readonly shape: string }[],
  exchange: WireExchange,
  body: Buffer,
  report: (message: string) => void,
): void {
  const type = (exchange.headers['x-amzn-errortype'] ?? '').split(':')[0] ?? '';
  if (!errors.some((error) => error.shape === type)) {
    report(`${type || 'no x-amzn-errortype'} is not an error the operation lists`);
    return;
  }
  const status = shapeOf(model, type).error?.httpStatusCode;
  if (status !== undefined && status !== exchange.status) {
    report(`${type} answered with status ${exchange.status}, the model says ${status}`);
  }
  if (body.length === 0) report(`${type} has no body`);
}

function errorViolations(model: ServiceModel, exchange: WireExchange, body: Buffer): Violation[] {
  const type = (exchange.headers['x-amzn-errortype'] ?? '').split(':')[0] ?? '';
  if (model.shapes[type] === undefined || body.length === 0) return [];
  return checkShape(model, type, JSON.parse(body.toString('utf8')) as unknown, { strict: true });
}
