import type { UploadPlan } from './plan.ts';

/** One line per change and skip, then the counts: what a dry run shows and a real run reports. */
export function formatSummary(plan: UploadPlan, target: string, dryRun: boolean): string {
  const lines = [`kb:upload to ${target}${dryRun ? ' (dry run: nothing is changed)' : ''}`];
  const verb = (present: string, past: string) => (dryRun ? present : past);
  for (const put of plan.puts) {
    const action = put.change === 'new' ? verb('upload', 'uploaded') : verb('replace', 'replaced');
    lines.push(`  ${action.padEnd(9)} ${put.key}`);
  }
  for (const deleted of plan.deletes) lines.push(`  ${verb('delete', 'deleted').padEnd(9)} ${deleted.key}`);
  for (const skip of plan.skipped)
    lines.push(`  ${'skipped'.padEnd(9)} ${skip.relativePath}: ${skip.reason}`);
  const documents = plan.puts.filter((put) => put.kind === 'document');
  const metadata = plan.puts.length - documents.length;
  const fresh = documents.filter((put) => put.change === 'new').length;
  lines.push(
    `${dryRun ? 'Would upload' : 'Uploaded'} ${documents.length} document(s) (${fresh} new, ${documents.length - fresh} replaced) and ${metadata} metadata file(s); ` +
      `${plan.unchanged.length} unchanged; ${dryRun ? 'would delete' : 'deleted'} ${plan.deletes.length} object(s); skipped ${plan.skipped.length}.`,
  );
  return `${lines.join('\n')}\n`;
}
