/**
 * `npm run preflight`: read-only checks of an AWS account and region before `cdk deploy`, each
 * printed as a pass/fail line with its fix. Exits 1 when a check fails, 2 on a usage error.
 */
import type { PreflightContext } from './check.ts';
import { preflightClients } from './clients.ts';
import { HelpRequested, parseOptions, UsageError } from './options.ts';
import { formatReport, runPreflight } from './run.ts';

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(`${error.message}\n`);
      return 0;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const context: PreflightContext = {
    region: options.region,
    model: options.model,
    embeddingModel: options.embeddingModel,
    rerankModels: options.rerankModels,
    toolkitStackName: options.toolkitStackName,
    today: new Date(),
    ...preflightClients(options.region, options.endpoints),
  };
  process.stdout.write(`Lantern preflight: ${options.region}, model ${options.model}\n`);
  const report = await runPreflight(context, options.skip);
  process.stdout.write(formatReport(report));
  return report.failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
