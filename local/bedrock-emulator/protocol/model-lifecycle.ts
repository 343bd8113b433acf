/**
 * What the dated model file (`config/bedrock-models.json`) says about a model a request names, so
 * the emulator refuses what AWS would (a model past its end of life, one that does not generate
 * knowledge-base answers), and serves the control-plane reads from the same facts. A model the file
 * does not list is accepted: the file records what Lantern relies on, not every model AWS has.
 */
import {
  type BedrockModelFacts,
  callableFrom,
  lifecycleOn,
  lookupModel,
  parseModelReference,
} from '../../../config/bedrock-models.ts';
import { resourceNotFoundError, validationError } from '../errors.ts';

/**
 * AWS's answer to a model past its end of life, as reported from live calls to InvokeModel and
 * Converse (aws-samples/amazon-bedrock-ai-karaoke#21, 2024; aws-solutions-library-samples/
 * accelerated-intelligent-document-processing-on-aws#708, 2026): ResourceNotFoundException,
 * "This model version has reached the end of its life. Please refer to the AWS documentation for
 * more details." Knowledge-base generation invokes the model the same way, so it is used there too.
 */
export const END_OF_LIFE_MESSAGE =
  'This model version has reached the end of its life. Please refer to the AWS documentation for more details.';

export interface LifecycleLookup {
  readonly facts: BedrockModelFacts;
  readonly status: 'ACTIVE' | 'LEGACY' | 'EOL';
}

/** The file's facts and the model's status on `now` in `region`, or undefined for an unlisted model. */
export function modelLifecycle(idOrArn: string, now: Date, region: string): LifecycleLookup | undefined {
  const facts = lookupModel(idOrArn);
  if (facts === undefined) return undefined;
  const arnRegion = parseModelReference(idOrArn).region;
  return { facts, status: lifecycleOn(facts, now, arnRegion ?? region) };
}

/**
 * AWS's answer to RetrieveAndGenerate naming a model knowledge bases do not generate with, as
 * reported from a live call (build-on-aws/gen-ai-workshop#3, 2024: ValidationException).
 */
export const UNSUPPORTED_GENERATION_MODEL_MESSAGE =
  'The model arn provided is not supported. Please check your configuration and retry the request.';

/**
 * AWS's answer to a model reference that names nothing in the caller's region, such as a `us.`
 * inference profile called from Europe, as reported from live Converse calls
 * (opensearch-project/agent-health#298, 2026: ValidationException). Knowledge-base generation invokes
 * the model the same way.
 */
const INVALID_MODEL_IDENTIFIER_MESSAGE = 'The provided model identifier is invalid.';

/**
 * Throws what AWS answers when a knowledge base is asked to generate with a profile of another
 * geography, a model past its end of life, or one the file says knowledge bases do not generate
 * with (an embedding model, say).
 */
export function assertGenerationModel(idOrArn: string, now: Date, region: string): void {
  const reference = parseModelReference(idOrArn);
  if (!callableFrom(reference, region) || !callableFrom(reference, reference.region ?? region))
    throw validationError(INVALID_MODEL_IDENTIFIER_MESSAGE);
  const lifecycle = modelLifecycle(idOrArn, now, region);
  if (lifecycle?.status === 'EOL') throw resourceNotFoundError(END_OF_LIFE_MESSAGE);
  if (lifecycle?.facts.knowledgeBaseGeneration === false)
    throw validationError(UNSUPPORTED_GENERATION_MODEL_MESSAGE);
}
