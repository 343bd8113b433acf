/**
 * The Bedrock control-plane reads an operator's preflight makes (service `bedrock`, restJson1):
 * GetFoundationModel and GetInferenceProfile, answered from the dated model file in the model's
 * output shapes, so the preflight runs offline against the emulator exactly as against AWS.
 */
import {
  type BedrockModelFacts,
  bedrockModels,
  callableFrom,
  parseModelReference,
} from '../../../config/bedrock-models.ts';
import { EMULATOR_ACCOUNT_ID, signedRegion } from '../account.ts';
import { resourceNotFoundError } from '../errors.ts';
import { awsJsonResponse, type EmulatorRoute } from '../router.ts';
import { END_OF_LIFE_MESSAGE, modelLifecycle } from './model-lifecycle.ts';

/** The account an ARN names; otherwise the one account the emulator answers as (AWS: the caller's). */
const accountOf = (identifier: string): string =>
  /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(identifier)?.[1] ?? EMULATOR_ACCOUNT_ID;

/** `BrandedName` is capped at 20 characters by the model (AWS's own longer names exceed it). */
const BRANDED_NAME_MAX = 20;

export interface ControlPlaneOptions {
  /** The day model lifecycles are judged on. @default the current time */
  readonly now?: () => Date;
}

export function controlPlaneRoutes(options: ControlPlaneOptions = {}): EmulatorRoute[] {
  const now = options.now ?? (() => new Date());
  return [
    {
      operation: 'GetFoundationModel',
      method: 'GET',
      path: '/foundation-models/{modelIdentifier}',
      handler: ({ params, request }) => {
        const identifier = params.modelIdentifier ?? '';
        const region = signedRegion(request.headers);
        const { facts, status } = servedModel(identifier, now(), region);
        return awsJsonResponse({ modelDetails: foundationModelDetails(facts, status, region) });
      },
    },
    {
      operation: 'GetInferenceProfile',
      method: 'GET',
      path: '/inference-profiles/{inferenceProfileIdentifier}',
      handler: ({ params, request }) => {
        const identifier = params.inferenceProfileIdentifier ?? '';
        const region = signedRegion(request.headers);
        const reference = parseModelReference(identifier);
        const profileId = reference.profileId;
        const facts =
          profileId === undefined
            ? undefined
            : bedrockModels.models.find((model) => model.inferenceProfiles.includes(profileId));
        // A geographic profile exists only in its own geography's regions.
        if (facts === undefined || profileId === undefined || !callableFrom(reference, region)) {
          // AWS does not document this message; the exception is the one the model lists.
          throw resourceNotFoundError(`Inference profile ${identifier} does not exist.`);
        }
        servedModel(facts.modelId, now(), reference.region ?? region);
        return awsJsonResponse({
          inferenceProfileName: `${profileId.split('.')[0]?.toUpperCase()} ${facts.name}`.slice(0, 64),
          inferenceProfileArn: `arn:aws:bedrock:${region}:${accountOf(identifier)}:inference-profile/${profileId}`,
          inferenceProfileId: profileId,
          // The profile routes to the model in several regions; the file records only the geography.
          models: [{ modelArn: foundationModelArn(region, facts.modelId) }],
          status: 'ACTIVE',
          type: 'SYSTEM_DEFINED',
        });
      },
    },
  ];
}

/** A listed model that still answers; the end-of-life error or not-found otherwise. */
function servedModel(
  identifier: string,
  now: Date,
  region: string,
): { facts: BedrockModelFacts; status: 'ACTIVE' | 'LEGACY' } {
  const lifecycle = modelLifecycle(identifier, now, region);
  if (lifecycle === undefined) {
    // AWS does not document this message; the exception is the one the model lists.
    throw resourceNotFoundError(`Foundation model ${identifier} is not in the emulator's model file.`);
  }
  // The model's lifecycle enum has no EOL: a model past its end of life is gone, not listed as such.
  if (lifecycle.status === 'EOL') throw resourceNotFoundError(END_OF_LIFE_MESSAGE);
  return { facts: lifecycle.facts, status: lifecycle.status };
}

function foundationModelDetails(facts: BedrockModelFacts, status: 'ACTIVE' | 'LEGACY', region: string) {
  const day = (iso: string) => `${iso}T00:00:00Z`;
  return {
    modelArn: foundationModelArn(region, facts.modelId),
    modelId: facts.modelId,
    modelName: brandedName(facts.name, facts.provider),
    providerName: facts.provider.slice(0, BRANDED_NAME_MAX),
    modelLifecycle: {
      status,
      ...(facts.legacyDate === undefined ? {} : { legacyTime: day(facts.legacyDate) }),
      ...(facts.endOfLifeDate === undefined ? {} : { endOfLifeTime: day(facts.endOfLifeDate) }),
    },
  };
}

/** AWS names models without their provider ("Nova Lite", provider "Amazon"). */
function brandedName(name: string, provider: string): string {
  const bare = name.startsWith(`${provider} `) ? name.slice(provider.length + 1) : name;
  return bare.slice(0, BRANDED_NAME_MAX);
}

const foundationModelArn = (region: string, modelId: string) =>
  `arn:aws:bedrock:${region}::foundation-model/${modelId}`;
