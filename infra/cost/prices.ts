/**
 * Public AWS list prices used by `npm run cost`, for us-east-1 in USD, on-demand, without free tiers
 * (those are applied separately, and only the always-free ones). One file, one date: when AWS changes
 * a price, change it here and move `asOf`.
 *
 * Sources: the pricing page of each service (aws.amazon.com/<service>/pricing), and the Amazon Bedrock
 * pricing page for models and guardrails. Check them before relying on the estimate; regions differ.
 */
export const prices = {
  asOf: '2026-11-22',
  region: 'us-east-1',
  currency: 'USD',
  sources: [
    'https://aws.amazon.com/api-gateway/pricing/',
    'https://aws.amazon.com/lambda/pricing/',
    'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    'https://aws.amazon.com/s3/pricing/',
    'https://aws.amazon.com/bedrock/pricing/',
    'https://aws.amazon.com/opensearch-service/pricing/',
    'https://aws.amazon.com/secrets-manager/pricing/',
    'https://aws.amazon.com/sqs/pricing/',
    'https://aws.amazon.com/cloudwatch/pricing/',
    'https://aws.amazon.com/xray/pricing/',
    'https://aws.amazon.com/waf/pricing/',
  ],

  apiGateway: { restRequestsPerMillion: 3.5 },
  lambda: { requestsPerMillion: 0.2, gbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 } },
  dynamoDb: {
    writeRequestUnitsPerMillion: 0.625,
    readRequestUnitsPerMillion: 0.125,
    storageGbMonth: 0.25,
    pointInTimeRecoveryGbMonth: 0.2,
  },
  s3: { standardStorageGbMonth: 0.023 },
  s3Vectors: { storageGbMonth: 0.06, queriesPerMillion: 2.5, queryDataProcessedPerTb: 0.004 },
  openSearchServerless: { ocuHour: 0.24, storageGbMonth: 0.024 },
  secretsManager: { secretMonth: 0.4, apiCallsPer10k: 0.05 },
  sqs: { requestsPerMillion: 0.4 },
  sns: { topicMonth: 0 },
  cloudWatch: {
    dashboardMonth: 3,
    /** Per metric of a standard-resolution alarm (a metric-math alarm pays for each metric it reads). */
    alarmMetricMonth: 0.1,
    logsIngestedGb: 0.5,
    logsStoredGbMonth: 0.03,
  },
  xRay: { tracesRecordedPerMillion: 5 },
  waf: { webAclMonth: 5, ruleMonth: 1, requestsPerMillion: 0.6 },

  bedrock: {
    /** On-demand text generation, per 1,000 tokens. Cross-region inference costs the source region's price. */
    models: {
      'anthropic.claude-3-5-haiku-20241022-v1:0': { inputPer1k: 0.0008, outputPer1k: 0.004 },
      'anthropic.claude-3-haiku-20240307-v1:0': { inputPer1k: 0.00025, outputPer1k: 0.00125 },
      'anthropic.claude-haiku-4-5-20251001-v1:0': { inputPer1k: 0.001, outputPer1k: 0.005 },
      'anthropic.claude-3-5-sonnet-20241022-v2:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
      'anthropic.claude-3-7-sonnet-20250219-v1:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
      'anthropic.claude-sonnet-4-20250514-v1:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
      'anthropic.claude-sonnet-4-5-20250929-v1:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
      'amazon.nova-micro-v1:0': { inputPer1k: 0.000035, outputPer1k: 0.00014 },
      'amazon.nova-lite-v1:0': { inputPer1k: 0.00006, outputPer1k: 0.00024 },
      'amazon.nova-pro-v1:0': { inputPer1k: 0.0008, outputPer1k: 0.0032 },
      'meta.llama3-1-8b-instruct-v1:0': { inputPer1k: 0.00022, outputPer1k: 0.00022 },
      'meta.llama3-1-70b-instruct-v1:0': { inputPer1k: 0.00072, outputPer1k: 0.00072 },
    } as Readonly<Record<string, { readonly inputPer1k: number; readonly outputPer1k: number }>>,
    /** Embeddings, per 1,000 input tokens. */
    embeddings: {
      'amazon.titan-embed-text-v2:0': 0.00002,
      'amazon.titan-embed-text-v1': 0.0001,
      'cohere.embed-english-v3': 0.0001,
      'cohere.embed-multilingual-v3': 0.0001,
    } as Readonly<Record<string, number>>,
    /** Guardrail policies, per 1,000 text units (a text unit is up to 1,000 characters). Word filters are free. */
    guardrails: {
      contentFiltersPer1kTextUnits: 0.15,
      deniedTopicsPer1kTextUnits: 0.15,
      sensitiveInformationPer1kTextUnits: 0.1,
      contextualGroundingPer1kTextUnits: 0.1,
    },
  },

  /** Allowances that never expire (not the 12-month new-account tier), per account and month. */
  alwaysFree: {
    cloudWatchDashboards: 3,
    cloudWatchAlarmMetrics: 10,
    sqsRequests: 1_000_000,
  },
} as const;

export type Prices = typeof prices;
