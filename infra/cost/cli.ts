import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { composeLanternApp } from '../lantern-app.ts';
import { type CostEstimate, type CostLine, estimateCost, type Template } from './estimate.ts';
import { prices } from './prices.ts';
import { workload } from './workload.ts';

/**
 * `npm run cost [-- -c key=value ...] [--json]`: synthesizes the app with the same context `cdk synth` would
 * get (without bundling the handlers), then prices its resources: idle per month, and per 1,000 conversations.
 */
function main(argv: readonly string[]): void {
  const context: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '-c' || arg === '--context') {
      const pair = argv[++i] ?? '';
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`Expected key=value after ${arg}, got "${pair}"`);
      context[pair.slice(0, at)] = pair.slice(at + 1);
    } else if (arg === '--help' || arg === '-h') {
      console.log('Usage: npm run cost [-- -c key=value ...] [--json]');
      return;
    } else throw new Error(`Unknown argument ${arg} (try --help)`);
  }

  const outdir = mkdtempSync(join(tmpdir(), 'lantern-cost-'));
  try {
    // The prices are one region's: synthesize for it unless the caller names another.
    const app = new App({
      outdir,
      context: { region: prices.region, ...context, 'aws:cdk:bundling-stacks': [] },
    });
    const { stateful, stateless } = composeLanternApp(app);
    const assembly = app.synth();
    const templates = [stateful, stateless].map(
      (stack) => assembly.getStackArtifact(stack.artifactId).template as Template,
    );
    const estimate = estimateCost(templates, prices, workload);
    console.log(json ? JSON.stringify(estimate, null, 2) : format(estimate, context));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function format(estimate: CostEstimate, context: Record<string, string>): string {
  const usd = (value: number) => `$${value.toFixed(value !== 0 && value < 0.1 ? 4 : 2)}`;
  const all = [...estimate.idle, ...estimate.idleRequests, ...estimate.perThousandConversations];
  const width = Math.max(36, ...all.map((line) => line.item.length));
  const row = (item: string, value: number, basis = '') =>
    `  ${item.padEnd(width)} ${usd(value).padStart(9)}   ${basis}`.trimEnd();
  const table = (lines: readonly CostLine[]) =>
    lines.map((line) => row(line.item, line.usd, line.basis)).join('\n');
  const { totals } = estimate;
  const contextText = Object.entries(context)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return [
    `Lantern cost estimate — ${estimate.region} list prices as of ${estimate.pricesAsOf} (infra/cost/prices.ts)`,
    `Context: ${contextText || '(defaults)'}`,
    '',
    'Idle, per month (fixed fees and data at rest):',
    table(estimate.idle),
    row('Total at list prices', totals.idleListPrice),
    row(
      'Total within always-free allowances',
      totals.idleAfterAlwaysFree,
      'CloudWatch: 3 dashboards, 10 alarm metrics per account',
    ),
    '',
    ...(estimate.idleRequests.length > 0
      ? [
          'Requests while idle, per month:',
          table(estimate.idleRequests),
          row('Total at list prices', totals.idleRequestsListPrice),
          row(
            'Total within always-free allowances',
            totals.idleRequestsAfterAlwaysFree,
            'SQS: 1 M requests per account',
          ),
          '',
        ]
      : []),
    `Per 1,000 conversations (${workload.turnsPerConversation} questions each, infra/cost/workload.ts):`,
    table(estimate.perThousandConversations),
    row('Total', totals.perThousandConversations),
    ...(estimate.warnings.length > 0
      ? ['', ...estimate.warnings.map((warning) => `Warning: ${warning}`)]
      : []),
  ].join('\n');
}

main(process.argv.slice(2));
