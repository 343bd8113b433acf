/**
 * The idempotency store on dynalite, through the real document client: which writes an attempt may
 * still make once its lease ran out and a retry took the key over.
 */
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionTable } from '../../../config/table.ts';
import { IdempotencyStore } from '../../../shared/aws/idempotency-store.ts';
import { ServiceUnavailableError } from '../../../shared/errors.ts';
import { startTestTable, type TestTable } from '../../helpers/dynamodb.ts';

const TABLE = 'idempotency-test';
let table: TestTable;
const clock = { ms: Date.parse('2026-12-07T10:00:00.000Z') };
let store: IdempotencyStore;

beforeAll(async () => {
  table = await startTestTable(TABLE);
  store = new IdempotencyStore(table.db, {
    tableName: TABLE,
    ttlSeconds: 600,
    now: () => new Date(clock.ms),
  });
});
afterAll(() => table?.close());

let keys = 0;
const LEASE_MS = 1_000;
const begin = (key: string, fingerprint = 'same request') =>
  store.begin<string, { anchor: string }>(key, { fingerprint, leaseMs: LEASE_MS, data: { anchor: key } });

/** The item as stored, every attribute: equal before and after only if nothing was written. */
async function itemOf(key: string) {
  const { Item } = await table.db.send(
    new GetCommand({
      TableName: TABLE,
      Key: { [sessionTable.partitionKey]: `IDEMPOTENCY#${key}`, [sessionTable.sortKey]: 'IDEMPOTENCY' },
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** A key whose first attempt's lease ran out and a second attempt took over. */
async function takenOver(): Promise<string> {
  const key = `stale-${++keys}`;
  expect(await begin(key)).toEqual({ status: 'claimed', data: { anchor: key }, attempt: 1 });
  clock.ms += LEASE_MS + 1;
  expect(await begin(key)).toEqual({ status: 'claimed', data: { anchor: key }, attempt: 2 });
  return key;
}

describe('IdempotencyStore: a stale attempt cannot undo the attempt that took over', () => {
  it('changes nothing by completing, releasing or forgetting after a newer attempt began', async () => {
    const key = await takenOver();
    const held = await itemOf(key);
    expect(held).toMatchObject({ status: 'in_progress', attempt: 2 });

    await store.complete(key, 'the stale answer', 1);
    await store.release(key, 1);
    await store.forget(key, 1);

    expect(await itemOf(key)).toEqual(held);
    expect(await begin(key)).toMatchObject({ status: 'in_progress' });
  });

  it('keeps the newer attempt able to finish, and repeats get its answer', async () => {
    const key = await takenOver();
    await store.forget(key, 1);
    await store.complete(key, 'the answer of attempt 2', 2);
    await store.complete(key, 'the stale answer', 1);

    expect(await begin(key)).toEqual({ status: 'completed', result: 'the answer of attempt 2' });
  });

  it('does not reopen a finished key when its holder releases or forgets it late', async () => {
    const key = `finished-${++keys}`;
    await begin(key);
    await store.complete(key, 'done', 1);
    await store.release(key, 1);
    await store.forget(key, 1);

    expect(await itemOf(key)).toMatchObject({ status: 'completed', result: 'done' });
    expect(await begin(key)).toEqual({ status: 'completed', result: 'done' });
  });

  it('lets the attempt that holds the key release or forget it', async () => {
    const released = `held-${++keys}`;
    await begin(released);
    await store.release(released, 1);
    expect(await store.status(released)).toBe('released');
    expect(await begin(released)).toMatchObject({ status: 'claimed', attempt: 2 });

    const forgotten = `held-${++keys}`;
    await begin(forgotten);
    await store.forget(forgotten, 1);
    expect(await itemOf(forgotten)).toBeUndefined();
  });

  it('forgets a key whatever holds it when no attempt is named (a deleted session)', async () => {
    const key = await takenOver();
    await store.forget(key);
    expect(await itemOf(key)).toBeUndefined();
    expect(await begin(key, 'another request')).toMatchObject({ status: 'claimed', attempt: 1 });
  });
});

describe('IdempotencyStore: DynamoDB failing past the SDK retries', () => {
  it('answers as temporary (503) on every call, a failed condition still quietly ignored', async () => {
    const throttled = new IdempotencyStore(
      {
        send: async () => {
          throw new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
        },
      } as never,
      { tableName: TABLE, ttlSeconds: 600 },
    );
    for (const call of [
      () => throttled.forget('any'),
      () => throttled.forget('any', 1),
      () => throttled.release('any', 1),
      () => throttled.status('any'),
    ])
      await expect(call()).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
