/**
 * The session table's key schema, shared by the CDK app and the local dynalite bootstrap so the
 * offline table is the deployed one.
 */
export const sessionTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** DynamoDB TTL attribute: a Number of epoch seconds. */
  ttlAttribute: 'expiresAt',
  /**
   * A caller's sessions, newest first (`GET /v1/sessions`): only session items carry `owner`, so the
   * index holds nothing else.
   */
  ownerIndex: {
    name: 'owner-createdAt',
    partitionKey: 'owner',
    sortKey: 'createdAt',
    /** What a listing shows besides the keys; the TTL filters out expired sessions DynamoDB has not deleted yet. */
    projected: ['sessionId', 'expiresAt'],
  },
} as const;
