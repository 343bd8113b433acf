import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../local/dynamodb.ts';
import { createDocumentClient } from '../../shared/aws/clients.ts';
import { parseConfig } from '../../shared/config.ts';
import { SlackEventLedger } from '../../shared/slack/event-ledger.ts';

let dynamo: LocalDynamoDb;
let clock = new Date('2026-01-01T00:00:00Z');
let ledger: SlackEventLedger;
let counter = 0;
const eventId = () => `EvLEDGER${++counter}`;

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  dynamo = await startLocalDynamoDb({ tableName: 'ledger-test' });
  const config = parseConfig({
    TABLE_NAME: 'ledger-test',
    KNOWLEDGE_BASE_ID: 'KB1',
    MODEL_ARN: 'model',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
  });
  ledger = new SlackEventLedger(createDocumentClient(config), {
    tableName: 'ledger-test',
    ttlSeconds: 86_400,
    now: () => clock,
  });
});
afterAll(() => dynamo?.close());

describe('SlackEventLedger: deliveries (the events function)', () => {
  it('records a delivery, and once it is marked queued acknowledges every retry of it as a duplicate', async () => {
    const id = eventId();
    expect(await ledger.recordDelivery(id, { teamId: 'T1' })).toBe(true);
    expect(await ledger.status(id)).toBe('received');
    await ledger.markQueued(id);
    expect(await ledger.status(id)).toBe('queued');
    expect(await ledger.recordDelivery(id, { teamId: 'T1', retryNum: 1 })).toBe(false);
    expect(await ledger.recordDelivery(id, { teamId: 'T1', retryNum: 2 })).toBe(false);
    expect(await ledger.status(id)).toBe('queued');
  });

  it('lets a retry queue an event an earlier delivery recorded but never queued (it died or failed first)', async () => {
    const id = eventId();
    expect(await ledger.recordDelivery(id, { teamId: 'T1' })).toBe(true);
    expect(await ledger.recordDelivery(id, { teamId: 'T1', retryNum: 1 })).toBe(true);
    await ledger.markQueued(id);
    expect(await ledger.recordDelivery(id, { teamId: 'T1', retryNum: 2 })).toBe(false);
  });

  it('does not create a record without an expiry when the delivery record is gone', async () => {
    const id = eventId();
    await ledger.markQueued(id);
    expect(await ledger.status(id)).toBeUndefined();
  });

  it('treats an expired record (not yet deleted by TTL) as a new event', async () => {
    const id = eventId();
    await ledger.recordDelivery(id, { teamId: 'T1' });
    clock = new Date(clock.getTime() + 86_401_000);
    expect(await ledger.recordDelivery(id, { teamId: 'T1' })).toBe(true);
  });
});

describe('SlackEventLedger: work (the worker)', () => {
  const claimOf = async (id: string, leaseMs = 60_000) => (await ledger.beginWork(id, leaseMs)).status;
  const claim = async (id: string, leaseMs = 60_000) => {
    const result = await ledger.beginWork(id, leaseMs);
    if (result.status !== 'claimed') throw new Error(`expected a claim, got ${result.status}`);
    return result.attempt;
  };

  it('lets one worker claim an event, others see it busy, and everyone sees it answered afterwards', async () => {
    const id = eventId();
    await ledger.recordDelivery(id, { teamId: 'T1' });
    const attempt = await claim(id);
    expect(await claimOf(id)).toBe('busy');
    await ledger.finishWork(id, attempt);
    expect(await ledger.status(id)).toBe('answered');
    expect(await claimOf(id)).toBe('answered');
  });

  it('lets the next delivery take over once a claim is released or its lease ran out', async () => {
    const released = eventId();
    await ledger.abandonWork(released, await claim(released));
    expect(await ledger.status(released)).toBe('failed');
    expect(await claimOf(released)).toBe('claimed');

    const crashed = eventId();
    await claim(crashed);
    clock = new Date(clock.getTime() + 60_001);
    expect(await claimOf(crashed)).toBe('claimed');
  });

  it('lets a worker whose lease ran out neither mark the event answered nor release the claim another worker took over', async () => {
    const id = eventId();
    const stale = await claim(id);
    clock = new Date(clock.getTime() + 60_001);
    const current = await claim(id);
    expect(current).toBeGreaterThan(stale);

    await ledger.abandonWork(id, stale);
    expect(await ledger.status(id)).toBe('working');
    await ledger.finishWork(id, stale);
    expect(await ledger.status(id)).toBe('working');
    expect(await claimOf(id)).toBe('busy');

    await ledger.finishWork(id, current);
    expect(await ledger.status(id)).toBe('answered');
  });

  it('claims an event it never saw delivered (a job queued by other means)', async () => {
    const id = eventId();
    expect(await claimOf(id, 1_000)).toBe('claimed');
    expect(await ledger.status(id)).toBe('working');
  });
});
