/**
 * `npm run kb:upload`: uploads a folder of documents, each with its Bedrock metadata file, to the
 * documents bucket (or a local folder for `npm start -- --docs`). Exits 1 when the upload fails,
 * 2 on a usage error; skipped files are reported, not failures.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { AnswerSettingsError, readAnswerSettings } from '../../config/answer-settings.ts';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { HelpRequested, parseOptions, type UploadOptions, USAGE, UsageError } from './options.ts';
import { normalisePrefix } from './plan.ts';
import { runUpload } from './run.ts';
import { documentsBucketOf, StackOutputError } from './stack-bucket.ts';
import { formatSummary } from './summary.ts';
import { folderTarget, s3Target, TargetError, type UploadTarget } from './targets.ts';

/** A local endpoint checks no signature; a fixed key spares the operator credentials there. */
const LOCAL_CREDENTIALS = { accessKeyId: 'lantern-local', secretAccessKey: 'lantern-local' };

function clientConfig(region: string, endpoint: string | undefined) {
  const base = { region, maxAttempts: 3 };
  return endpoint ? { ...base, endpoint, credentials: LOCAL_CREDENTIALS, forcePathStyle: true } : base;
}

async function targetOf(options: UploadOptions): Promise<UploadTarget> {
  const { destination } = options;
  if (destination.kind === 'folder') return folderTarget(destination.folder);
  const region = options.region as string;
  const bucket =
    destination.kind === 'bucket'
      ? destination.bucket
      : await documentsBucketOf(
          new CloudFormationClient(clientConfig(region, options.endpoints.cloudFormation)),
          destination.stackName,
        );
  return s3Target(
    new S3Client(clientConfig(region, options.endpoints.s3)),
    bucket,
    normalisePrefix(options.prefix),
  );
}

async function main(): Promise<number> {
  let options: UploadOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(`${error.message}\n`);
      return 0;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  try {
    const declared = options.settingsFile
      ? readAnswerSettings(options.settingsFile, { defaultModel: knowledgeBaseSettings.generationModelId })
          .attributes
      : [];
    const target = await targetOf(options);
    const plan = await runUpload(
      {
        source: options.source,
        prefix: options.prefix,
        declared,
        url: { ...(options.urlTemplate ? { template: options.urlTemplate } : {}), keys: options.urlKeys },
        dryRun: options.dryRun,
        deleteMissing: options.deleteMissing,
      },
      target,
    );
    process.stdout.write(formatSummary(plan, target.description, options.dryRun));
    return 0;
  } catch (error) {
    if (error instanceof AnswerSettingsError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    // S3 and CloudFormation errors carry a readable message (AccessDenied, NoSuchBucket, …).
    const known = error instanceof StackOutputError || error instanceof TargetError || isServiceError(error);
    process.stderr.write(`kb:upload failed: ${known ? (error as Error).message : String(error)}\n`);
    return 1;
  }
}

function isServiceError(error: unknown): boolean {
  return error instanceof Error && '$metadata' in error;
}

process.exitCode = await main();
