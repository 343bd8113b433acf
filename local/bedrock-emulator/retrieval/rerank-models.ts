/**
 * The rerank models Bedrock offers and where (the user guide's rerank-supported.html, read
 * 2026-12-07: "The Amazon Rerank 1.0 model is not supported in the US East (N. Virginia) AWS
 * Region"). A request naming another model, or one of these outside its regions, is refused the
 * way Bedrock refuses a model it does not serve there.
 *
 * Kept here until `config/bedrock-models.json` (the dated model file the CDK app and preflight
 * read) lists rerank models with their regions; then this table should read from it.
 */
import { validationError } from '../errors.ts';

export const RERANK_MODELS_SOURCE =
  'https://docs.aws.amazon.com/bedrock/latest/userguide/rerank-supported.html';

export const RERANK_MODEL_REGIONS: Readonly<Record<string, readonly string[]>> = {
  'amazon.rerank-v1:0': ['ap-northeast-1', 'ca-central-1', 'eu-central-1', 'us-west-2'],
  'cohere.rerank-v3-5:0': ['ap-northeast-1', 'ca-central-1', 'eu-central-1', 'us-east-1', 'us-west-2'],
};

/** Bedrock's answer for a model identifier it does not serve in the region. */
export const INVALID_MODEL_MESSAGE = 'The provided model identifier is invalid.';

const FOUNDATION_MODEL_ARN = /^arn:aws(?:-[^:]+)?:bedrock:([a-z0-9-]+)::foundation-model\/(.+)$/;

/**
 * The rerank model a request names (a foundation-model ARN; `Rerank` also takes a bare id), when
 * Bedrock offers it for reranking in `region` (where the request was signed). Throws otherwise,
 * also for an ARN of another region: a regional endpoint serves its own region's models.
 */
export function assertRerankModel(modelArn: string, region: string): string {
  const arn = FOUNDATION_MODEL_ARN.exec(modelArn);
  const modelId = arn?.[2] ?? modelArn;
  const arnRegion = arn?.[1];
  const regions = RERANK_MODEL_REGIONS[modelId];
  const served = regions?.includes(region) && (arnRegion === undefined || arnRegion === region);
  if (!served) throw validationError(INVALID_MODEL_MESSAGE);
  return modelId;
}
