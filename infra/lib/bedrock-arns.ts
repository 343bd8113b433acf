import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * ARN of an on-demand foundation model in the scope's own region, e.g.
 * `arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0`.
 * Foundation-model ARNs carry no account id.
 */
export function foundationModelArn(scope: IConstruct, modelId: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:bedrock:${stack.region}::foundation-model/${modelId}`;
}

/** The kinds of model reference `RetrieveAndGenerate` accepts as `modelArn`. */
export type GenerationModelKind =
  | 'foundation-model'
  | 'inference-profile'
  | 'application-inference-profile'
  | 'provisioned-model';

/** A generation model as the app deploys it: what the functions call and what they must be allowed. */
export interface GenerationModel {
  readonly kind: GenerationModelKind;
  /** The ARN handed to `RetrieveAndGenerate` (`MODEL_ARN`). */
  readonly modelArn: string;
  /**
   * Foundation models an inference profile routes to, in every region (`arn:…:bedrock:*::foundation-model/…`),
   * to be granted only through that profile (`bedrock:InferenceProfileArn` condition). Empty for other kinds.
   */
  readonly routedFoundationModelArns: readonly string[];
}

/**
 * Geography prefixes of system-defined (cross-region) inference profile ids, as in
 * `us.anthropic.claude-3-5-haiku-20241022-v1:0` or `global.anthropic.claude-sonnet-4-20250514-v1:0`.
 */
const PROFILE_PREFIX = /^(us|eu|apac|jp|au|ca|us-gov|global)\.(.+)$/;
const BEDROCK_ARN = /^arn:(aws[a-z-]*):bedrock:([a-z0-9-]+):(\d{12})?:([a-z-]+)\/(.+)$/;

/**
 * Turns the `model` setting into the ARN the functions call and the resources they need:
 *
 * - a foundation-model id (`anthropic.claude-3-5-haiku-20241022-v1:0`): that model, on demand, in the stack's region;
 * - a system inference profile id (`us.anthropic.…`): the profile in this account and region, plus the
 *   foundation model it routes to in every region;
 * - an ARN of a foundation model, inference profile, application inference profile or provisioned
 *   model: used as given. An application inference profile's model is not in its ARN, so any
 *   foundation model is allowed, but only through that profile.
 */
export function resolveGenerationModel(scope: IConstruct, reference: string): GenerationModel {
  const stack = Stack.of(scope);
  const arn = BEDROCK_ARN.exec(reference);
  if (arn) {
    const [, partition, , , kind, resource] = arn as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    switch (kind) {
      case 'foundation-model':
      case 'provisioned-model':
        return { kind, modelArn: reference, routedFoundationModelArns: [] };
      case 'inference-profile':
        return {
          kind,
          modelArn: reference,
          routedFoundationModelArns: [anyRegionModelArn(partition, profileModelId(resource))],
        };
      case 'application-inference-profile':
        return { kind, modelArn: reference, routedFoundationModelArns: [anyRegionModelArn(partition, '*')] };
      default:
        throw new Error(`Unsupported Bedrock model ARN (resource type "${kind}"): ${reference}`);
    }
  }
  if (PROFILE_PREFIX.test(reference)) {
    return {
      kind: 'inference-profile',
      modelArn: `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:inference-profile/${reference}`,
      routedFoundationModelArns: [anyRegionModelArn(stack.partition, profileModelId(reference))],
    };
  }
  return {
    kind: 'foundation-model',
    modelArn: foundationModelArn(scope, reference),
    routedFoundationModelArns: [],
  };
}

function profileModelId(profileId: string): string {
  const match = PROFILE_PREFIX.exec(profileId);
  if (!match) throw new Error(`Not a system inference profile id: ${profileId}`);
  return match[2] as string;
}

function anyRegionModelArn(partition: string, modelId: string): string {
  return `arn:${partition}:bedrock:*::foundation-model/${modelId}`;
}
