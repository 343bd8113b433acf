/**
 * Which rerank models Bedrock serves where comes from `config/rerank-models.ts` (AWS's
 * rerank-supported page): a request naming another model, or one of these outside its regions, is
 * refused the way Bedrock refuses a model it does not serve there.
 */
import { rerankModel } from '../../../config/rerank-models.ts';
import { validationError } from '../errors.ts';

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
  const regions = rerankModel(modelId)?.regions;
  const served = regions?.includes(region) && (arnRegion === undefined || arnRegion === region);
  if (!served) throw validationError(INVALID_MODEL_MESSAGE);
  return modelId;
}
