/**
 * Precision and recall of the local guardrail (positive = GUARDRAIL_INTERVENED), measured through
 * the real `BedrockRuntimeClient` against an emulator on a free port:
 *
 *   AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true npx tsx test/local/bedrock-emulator/guardrail/guardrail-report.ts
 *
 * Two tables (see `guardrail-table.ts`): the asserted one, which the heuristics were developed
 * against, and the held-out one, written before the detectors and never tuned against. Only the
 * second estimates how the heuristics do on text they have not seen. `--verbose` lists every row.
 */
import { ApplyGuardrailCommand } from '@aws-sdk/client-bedrock-runtime';
import { localGuardrail } from '../../../../config/guardrail.ts';
import { runtimeClient, startGuardrailEmulator } from './emulator-fixture.ts';
import {
  type CaseCategory,
  type CaseOutcome,
  checkCase,
  type GuardrailCase,
  guardrailTable,
  holdoutTable,
} from './guardrail-table.ts';

const verbose = process.argv.includes('--verbose');

interface Scored {
  readonly row: GuardrailCase;
  readonly outcome: CaseOutcome;
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  exact: number;
  total: number;
}

function count(rows: readonly Scored[]): Counts {
  const counts: Counts = { tp: 0, fp: 0, fn: 0, tn: 0, exact: 0, total: rows.length };
  for (const { row, outcome } of rows) {
    const positive = row.action === 'GUARDRAIL_INTERVENED';
    if (positive && outcome.intervened) counts.tp++;
    else if (positive) counts.fn++;
    else if (outcome.intervened) counts.fp++;
    else counts.tn++;
    if (outcome.ok) counts.exact++;
  }
  return counts;
}

const ratio = (n: number, d: number): string => (d === 0 ? '  n/a' : (n / d).toFixed(3));

function line(label: string, c: Counts): string {
  return [
    label.padEnd(16),
    String(c.total).padStart(5),
    String(c.tp).padStart(4),
    String(c.fp).padStart(4),
    String(c.fn).padStart(4),
    String(c.tn).padStart(4),
    ratio(c.tp, c.tp + c.fp).padStart(10),
    ratio(c.tp, c.tp + c.fn).padStart(8),
    `${c.exact}/${c.total}`.padStart(9),
  ].join(' ');
}

function report(title: string, rows: readonly Scored[]): void {
  console.log(`\n${title}`);
  console.log(
    `${'category'.padEnd(16)} ${'rows'.padStart(5)} ${'TP'.padStart(4)} ${'FP'.padStart(4)} ${'FN'.padStart(4)} ${'TN'.padStart(4)} ${'precision'.padStart(10)} ${'recall'.padStart(8)} ${'exact'.padStart(9)}`,
  );
  const categories: CaseCategory[] = ['pii', 'prompt-attack', 'topic', 'content', 'words', 'benign'];
  for (const category of categories) {
    const subset = rows.filter((r) => r.row.category === category);
    if (subset.length > 0) console.log(line(category, count(subset)));
  }
  console.log(line('all', count(rows)));
  for (const { row, outcome } of rows) {
    if (verbose || !outcome.ok) {
      console.log(
        `  ${outcome.ok ? 'ok  ' : 'MISS'} [${row.category}] ${JSON.stringify(row.text)}${outcome.ok ? '' : ` — ${outcome.problems.join('; ')}`}`,
      );
    }
  }
}

const fixture = await startGuardrailEmulator();
const client = runtimeClient(fixture.emulator);
try {
  const score = async (table: readonly GuardrailCase[]): Promise<Scored[]> => {
    const scored: Scored[] = [];
    for (const row of table) {
      const response = await client.send(
        new ApplyGuardrailCommand({
          guardrailIdentifier: localGuardrail.id,
          guardrailVersion: localGuardrail.version,
          source: row.source ?? 'INPUT',
          content: [{ text: { text: row.text } }],
        }),
      );
      scored.push({ row, outcome: checkCase(row, response) });
    }
    return scored;
  };
  console.log(
    'Local guardrail (positive = GUARDRAIL_INTERVENED); "exact" also checks the PII types, topic, filter and words.',
  );
  report('Asserted table (the heuristics were developed against it)', await score(guardrailTable));
  report('Held-out table (written before the detectors, never tuned against)', await score(holdoutTable));
} finally {
  client.destroy();
  await fixture.close();
}
