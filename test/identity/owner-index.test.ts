import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { sessionTable } from '../../config/table.ts';
import { startLocalDynamoDb } from '../../local/dynamodb.ts';
import { tempDir } from '../helpers/local-stack.ts';

const client = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });

describe('the owner index of the local sessions table', () => {
  it('is added to a table a data directory kept from before it existed, as a stack update adds it', async () => {
    const dataDir = tempDir('owner-index');
    // The table as earlier versions created it: keys only, no index.
    const old = await startLocalDynamoDb({ dataDir, tableName: 'unused' });
    const before = client(old.endpoint);
    await before.send(
      new CreateTableCommand({
        TableName: 'sessions',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
      }),
    );
    // dynalite turns a new table ACTIVE on a timer; a write before then is ResourceNotFound.
    await waitUntilTableExists(
      { client: before, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { TableName: 'sessions' },
    );
    await before.send(
      new PutItemCommand({
        TableName: 'sessions',
        Item: {
          pk: { S: 'SESSION#s1' },
          sk: { S: 'SESSION' },
          owner: { S: 'jwt#alice' },
          createdAt: { S: '2026-12-01T00:00:00.000Z' },
          sessionId: { S: 's1' },
          expiresAt: { N: '4102444800' },
        },
      }),
    );
    before.destroy();
    await old.close();

    const restarted = await startLocalDynamoDb({ dataDir, tableName: 'sessions' });
    const after = client(restarted.endpoint);
    try {
      const { Table } = await after.send(new DescribeTableCommand({ TableName: 'sessions' }));
      expect(Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema])).toEqual([
        [
          sessionTable.ownerIndex.name,
          [
            { AttributeName: 'owner', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
        ],
      ]);
      // What the table held comes through, and into the index.
      const { Items } = await after.send(
        new QueryCommand({
          TableName: 'sessions',
          IndexName: sessionTable.ownerIndex.name,
          KeyConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: 'jwt#alice' } },
        }),
      );
      expect(Items?.map((item) => item.sessionId?.S)).toEqual(['s1']);
    } finally {
      after.destroy();
      await restarted.close();
    }
  });
});
