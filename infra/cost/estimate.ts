import type { Prices } from './prices.ts';
import type { Workload } from './workload.ts';

/** A synthesized CloudFormation template, as far as the estimate reads it. */
export interface Template {
  readonly Resources?: Record<
    string,
    { readonly Type: string; readonly Properties?: Record<string, unknown> }
  >;
}

/** One priced item: what it is, what it costs, and how that was worked out. */
export interface CostLine {
  readonly item: string;
  readonly usd: number;
  readonly basis: string;
  /** The part an always-free allowance covers (CloudWatch dashboards and alarms, SQS requests). */
  readonly alwaysFreeUsd?: number;
}

export interface CostEstimate {
  readonly pricesAsOf: string;
  readonly region: string;
  /** Monthly charges of a deployment nobody uses: fixed monthly fees and data at rest. */
  readonly idle: readonly CostLine[];
  /** Requests made while idle (an SQS event source polls its queue), charged per request. */
  readonly idleRequests: readonly CostLine[];
  /** What 1,000 conversations add (see the workload's turns per conversation). */
  readonly perThousandConversations: readonly CostLine[];
  readonly totals: {
    readonly idleListPrice: number;
    readonly idleAfterAlwaysFree: number;
    readonly idleRequestsListPrice: number;
    readonly idleRequestsAfterAlwaysFree: number;
    readonly perThousandConversations: number;
  };
  /** Things the estimate could not price (an unknown model, say). */
  readonly warnings: readonly string[];
}

const HOURS_PER_MONTH = 730;
const SECONDS_PER_MONTH = 30 * 24 * 3600;
const GB = 1e9;

/**
 * Estimates what the synthesized stacks cost: idle per month and per 1,000 conversations. Resources are
 * read from the templates (how many secrets, dashboards and alarm metrics, which vector store, the chat
 * function's memory and architecture, the model and embedding model, the guardrail's policies, WAF,
 * tracing); request volumes come from `workload`, unit prices from `prices`.
 */
export function estimateCost(
  templates: readonly Template[],
  prices: Prices,
  workload: Workload,
): CostEstimate {
  const resources = templates.flatMap((template) => Object.values(template.Resources ?? {}));
  const ofType = (type: string) => resources.filter((resource) => resource.Type === type);
  const warnings: string[] = [];
  const idle: CostLine[] = [];
  const idleRequests: CostLine[] = [];
  const perThousand: CostLine[] = [];

  // Fixed monthly fees.
  const secrets = ofType('AWS::SecretsManager::Secret').length;
  if (secrets > 0) {
    idle.push({
      item: 'Secrets Manager secrets',
      usd: secrets * prices.secretsManager.secretMonth,
      basis: `${secrets} × $${prices.secretsManager.secretMonth}`,
    });
  }
  const kmsKeys = ofType('AWS::KMS::Key').length;
  if (kmsKeys > 0) idle.push({ item: 'KMS customer-managed keys', usd: kmsKeys, basis: `${kmsKeys} × $1` });
  const dashboards = ofType('AWS::CloudWatch::Dashboard').length;
  if (dashboards > 0) {
    const usd = dashboards * prices.cloudWatch.dashboardMonth;
    idle.push({
      item: 'CloudWatch dashboard',
      usd,
      basis: `${dashboards} × $${prices.cloudWatch.dashboardMonth}`,
      alwaysFreeUsd:
        Math.min(dashboards, prices.alwaysFree.cloudWatchDashboards) * prices.cloudWatch.dashboardMonth,
    });
  }
  const alarmMetrics = ofType('AWS::CloudWatch::Alarm').reduce(
    (sum, alarm) => sum + metricsOfAlarm(alarm.Properties),
    0,
  );
  if (alarmMetrics > 0) {
    idle.push({
      item: 'CloudWatch alarms',
      usd: alarmMetrics * prices.cloudWatch.alarmMetricMonth,
      basis: `${alarmMetrics} alarm metrics × $${prices.cloudWatch.alarmMetricMonth}`,
      alwaysFreeUsd:
        Math.min(alarmMetrics, prices.alwaysFree.cloudWatchAlarmMetrics) * prices.cloudWatch.alarmMetricMonth,
    });
  }
  const webAcls = ofType('AWS::WAFv2::WebACL');
  for (const acl of webAcls) {
    const rules = ((acl.Properties?.Rules as unknown[]) ?? []).length;
    idle.push({
      item: 'AWS WAF web ACL',
      usd: prices.waf.webAclMonth + rules * prices.waf.ruleMonth,
      basis: `$${prices.waf.webAclMonth} + ${rules} rules × $${prices.waf.ruleMonth}`,
    });
  }
  for (const collection of ofType('AWS::OpenSearchServerless::Collection')) {
    // Without standby replicas the floor is 0.5 OCU for indexing and 0.5 for search; with them, twice that.
    const ocus = collection.Properties?.StandbyReplicas === 'DISABLED' ? 1 : 2;
    idle.push({
      item: 'OpenSearch Serverless (minimum OCUs)',
      usd: ocus * prices.openSearchServerless.ocuHour * HOURS_PER_MONTH,
      basis: `${ocus} OCU × $${prices.openSearchServerless.ocuHour} × ${HOURS_PER_MONTH} h`,
    });
  }

  // Data at rest.
  const knowledgeBase = ofType('AWS::Bedrock::KnowledgeBase')[0];
  const dimensions = Number(
    dig(knowledgeBase?.Properties, [
      'KnowledgeBaseConfiguration',
      'VectorKnowledgeBaseConfiguration',
      'EmbeddingModelConfiguration',
      'BedrockEmbeddingModelConfiguration',
      'Dimensions',
    ]) ??
      (dig(ofType('AWS::S3Vectors::Index')[0]?.Properties, ['Dimension']) as number | undefined) ??
      1024,
  );
  const vectorGb = (workload.chunks * (dimensions * 4 + workload.chunkMetadataBytes)) / GB;
  if (ofType('AWS::Bedrock::DataSource').length > 0) {
    idle.push({
      item: 'S3 documents',
      usd: workload.documentsGb * prices.s3.standardStorageGbMonth,
      basis: `${workload.documentsGb} GB × $${prices.s3.standardStorageGbMonth}`,
    });
  }
  if (ofType('AWS::S3Vectors::Index').length > 0) {
    idle.push({
      item: 'S3 Vectors storage',
      usd: vectorGb * prices.s3Vectors.storageGbMonth,
      basis: `${workload.chunks.toLocaleString('en-US')} chunks × ${dimensions}-d ≈ ${vectorGb.toFixed(3)} GB × $${prices.s3Vectors.storageGbMonth}`,
    });
  }
  if (ofType('AWS::OpenSearchServerless::Collection').length > 0) {
    idle.push({
      item: 'OpenSearch Serverless storage',
      usd: vectorGb * prices.openSearchServerless.storageGbMonth,
      basis: `≈ ${vectorGb.toFixed(3)} GB × $${prices.openSearchServerless.storageGbMonth}`,
    });
  }
  for (const table of ofType('AWS::DynamoDB::Table')) {
    const pitr =
      dig(table.Properties, ['PointInTimeRecoverySpecification', 'PointInTimeRecoveryEnabled']) === true;
    const perGb = prices.dynamoDb.storageGbMonth + (pitr ? prices.dynamoDb.pointInTimeRecoveryGbMonth : 0);
    idle.push({
      item: `DynamoDB storage${pitr ? ' + PITR' : ''}`,
      usd: workload.tableGb * perGb,
      basis: `${workload.tableGb} GB × $${perGb.toFixed(2)}`,
    });
  }

  // Requests made while nobody uses the app.
  const sqsSources = ofType('AWS::Lambda::EventSourceMapping').filter((mapping) =>
    JSON.stringify(mapping.Properties?.EventSourceArn ?? '').includes('Queue'),
  );
  if (sqsSources.length > 0) {
    const requests = sqsSources.length * workload.idleSqsPollers * (SECONDS_PER_MONTH / 20);
    const usd = (requests / 1e6) * prices.sqs.requestsPerMillion;
    idleRequests.push({
      item: 'SQS long polling by the queue consumers (Slack worker, kb-sync)',
      usd,
      basis: `${sqsSources.length} × ${workload.idleSqsPollers} pollers × one 20 s poll ≈ ${(requests / 1e6).toFixed(2)} M requests × $${prices.sqs.requestsPerMillion}/M`,
      alwaysFreeUsd:
        (Math.min(requests, prices.alwaysFree.sqsRequests) / 1e6) * prices.sqs.requestsPerMillion,
    });
  }

  // Per 1,000 conversations.
  const turns = 1000 * workload.turnsPerConversation;
  const perMillion = (count: number, price: number) => (count / 1e6) * price;
  const chat = ofType('AWS::Lambda::Function').find((fn) =>
    String(fn.Properties?.Description ?? '').startsWith('POST /v1/chat:'),
  );
  if (ofType('AWS::ApiGateway::RestApi').length > 0) {
    perThousand.push({
      item: 'API Gateway REST requests',
      usd: perMillion(turns, prices.apiGateway.restRequestsPerMillion),
      basis: `${turns.toLocaleString('en-US')} requests × $${prices.apiGateway.restRequestsPerMillion}/M`,
    });
  }
  if (webAcls.length > 0) {
    perThousand.push({
      item: 'AWS WAF requests',
      usd: perMillion(turns, prices.waf.requestsPerMillion),
      basis: `${turns.toLocaleString('en-US')} requests × $${prices.waf.requestsPerMillion}/M`,
    });
  }
  if (chat) {
    const memoryGb = Number(chat.Properties?.MemorySize ?? 128) / 1024;
    const architecture =
      (chat.Properties?.Architectures as string[] | undefined)?.[0] === 'arm64' ? 'arm64' : 'x86_64';
    const gbSeconds = turns * memoryGb * (workload.chatDurationMs / 1000);
    perThousand.push({
      item: 'Lambda (chat)',
      usd:
        gbSeconds * prices.lambda.gbSecond[architecture] +
        perMillion(turns, prices.lambda.requestsPerMillion),
      basis: `${turns.toLocaleString('en-US')} × ${workload.chatDurationMs / 1000} s × ${memoryGb} GB ${architecture}`,
    });
    if (dig(chat.Properties, ['TracingConfig', 'Mode']) === 'Active') {
      perThousand.push({
        item: 'X-Ray traces',
        usd: perMillion(turns, prices.xRay.tracesRecordedPerMillion),
        basis: `${turns.toLocaleString('en-US')} traces × $${prices.xRay.tracesRecordedPerMillion}/M`,
      });
    }
  } else {
    warnings.push('No chat function (Description "POST /v1/chat: …") in the templates; Lambda not priced.');
  }
  perThousand.push({
    item: 'CloudWatch Logs ingestion',
    usd: ((turns * workload.logBytesPerTurn) / GB) * prices.cloudWatch.logsIngestedGb,
    basis: `${turns.toLocaleString('en-US')} × ${workload.logBytesPerTurn / 1000} KB × $${prices.cloudWatch.logsIngestedGb}/GB`,
  });
  if (ofType('AWS::DynamoDB::Table').length > 0) {
    perThousand.push({
      item: 'DynamoDB requests',
      usd:
        perMillion(turns * workload.writeRequestUnitsPerTurn, prices.dynamoDb.writeRequestUnitsPerMillion) +
        perMillion(turns * workload.readRequestUnitsPerTurn, prices.dynamoDb.readRequestUnitsPerMillion),
      basis: `${workload.writeRequestUnitsPerTurn} WRU + ${workload.readRequestUnitsPerTurn} RRU per turn`,
    });
  }

  const embeddingModel = modelIdIn(
    dig(knowledgeBase?.Properties, [
      'KnowledgeBaseConfiguration',
      'VectorKnowledgeBaseConfiguration',
      'EmbeddingModelArn',
    ]),
  );
  if (embeddingModel) {
    const price = prices.bedrock.embeddings[embeddingModel];
    if (price === undefined)
      warnings.push(`No price for embedding model ${embeddingModel}; query embeddings not priced.`);
    else {
      perThousand.push({
        item: `Query embeddings (${embeddingModel})`,
        usd: ((turns * workload.questionTokens) / 1000) * price,
        basis: `${workload.questionTokens} tokens per question × $${price}/1k`,
      });
    }
  }
  if (ofType('AWS::S3Vectors::Index').length > 0) {
    perThousand.push({
      item: 'S3 Vectors queries',
      usd:
        perMillion(turns, prices.s3Vectors.queriesPerMillion) +
        ((turns * vectorGb) / 1000) * prices.s3Vectors.queryDataProcessedPerTb,
      basis: `${turns.toLocaleString('en-US')} queries × $${prices.s3Vectors.queriesPerMillion}/M + data processed`,
    });
  }

  const modelId = modelIdIn(environmentOf(chat)?.MODEL_ARN);
  if (modelId) {
    const price = prices.bedrock.models[modelId.replace(/^(us|eu|apac|jp|au|ca|us-gov|global)\./, '')];
    if (!price) warnings.push(`No price for model ${modelId}; generation not priced.`);
    else {
      const inputTokens =
        workload.passagesPerTurn * workload.passageTokens +
        workload.questionTokens +
        workload.promptOverheadTokens +
        workload.historyTokensPerTurn;
      perThousand.push({
        item: `Generation (${modelId})`,
        usd:
          turns *
          ((inputTokens / 1000) * price.inputPer1k + (workload.answerTokens / 1000) * price.outputPer1k),
        basis: `${inputTokens.toLocaleString('en-US')} input + ${workload.answerTokens} output tokens per turn`,
      });
    }
  } else if (chat) {
    warnings.push('The chat function has no MODEL_ARN the estimate can read; generation not priced.');
  }

  const guardrail = ofType('AWS::Bedrock::Guardrail')[0];
  if (guardrail && environmentOf(chat)?.GUARDRAIL_ID) {
    const p = guardrail.Properties ?? {};
    const g = prices.bedrock.guardrails;
    const screening =
      (p.ContentPolicyConfig ? g.contentFiltersPer1kTextUnits : 0) +
      (p.TopicPolicyConfig ? g.deniedTopicsPer1kTextUnits : 0) +
      (dig(p, ['SensitiveInformationPolicyConfig', 'PiiEntitiesConfig'])
        ? g.sensitiveInformationPer1kTextUnits
        : 0);
    const units = (chars: number) => Math.ceil(chars / 1000);
    const question = units(workload.questionChars);
    const answer = units(workload.answerChars);
    // The engine screens the question itself (ApplyGuardrail), then RetrieveAndGenerate applies the guardrail
    // to the question and the answer; contextual grounding reads the passages, the question and the answer.
    const screenedUnits = 2 * question + answer;
    const groundingUnits = p.ContextualGroundingPolicyConfig
      ? units(workload.passagesPerTurn * workload.passageChars) + question + answer
      : 0;
    perThousand.push({
      item: 'Bedrock Guardrails',
      usd:
        turns *
        ((screenedUnits / 1000) * screening + (groundingUnits / 1000) * g.contextualGroundingPer1kTextUnits),
      basis: `${screenedUnits} text units screened at $${screening.toFixed(2)}/1k + ${groundingUnits} grounding units per turn`,
    });
  }

  const sum = (lines: readonly CostLine[]) => lines.reduce((total, line) => total + line.usd, 0);
  const free = (lines: readonly CostLine[]) =>
    lines.reduce((total, line) => total + (line.alwaysFreeUsd ?? 0), 0);
  return {
    pricesAsOf: prices.asOf,
    region: prices.region,
    idle,
    idleRequests,
    perThousandConversations: perThousand,
    totals: {
      idleListPrice: sum(idle),
      idleAfterAlwaysFree: sum(idle) - free(idle),
      idleRequestsListPrice: sum(idleRequests),
      idleRequestsAfterAlwaysFree: sum(idleRequests) - free(idleRequests),
      perThousandConversations: sum(perThousand),
    },
    warnings,
  };
}

/** Alarm metrics CloudWatch bills for: one for a plain alarm, one per metric a metric-math alarm reads. */
function metricsOfAlarm(properties: Record<string, unknown> | undefined): number {
  const metrics = properties?.Metrics as Array<{ MetricStat?: unknown }> | undefined;
  if (!metrics) return 1;
  return Math.max(1, metrics.filter((metric) => metric.MetricStat !== undefined).length);
}

function environmentOf(
  fn: { readonly Properties?: Record<string, unknown> } | undefined,
): Record<string, unknown> | undefined {
  return dig(fn?.Properties, ['Environment', 'Variables']) as Record<string, unknown> | undefined;
}

/** The model id at the end of a (possibly token-joined) Bedrock model or profile ARN. */
function modelIdIn(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return /(?:foundation-model|inference-profile)\/([A-Za-z0-9._:-]+)/.exec(text)?.[1];
}

function dig(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
