/**
 * The session table's key schema, shared by the CDK app and the local dynalite bootstrap so the
 * offline table is the deployed one.
 */
export const sessionTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** DynamoDB TTL attribute: a Number of epoch seconds. */
  ttlAttribute: 'expiresAt',
} as const;
