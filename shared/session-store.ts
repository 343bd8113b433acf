/**
 * Kept only for test/eval, whose owner moves its import to `./aws/dynamodb-session-store.ts`
 * (`DynamoDbSessionStore`); delete this file then.
 */
export { DynamoDbSessionStore as SessionStore } from './aws/dynamodb-session-store.ts';
