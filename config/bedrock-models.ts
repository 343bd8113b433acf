/**
 * What AWS said about each Bedrock model Lantern names, on the date the file was checked: lifecycle
 * status, end-of-life date, inference profiles, first-use and Marketplace steps. Read by the CDK app
 * (synth fails for a model past its end of life), the Bedrock emulator (refuses what AWS would) and
 * `npm run preflight`. The facts live in `bedrock-models.json`, each with the page it came from; a
 * model missing there is unknown, never assumed fine.
 */
import data from './bedrock-models.json' with { type: 'json' };

/** `modelLifecycle.status` of `GetFoundationModel`, as AWS spells it. */
export type ModelLifecycle = 'ACTIVE' | 'LEGACY' | 'EOL';

export interface BedrockModelFacts {
  /** Foundation-model id, e.g. `amazon.nova-lite-v1:0`. */
  readonly modelId: string;
  readonly name: string;
  readonly provider: string;
  /** Status on `checkedOn`; use {@link lifecycleOn} for another day. */
  readonly lifecycle: ModelLifecycle;
  /** ISO date the model became Legacy, when AWS gives one. */
  readonly legacyDate?: string;
  /** ISO date from which requests fail (AWS: "on or shortly after"). */
  readonly endOfLifeDate?: string;
  /** Regions where AWS documents the model still answers after `endOfLifeDate`. */
  readonly availableAfterEndOfLifeIn?: readonly string[];
  /** System-defined inference profile ids AWS documents (`us.…`, `eu.…`, `apac.…`, `global.…`). */
  readonly inferenceProfiles: readonly string[];
  /** Regions AWS lists for on-demand use in the region, when recorded. */
  readonly regions?: readonly string[];
  /** Whether AWS lists it for knowledge-base response generation; absent when not checked. */
  readonly knowledgeBaseGeneration?: boolean;
  /** Anthropic models: the account must submit the use-case form once before the first call. */
  readonly firstUseForm: boolean;
  /** Third-party serverless model sold through AWS Marketplace (subscribed on first invocation). */
  readonly marketplace: boolean;
  /** The AWS page the facts come from. */
  readonly source: string;
  readonly note?: string;
}

export interface BedrockModelFile {
  /** ISO date the facts were read. */
  readonly checkedOn: string;
  readonly sources: readonly string[];
  readonly models: readonly BedrockModelFacts[];
}

export const bedrockModels: BedrockModelFile = data as BedrockModelFile;

/** Geography prefixes of system-defined inference profiles. */
export const PROFILE_GEOGRAPHIES = ['us', 'eu', 'apac', 'jp', 'au', 'ca', 'us-gov', 'global'] as const;
export type ProfileGeography = (typeof PROFILE_GEOGRAPHIES)[number];

const PROFILE_ID = /^(us-gov|us|eu|apac|jp|au|ca|global)\.(.+)$/;
const BEDROCK_ARN = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]*):(\d{12})?:([a-z-]+)\/(.+)$/;

/** A model reference taken apart: what the setting, an ARN or a request names. */
export interface ModelReference {
  readonly kind:
    | 'foundation-model'
    | 'inference-profile'
    | 'application-inference-profile'
    | 'provisioned-model'
    | 'other';
  /** The foundation-model id behind it; undefined when the reference does not say (application profiles, provisioned models). */
  readonly modelId?: string;
  /** The system inference profile id, for `inference-profile` references. */
  readonly profileId?: string;
  readonly geography?: ProfileGeography;
  /** The region in an ARN, if any. */
  readonly region?: string;
}

/** Parses a bare model id, a system inference profile id, or a Bedrock model / profile ARN. */
export function parseModelReference(idOrArn: string): ModelReference {
  const arn = BEDROCK_ARN.exec(idOrArn);
  if (arn) {
    const [, region, , resourceType, resource] = arn as unknown as [string, string, string, string, string];
    const where = region ? { region } : {};
    switch (resourceType) {
      case 'foundation-model':
        return { kind: 'foundation-model', modelId: resource, ...where };
      case 'inference-profile':
        return { ...profile(resource), ...where };
      case 'application-inference-profile':
      case 'provisioned-model':
        return { kind: resourceType, ...where };
      default:
        return { kind: 'other', ...where };
    }
  }
  return PROFILE_ID.test(idOrArn) ? profile(idOrArn) : { kind: 'foundation-model', modelId: idOrArn };
}

function profile(profileId: string): ModelReference {
  const match = PROFILE_ID.exec(profileId);
  if (!match) return { kind: 'inference-profile', profileId };
  return {
    kind: 'inference-profile',
    profileId,
    geography: match[1] as ProfileGeography,
    modelId: match[2] as string,
  };
}

/** The inference-profile geography a region's callers use, where it is unambiguous. */
export function regionGeography(region: string): ProfileGeography | undefined {
  if (region.startsWith('us-gov-')) return 'us-gov';
  if (region.startsWith('us-')) return 'us';
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  return undefined;
}

/** Profile geographies judged against the caller's region (jp, au, ca and global are not). */
const CHECKED_GEOGRAPHIES: readonly ProfileGeography[] = ['us', 'eu', 'apac', 'us-gov'];

/**
 * False for a geographic inference profile callers in `region` cannot use: AWS offers a `us.`
 * profile only in US regions, an `eu.` one only in Europe, and so on.
 */
export function callableFrom(reference: ModelReference, region: string): boolean {
  const { geography } = reference;
  if (reference.kind !== 'inference-profile' || !geography || !CHECKED_GEOGRAPHIES.includes(geography))
    return true;
  return geography === regionGeography(region);
}

/**
 * The facts about the model a reference names: a bare id (`amazon.nova-lite-v1:0`), an inference
 * profile id (`us.`/`eu.`/`global.`…), or a foundation-model / inference-profile ARN. Undefined when
 * the file has no facts for it or the reference does not name a foundation model.
 */
export function lookupModel(
  idOrArn: string,
  file: BedrockModelFile = bedrockModels,
): BedrockModelFacts | undefined {
  const { modelId } = parseModelReference(idOrArn);
  return modelId === undefined ? undefined : file.models.find((model) => model.modelId === modelId);
}

/**
 * The model's status on `date` (a `Date` or an ISO day) in `region`: EOL from its end-of-life day
 * on, unless AWS documents the region as still serving it; otherwise the status the file records,
 * LEGACY at least once a Legacy date has passed.
 */
export function lifecycleOn(model: BedrockModelFacts, date: Date | string, region?: string): ModelLifecycle {
  const day = typeof date === 'string' ? date.slice(0, 10) : date.toISOString().slice(0, 10);
  const stillServed = region !== undefined && (model.availableAfterEndOfLifeIn ?? []).includes(region);
  if (model.endOfLifeDate !== undefined) {
    if (day >= model.endOfLifeDate) return stillServed ? 'LEGACY' : 'EOL';
    // Before its end-of-life day a model recorded as EOL was Legacy (AWS dates EOL only for Legacy models).
    if (model.lifecycle === 'EOL') return 'LEGACY';
  } else if (model.lifecycle === 'EOL') {
    return stillServed ? 'LEGACY' : 'EOL';
  }
  if (model.legacyDate !== undefined && day >= model.legacyDate) return 'LEGACY';
  return model.lifecycle;
}
