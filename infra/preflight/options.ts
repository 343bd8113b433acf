import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AnswerSettingsError, readAnswerSettings } from '../../config/answer-settings.ts';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { rerankModels } from '../lib/answer-profiles.ts';
import { checkModel } from '../lib/model-check.ts';
import { CHECK_IDS, type CheckId } from './check.ts';
import type { PreflightEndpoints } from './clients.ts';

export interface PreflightOptions {
  readonly region: string;
  readonly model: string;
  readonly embeddingModel: string;
  /** Rerank model ids: the profiles file's and `--rerank-model`'s. */
  readonly rerankModels: readonly string[];
  readonly toolkitStackName: string;
  readonly endpoints: PreflightEndpoints;
  readonly skip: ReadonlySet<CheckId>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `npm run preflight -- [--region REGION] [--model ID|ARN] [--embedding-model ID]
                        [--profiles FILE] [--rerank-model ID[,ID]]
                        [--endpoint URL] [--agent-endpoint URL] [--s3vectors-endpoint URL]
                        [--cloudformation-endpoint URL] [--toolkit-stack-name NAME]
                        [--skip ${CHECK_IDS.join(',')}] [--help]

Read-only checks of the account and region before \`cdk deploy\`. The region comes from --region,
AWS_REGION or AWS_DEFAULT_REGION; credentials from the usual AWS chain. --endpoint (or
LANTERN_PREFLIGHT_ENDPOINT) points the Bedrock control-plane reads at the local emulator.
--profiles takes the answer settings file \`cdk synth -c profiles=FILE\` deploys: its rerank models
are checked in the region (so is --rerank-model).`;

export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
}

const OPTIONS = {
  region: { type: 'string' },
  model: { type: 'string' },
  'embedding-model': { type: 'string' },
  profiles: { type: 'string' },
  'rerank-model': { type: 'string' },
  endpoint: { type: 'string' },
  'agent-endpoint': { type: 'string' },
  's3vectors-endpoint': { type: 'string' },
  'cloudformation-endpoint': { type: 'string' },
  'toolkit-stack-name': { type: 'string' },
  skip: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** Parses the command line (and the two environment variables it may read). */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): PreflightOptions {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true }>
  >['values'];
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (parsed.help) throw new HelpRequested(USAGE);
  const values = new Map(
    Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const region = values.get('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError(`No region: pass --region or set AWS_REGION\n\n${USAGE}`);
  const skip = new Set<CheckId>();
  for (const id of (values.get('skip') ?? '').split(',').filter(Boolean)) {
    if (!(CHECK_IDS as readonly string[]).includes(id)) {
      throw new UsageError(`--skip takes ${CHECK_IDS.join(', ')}; got ${id}`);
    }
    skip.add(id as CheckId);
  }
  const endpoint = values.get('endpoint') ?? env.LANTERN_PREFLIGHT_ENDPOINT;
  const model = values.get('model') ?? defaultModel(region);
  const profiles = values.get('profiles');
  const fromFile = profiles ? profilesRerankModels(profiles, model) : [];
  const fromOption = (values.get('rerank-model') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  return {
    region,
    model,
    embeddingModel: values.get('embedding-model') ?? knowledgeBaseSettings.embedding.modelId,
    rerankModels: [...new Set([...fromFile, ...fromOption])],
    toolkitStackName: values.get('toolkit-stack-name') ?? 'CDKToolkit',
    endpoints: {
      ...(endpoint ? { bedrock: endpoint } : {}),
      ...optional('bedrockAgent', values.get('agent-endpoint')),
      ...optional('s3Vectors', values.get('s3vectors-endpoint')),
      ...optional('cloudFormation', values.get('cloudformation-endpoint')),
    },
    skip,
  };
}

/** The rerank models of a settings file, which must be one `cdk synth` would accept. */
function profilesRerankModels(file: string, model: string): string[] {
  const path = isAbsolute(file) ? file : resolve(process.cwd(), file);
  try {
    return rerankModels(readAnswerSettings(path, { defaultModel: model }));
  } catch (error) {
    if (error instanceof AnswerSettingsError) throw new UsageError(`--profiles: ${error.message}`);
    throw error;
  }
}

function optional<K extends keyof PreflightEndpoints>(key: K, value: string | undefined) {
  return value ? ({ [key]: value } as Pick<PreflightEndpoints, K>) : {};
}

/** The model `cdk synth` would deploy in this region without `-c model=`. */
function defaultModel(region: string): string {
  try {
    return checkModel({
      reference: knowledgeBaseSettings.generationModelId,
      contextKey: 'model',
      role: 'generation',
      isDefault: true,
      region,
      today: new Date(),
    }).reference;
  } catch {
    return knowledgeBaseSettings.generationModelId;
  }
}
