import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CostEstimate, estimateCost, type Template } from '../../infra/cost/estimate.ts';
import { prices } from '../../infra/cost/prices.ts';
import { workload } from '../../infra/cost/workload.ts';
import { templatesOf, unbundledSynthesizer } from './support/lantern-app.ts';

const synth = unbundledSynthesizer();
const templatesFor = (context: Record<string, unknown> = {}) =>
  templatesOf(synth(context)).map((template) => template.toJSON() as Template);
const estimate = (context: Record<string, unknown> = {}): CostEstimate =>
  estimateCost(templatesFor(context), prices, workload);
const line = (lines: CostEstimate['idle'], item: string) => lines.find((l) => l.item.startsWith(item));

const defaultTemplates = templatesFor();
const defaults = estimateCost(defaultTemplates, prices, workload);

describe('npm run cost', () => {
  it('is the script package.json runs, reading prices from one dated file', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(pkg.scripts.cost).toBe('tsx infra/cost/cli.ts');
    expect(prices.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('idles under $1 a month once CloudWatch’s and SQS’s always-free allowances are counted', () => {
    expect(defaults.totals.idleAfterAlwaysFree + defaults.totals.idleRequestsAfterAlwaysFree).toBeLessThan(1);
    // Two SQS event sources (Slack worker, kb-sync) poll a little more than SQS's free million requests.
    expect(defaults.totals.idleRequestsAfterAlwaysFree).toBeGreaterThan(0);
    expect(defaults.totals.idleRequestsAfterAlwaysFree).toBeLessThan(0.25);
    expect(defaults.warnings).toEqual([]);
  });

  it('prices what the templates hold: one secret, one dashboard, 14 alarm metrics, two polled queues', () => {
    expect(line(defaults.idle, 'Secrets Manager')?.usd).toBeCloseTo(0.4);
    expect(line(defaults.idle, 'CloudWatch dashboard')).toMatchObject({ usd: 3, alwaysFreeUsd: 3 });
    // 5xx, latency, ingestion failures, two dead-letter queues, Slack give-ups, and throttles summed over eight functions.
    expect(line(defaults.idle, 'CloudWatch alarms')?.basis).toMatch(/^14 alarm metrics/);
    expect(line(defaults.idleRequests, 'SQS long polling')?.basis).toMatch(/^2 × 5 pollers/);
    expect(defaults.idle.some((l) => l.item.startsWith('OpenSearch'))).toBe(false);
  });

  it('prices 1,000 conversations from the chat function, the model, the embedding model and the guardrail', () => {
    const items = defaults.perThousandConversations.map((l) => l.item);
    expect(items).toEqual(
      expect.arrayContaining([
        'API Gateway REST requests',
        'Lambda (chat)',
        'DynamoDB requests',
        'Generation (us.amazon.nova-lite-v1:0)',
        'Query embeddings (amazon.titan-embed-text-v2:0)',
        'S3 Vectors queries',
        'Bedrock Guardrails',
      ]),
    );
    expect(defaults.totals.perThousandConversations).toBeGreaterThan(5);
    expect(defaults.totals.perThousandConversations).toBeLessThan(100);
  });

  it('follows the options: no Slack secret or polling, a WAF fee, the OpenSearch floor, the model', () => {
    const minimal = estimate({ slack: 'false', guardrail: 'false' });
    expect(line(minimal.idle, 'Secrets Manager')).toBeUndefined();
    // kb-sync's queue only, within SQS's free million requests.
    expect(minimal.idleRequests.map((l) => l.basis)).toEqual([expect.stringMatching(/^1 × 5 pollers/)]);
    expect(minimal.totals.idleRequestsAfterAlwaysFree).toBe(0);
    expect(line(minimal.perThousandConversations, 'Bedrock Guardrails')).toBeUndefined();
    expect(minimal.totals.idleAfterAlwaysFree).toBeLessThan(0.1);

    const heavy = estimate({
      waf: 'true',
      vectorStore: 'opensearch-serverless',
      model: 'amazon.nova-micro-v1:0',
    });
    expect(line(heavy.idle, 'AWS WAF web ACL')?.usd).toBe(9);
    expect(line(heavy.idle, 'OpenSearch Serverless (minimum OCUs)')?.usd).toBeCloseTo(175.2);
    expect(line(heavy.perThousandConversations, 'Generation (amazon.nova-micro-v1:0)')?.usd).toBeLessThan(1);
  });

  it('says so when it cannot price a model', () => {
    const unknownModel = JSON.parse(
      JSON.stringify(defaultTemplates).replaceAll(
        'inference-profile/us.amazon.nova-lite-v1:0',
        'inference-profile/us.acme.mystery-model-v1:0',
      ),
    ) as Template[];
    const unknown = estimateCost(unknownModel, prices, workload);
    expect(unknown.warnings).toEqual([
      'No price for model us.acme.mystery-model-v1:0; generation not priced.',
    ]);
  });
});
