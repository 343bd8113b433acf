import { bootstrapCheck } from './bootstrap.ts';
import { type Check, type CheckId, type CheckResult, describeError, type PreflightContext } from './check.ts';
import { embeddingModelCheck } from './embedding-model.ts';
import { generationModelCheck } from './generation-model.ts';
import { knowledgeBasesCheck } from './knowledge-bases.ts';
import { modelAccessCheck } from './model-access.ts';
import { rerankModelsCheck } from './rerank-models.ts';
import { s3VectorsCheck } from './s3-vectors.ts';

/** The checks in the order an operator meets them before a deploy. */
export const CHECKS: ReadonlyArray<readonly [CheckId, Check]> = [
  ['knowledge-bases', knowledgeBasesCheck],
  ['s3-vectors', s3VectorsCheck],
  ['generation-model', generationModelCheck],
  ['embedding-model', embeddingModelCheck],
  ['model-access', modelAccessCheck],
  ['rerank-models', rerankModelsCheck],
  ['bootstrap', bootstrapCheck],
];

export interface PreflightReport {
  readonly results: readonly CheckResult[];
  readonly failed: readonly CheckId[];
}

/** Runs every check not skipped, one after the other; a check that throws counts as failed. */
export async function runPreflight(
  context: PreflightContext,
  skip: ReadonlySet<CheckId> = new Set(),
): Promise<PreflightReport> {
  const results: CheckResult[] = [];
  for (const [id, check] of CHECKS) {
    if (skip.has(id)) {
      results.push({ id, status: 'skip', summary: `${id}: skipped (--skip)` });
      continue;
    }
    try {
      results.push(await check(context));
    } catch (error) {
      const { name, message } = describeError(error);
      results.push({
        id,
        status: 'fail',
        summary: `${id}: ${name}: ${message}`,
        fix: 'Run the check again.',
      });
    }
  }
  return { results, failed: results.filter((result) => result.status === 'fail').map((result) => result.id) };
}

const LABEL = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' } as const;

/** The report as the CLI prints it: one line per check, its fix indented below, the failures last. */
export function formatReport(report: PreflightReport): string {
  const lines = report.results.flatMap((result) => [
    `${LABEL[result.status]}  ${result.summary}`,
    ...(result.fix && result.status !== 'pass' ? [`      fix: ${result.fix}`] : []),
  ]);
  lines.push(
    report.failed.length === 0 ? 'Preflight passed.' : `Preflight failed: ${report.failed.join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
