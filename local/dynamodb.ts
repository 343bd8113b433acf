import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ScanCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
// dynalite ships no types; its default export builds an http.Server speaking DynamoDB's JSON protocol.
// @ts-expect-error -- untyped CommonJS module
import dynalite from 'dynalite';
import { sessionTable } from '../config/table.ts';

export interface LocalDynamoDb {
  readonly endpoint: string;
  close(): Promise<void>;
}

interface DynaliteServer {
  listen(port: number, host: string, callback: () => void): void;
  address(): AddressInfo;
  close(callback: (error?: Error) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}

/**
 * Starts dynalite on loopback, in memory or on disk under `dataDir` (so sessions survive a restart),
 * and creates the session table with the deployed key schema if it is not there yet.
 */
export async function startLocalDynamoDb(options: {
  dataDir?: string;
  tableName: string;
  port?: number;
}): Promise<LocalDynamoDb> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const server: DynaliteServer = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  await createSessionTable(endpoint, options.tableName);
  return {
    endpoint,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function createSessionTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await createTable(client, tableName);
  } catch (error) {
    // A data directory from an earlier run already holds the table, perhaps from before the index.
    if (!(error instanceof ResourceInUseException)) throw error;
    await addOwnerIndex(client, tableName);
  } finally {
    client.destroy();
  }
}

/**
 * Creates the table and waits until it is ACTIVE: dynalite flips the status on a timer even with
 * createTableMs 0, and until then every write is refused with ResourceNotFoundException.
 */
async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
  await waitUntilTableExists(waitFor(client), { TableName: tableName });
}

/** dynalite changes a table's status on a timer: poll it every second, for half a minute at most. */
const waitFor = (client: DynamoDBClient) => ({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 });

const { ownerIndex } = sessionTable;

/** The deployed key schema and owner index. */
function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: sessionTable.partitionKey, KeyType: 'HASH' },
      { AttributeName: sessionTable.sortKey, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: sessionTable.partitionKey, AttributeType: 'S' },
      { AttributeName: sessionTable.sortKey, AttributeType: 'S' },
      { AttributeName: ownerIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: ownerIndex.sortKey, AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [ownerIndexDefinition],
  };
}

/** The owner index as the stateful stack declares it. */
const ownerIndexDefinition = {
  IndexName: ownerIndex.name,
  KeySchema: [
    { AttributeName: ownerIndex.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: ownerIndex.sortKey, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...ownerIndex.projected] },
};

/**
 * Gives a table an earlier version created the owner index, as a stack update does on AWS. dynalite
 * cannot add an index to an existing table (it ignores UpdateTable's index creation), so the local
 * table is rebuilt: its items are read, the table is created again with the index, and they are
 * written back.
 */
async function addOwnerIndex(client: DynamoDBClient, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.GlobalSecondaryIndexes?.some((index) => index.IndexName === ownerIndex.name)) return;
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  // Bounded: a local table holds what one person's runs wrote, far below a million items.
  for (let page = 0; page < 1000; page++) {
    const result = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
    if (!startKey) break;
  }
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  // dynalite drops the table on a timer even with deleteTableMs 0: a busy machine can still see it.
  await waitUntilTableNotExists(waitFor(client), { TableName: tableName });
  await createTable(client, tableName);
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
      const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }
}
