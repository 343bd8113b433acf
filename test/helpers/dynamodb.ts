import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalDynamoDb } from '../../local/dynamodb.ts';

export interface TestTable {
  readonly db: DynamoDBDocumentClient;
  readonly endpoint: string;
  close(): Promise<void>;
}

/** dynalite in memory with Lantern's table, and a document client pointed at it. */
export async function startTestTable(tableName: string): Promise<TestTable> {
  const dynamo = await startLocalDynamoDb({ tableName });
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  return {
    db,
    endpoint: dynamo.endpoint,
    close: async () => {
      db.destroy();
      await dynamo.close();
    },
  };
}
