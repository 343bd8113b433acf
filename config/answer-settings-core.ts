/**
 * The grammar and reader of the answer settings file, without the dated model facts: what the chat
 * functions bundle to read a file that synth and `npm start` already checked in full
 * (`config/answer-settings.ts` adds the model facts and is what everything else imports).
 *
 * Answer settings: the attributes a deployment lets requests filter on, the deployment's default
 * answer profile and one profile per tenant (API key). One JSON file, read by the CDK app (usage
 * plans, IAM, the file bundled next to the chat functions), by `npm start -- --profiles FILE` and by
 * the chat functions at cold start. Everything here is pure apart from {@link readAnswerSettingsWith},
 * and hand-written rather than a zod schema so the chat bundles stay small and every message can
 * name the JSON path of the problem.
 *
 * The filter grammar is Bedrock's `RetrievalFilter`
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent-runtime_RetrievalFilter.html):
 * one operator per object; `andAll`/`orAll` take at least two filters (the service model's
 * `RetrievalFilterList` minimum) and at most five (the API reference's maximum), and the user guide
 * allows one level of embedding: a group may hold groups, but those hold only conditions.
 */
import { readFileSync } from 'node:fs';
import { knowledgeBaseSettings } from './knowledge-base.ts';
import { RERANK_MODEL_IDS, rerankModel } from './rerank-models.ts';

export type AttributeType = 'string' | 'number' | 'boolean' | 'stringList';

export interface FilterableAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface FilterAttribute {
  readonly key: string;
  readonly value: string | number | boolean | readonly string[] | readonly number[];
}

/** Bedrock's RetrievalFilter grammar (one operator per object). */
export type RetrievalFilter =
  | { readonly equals: FilterAttribute }
  | { readonly notEquals: FilterAttribute }
  | { readonly greaterThan: FilterAttribute }
  | { readonly greaterThanOrEquals: FilterAttribute }
  | { readonly lessThan: FilterAttribute }
  | { readonly lessThanOrEquals: FilterAttribute }
  | { readonly in: FilterAttribute }
  | { readonly notIn: FilterAttribute }
  | { readonly startsWith: FilterAttribute }
  | { readonly listContains: FilterAttribute }
  | { readonly stringContains: FilterAttribute }
  | { readonly andAll: readonly RetrievalFilter[] }
  | { readonly orAll: readonly RetrievalFilter[] };

export type ConditionOperator =
  | 'equals'
  | 'notEquals'
  | 'greaterThan'
  | 'greaterThanOrEquals'
  | 'lessThan'
  | 'lessThanOrEquals'
  | 'in'
  | 'notIn'
  | 'startsWith'
  | 'listContains'
  | 'stringContains';
export type LogicalOperator = 'andAll' | 'orAll';
export type FilterOperator = ConditionOperator | LogicalOperator;

export interface InferenceSettings {
  readonly temperature?: number;
  readonly topP?: number;
  readonly maxTokens?: number;
  readonly stopSequences?: readonly string[];
}

export interface RerankingSettings {
  readonly modelId: string;
  readonly numberOfRerankedResults?: number;
}

export interface UsagePlanTier {
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly monthlyQuota?: number;
}

export interface AnswerProfile {
  /** `default` for the deployment's defaults. */
  readonly name: string;
  /** Always ANDed with the request's filter. */
  readonly filter?: RetrievalFilter;
  /** Allow-list of Bedrock model ids; `models[0]` is used when a request names none. */
  readonly models: readonly string[];
  /** 1..100 */
  readonly numberOfResults: number;
  readonly reranking?: RerankingSettings;
  readonly queryDecomposition: boolean;
  /** Contains `$search_results$` and `$output_format_instructions$`, at most 4,000 characters. */
  readonly generationPrompt?: string;
  /** Contains `$conversation_history$` and `$output_format_instructions$`, at most 4,000 characters. */
  readonly orchestrationPrompt?: string;
  readonly inference?: InferenceSettings;
  /** Deployed per profile by the CDK app. */
  readonly usagePlan?: UsagePlanTier;
  /** Offline only: the x-api-key `npm start -- --profiles` accepts for this profile. */
  readonly localApiKey?: string;
}

export interface AnswerSettings {
  readonly attributes: readonly FilterableAttribute[];
  readonly defaults: AnswerProfile;
  readonly profiles: readonly AnswerProfile[];
}

/** A settings file that cannot be used; the message names the file and the JSON path. */
export class AnswerSettingsError extends Error {
  override readonly name = 'AnswerSettingsError';
  constructor(
    message: string,
    readonly source: string,
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Profile and request filters that cannot be ANDed within Bedrock's limits. */
export class FilterLimitError extends Error {
  override readonly name = 'FilterLimitError';
}

export const DEFAULT_PROFILE_NAME = 'default';
/** `RetrievalFilterList`: at least 2 members (service model), at most 5 (API reference). */
export const FILTER_LIST_MIN = 2;
export const FILTER_LIST_MAX = 5;
/** Levels of `andAll`/`orAll`: one group may embed others, which hold only conditions. */
export const FILTER_MAX_DEPTH = 2;
/** `FilterKey`: 1..100 characters. */
export const FILTER_KEY_MAX = 100;
/** `TextPromptTemplate`: at most 4,000 characters. */
export const PROMPT_TEMPLATE_MAX = 4000;
export const GENERATION_PLACEHOLDERS = ['$search_results$', '$output_format_instructions$'] as const;
export const ORCHESTRATION_PLACEHOLDERS = ['$conversation_history$', '$output_format_instructions$'] as const;
/** Metadata keys Bedrock writes itself: a document's own attributes may not use the prefix. */
export const RESERVED_ATTRIBUTE_PREFIX = 'x-amz-bedrock-kb-';

const CONDITION_OPERATORS: readonly ConditionOperator[] = [
  'equals',
  'notEquals',
  'greaterThan',
  'greaterThanOrEquals',
  'lessThan',
  'lessThanOrEquals',
  'in',
  'notIn',
  'startsWith',
  'listContains',
  'stringContains',
];
const LOGICAL_OPERATORS: readonly LogicalOperator[] = ['andAll', 'orAll'];
const ATTRIBUTE_TYPES: readonly AttributeType[] = ['string', 'number', 'boolean', 'stringList'];

/** Which attribute types each condition applies to (AWS's metadata-filtering table). */
const OPERATOR_TYPES: Readonly<Record<ConditionOperator, readonly AttributeType[]>> = {
  equals: ['string', 'number', 'boolean'],
  notEquals: ['string', 'number', 'boolean'],
  greaterThan: ['number'],
  greaterThanOrEquals: ['number'],
  lessThan: ['number'],
  lessThanOrEquals: ['number'],
  in: ['string', 'number'],
  notIn: ['string', 'number'],
  startsWith: ['string'],
  listContains: ['stringList'],
  stringContains: ['string', 'stringList'],
};

/** Where the knowledge base keeps its vectors (`-c vectorStore`): what its filters can hold differs. */
export const VECTOR_STORES = ['s3-vectors', 'opensearch-serverless'] as const;
export type VectorStore = (typeof VECTOR_STORES)[number];

/**
 * Conditions a vector store cannot evaluate. Bedrock documents `startsWith` for OpenSearch
 * Serverless only (RetrievalFilter in its API model), and S3 Vectors filters by equality, ranges,
 * lists and existence, with no prefix or substring match (S3 Vectors "Metadata filtering").
 */
const UNSUPPORTED_CONDITIONS: Readonly<Record<VectorStore, readonly ConditionOperator[]>> = {
  's3-vectors': ['startsWith', 'stringContains'],
  'opensearch-serverless': [],
};

/** A filter condition the vector store cannot evaluate: where it is, and why. */
export interface UnsupportedCondition {
  readonly path: string;
  readonly message: string;
}

/** The first condition of a checked filter that the knowledge base's vector store cannot evaluate. */
export function unsupportedCondition(
  filter: RetrievalFilter,
  store: VectorStore,
  path = 'filter',
): UnsupportedCondition | undefined {
  const [operator, operand] = Object.entries(filter)[0] ?? [];
  if (operator === 'andAll' || operator === 'orAll') {
    return (operand as readonly RetrievalFilter[])
      .map((item, index) => unsupportedCondition(item, store, `${path}.${operator}[${index}]`))
      .find((found) => found !== undefined);
  }
  if (!UNSUPPORTED_CONDITIONS[store].includes(operator as ConditionOperator)) return undefined;
  const at = `${path}.${operator}`;
  return {
    path: at,
    message: `${at}: this knowledge base keeps its vectors in S3 Vectors, which filters by equality, ranges and lists, not by prefix or substring (use equals or in)`,
  };
}

/** The first profile filter with a condition the vector store cannot evaluate. */
export function unsupportedProfileCondition(
  settings: AnswerSettings,
  store: VectorStore,
): UnsupportedCondition | undefined {
  for (const profile of [settings.defaults, ...settings.profiles]) {
    const at = profile === settings.defaults ? 'defaults' : member('profiles', profile.name);
    const found = profile.filter && unsupportedCondition(profile.filter, store, `${at}.filter`);
    if (found) return found;
  }
  return undefined;
}

/** Letters, digits, `_`, `-` and `.`, starting with a letter or digit: safe as a metadata key everywhere. */
const ATTRIBUTE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const PROFILE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** API Gateway API key values are 20-128 characters. */
const API_KEY_VALUE = /^[A-Za-z0-9_-]{20,128}$/;

/** Thrown inside the walkers with a path relative to their root; callers add file and prefix. */
class Problem extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 60))}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function member(path: string, key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function onlyKeys(value: Record<string, Json>, allowed: readonly string[], path: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new Problem(path, `unknown member(s): ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
  }
}

function record(value: Json, path: string): Record<string, Json> {
  if (!isRecord(value)) throw new Problem(path, `must be an object, not ${describe(value)}`);
  return value;
}

function string(value: Json, path: string, min = 1, max = Number.POSITIVE_INFINITY): string {
  if (typeof value !== 'string') throw new Problem(path, `must be a string, not ${describe(value)}`);
  if (value.length < min) throw new Problem(path, 'must not be empty');
  if (value.length > max) throw new Problem(path, `must be at most ${max} characters (has ${value.length})`);
  return value;
}

function number(value: Json, path: string, min: number, max: number, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Problem(path, `must be a number, not ${describe(value)}`);
  }
  if (integer && !Number.isInteger(value)) throw new Problem(path, 'must be a whole number');
  if (value < min || value > max) throw new Problem(path, `must be from ${min} to ${max} (is ${value})`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Filters

function attributeNamed(attributes: readonly FilterableAttribute[], key: string, path: string) {
  const attribute = attributes.find((candidate) => candidate.name === key);
  if (!attribute) {
    const declared = attributes.map((candidate) => candidate.name);
    throw new Problem(
      path,
      `${JSON.stringify(key)} is not a declared filterable attribute (declared: ${declared.length > 0 ? declared.join(', ') : 'none'})`,
    );
  }
  return attribute;
}

function scalarOfType(value: Json, type: AttributeType, path: string): string | number | boolean {
  const expected = type === 'stringList' ? 'string' : type;
  if (typeof value !== expected || (typeof value === 'number' && !Number.isFinite(value))) {
    throw new Problem(path, `must be a ${expected}, not ${describe(value)}`);
  }
  return value as string | number | boolean;
}

function condition(
  operator: ConditionOperator,
  body: Json,
  attributes: readonly FilterableAttribute[],
  path: string,
): RetrievalFilter {
  const attribute = record(body, path);
  onlyKeys(attribute, ['key', 'value'], path);
  if (!('key' in attribute)) throw new Problem(path, 'needs a key (the attribute name)');
  if (!('value' in attribute)) throw new Problem(path, 'needs a value');
  const key = string(attribute.key, `${path}.key`, 1, FILTER_KEY_MAX);
  const declared = attributeNamed(attributes, key, `${path}.key`);
  const allowed = OPERATOR_TYPES[operator];
  if (!allowed.includes(declared.type)) {
    throw new Problem(
      path,
      `${operator} does not apply to ${key}, a ${declared.type} attribute (${operator} takes ${allowed.join(' or ')} attributes)`,
    );
  }
  const valuePath = `${path}.value`;
  let value: FilterAttribute['value'];
  if (operator === 'in' || operator === 'notIn') {
    if (!Array.isArray(attribute.value) || attribute.value.length === 0) {
      throw new Problem(
        valuePath,
        `must be a non-empty list of ${declared.type}s, not ${describe(attribute.value)}`,
      );
    }
    value = attribute.value.map((item, index) =>
      scalarOfType(item, declared.type, `${valuePath}[${index}]`),
    ) as string[] | number[];
  } else {
    // listContains/stringContains on a list attribute compare one string with its members.
    value = scalarOfType(attribute.value, declared.type, valuePath);
  }
  return { [operator]: { key, value } } as RetrievalFilter;
}

function walkFilter(
  filter: Json,
  attributes: readonly FilterableAttribute[],
  path: string,
  depth: number,
): RetrievalFilter {
  const object = record(filter, path);
  const operators = Object.keys(object);
  const known = [...CONDITION_OPERATORS, ...LOGICAL_OPERATORS] as readonly string[];
  const unknown = operators.filter((operator) => !known.includes(operator));
  if (unknown.length > 0) {
    throw new Problem(path, `unknown operator(s): ${unknown.join(', ')} (operators: ${known.join(', ')})`);
  }
  if (operators.length !== 1) {
    throw new Problem(
      path,
      operators.length === 0
        ? 'must hold one operator'
        : `must hold exactly one operator, found ${operators.join(', ')} (combine them with andAll or orAll)`,
    );
  }
  const operator = operators[0] as FilterOperator;
  const operand = object[operator];
  const operandPath = `${path}.${operator}`;
  if (operator === 'andAll' || operator === 'orAll') {
    if (depth >= FILTER_MAX_DEPTH) {
      throw new Problem(
        operandPath,
        `is nested deeper than Bedrock allows (at most ${FILTER_MAX_DEPTH} levels of andAll/orAll: a group may hold groups, which hold only conditions)`,
      );
    }
    if (!Array.isArray(operand))
      throw new Problem(operandPath, `must be a list of filters, not ${describe(operand)}`);
    if (operand.length < FILTER_LIST_MIN || operand.length > FILTER_LIST_MAX) {
      throw new Problem(
        operandPath,
        `must hold ${FILTER_LIST_MIN} to ${FILTER_LIST_MAX} filters (holds ${operand.length})`,
      );
    }
    const members = operand.map((item, index) =>
      walkFilter(item, attributes, `${operandPath}[${index}]`, depth + 1),
    );
    return operator === 'andAll' ? { andAll: members } : { orAll: members };
  }
  return condition(operator, operand, attributes, operandPath);
}

/**
 * Checks a filter (a request's or a profile's) against the declared attributes and Bedrock's
 * grammar and limits; on success returns a copy holding only what the grammar knows. Messages
 * start with the path inside the filter (`filter.andAll[1].equals.key: …`).
 */
export function checkFilter(
  filter: unknown,
  attributes: readonly FilterableAttribute[],
): { ok: true; filter: RetrievalFilter } | { ok: false; message: string } {
  try {
    return { ok: true, filter: walkFilter(filter, attributes, 'filter', 0) };
  } catch (error) {
    if (error instanceof Problem) return { ok: false, message: error.message };
    throw error;
  }
}

/** Levels of `andAll`/`orAll` in a filter: 0 for a single condition. */
function filterDepth(filter: RetrievalFilter): number {
  const members = 'andAll' in filter ? filter.andAll : 'orAll' in filter ? filter.orAll : undefined;
  return members === undefined ? 0 : 1 + Math.max(...members.map(filterDepth));
}

function conjuncts(filter: RetrievalFilter): readonly RetrievalFilter[] {
  return 'andAll' in filter ? filter.andAll : [filter];
}

/**
 * The profile's filter AND the request's: a document passes only if both let it through, so the
 * result is never wider than the profile's filter. The conditions are merged into one `andAll`
 * when that fits Bedrock's limits, otherwise the two filters become the two members of one;
 * when neither fits, a {@link FilterLimitError} rather than a dropped filter.
 */
export function combineFilters(
  profile?: RetrievalFilter,
  request?: RetrievalFilter,
): RetrievalFilter | undefined {
  if (profile === undefined) return request;
  if (request === undefined) return profile;
  const merged = [...conjuncts(profile), ...conjuncts(request)];
  if (merged.length <= FILTER_LIST_MAX) {
    const flat: RetrievalFilter = { andAll: merged };
    if (filterDepth(flat) <= FILTER_MAX_DEPTH) return flat;
  }
  const nested: RetrievalFilter = { andAll: [profile, request] };
  if (filterDepth(nested) <= FILTER_MAX_DEPTH) return nested;
  throw new FilterLimitError(
    `filter: combined with this key's profile filter it exceeds Bedrock's limits (${FILTER_LIST_MAX} filters per andAll/orAll, ${FILTER_MAX_DEPTH} levels of nesting); send a simpler filter`,
  );
}

// ---------------------------------------------------------------------------------------------
// Settings file

const PROFILE_KEYS = [
  'filter',
  'models',
  'numberOfResults',
  'reranking',
  'queryDecomposition',
  'generationPrompt',
  'orchestrationPrompt',
  'inference',
  'usagePlan',
  'localApiKey',
] as const;
// Pure: the chat functions, which only read the file synth wrote, bundle neither list.
const DEFAULTS_KEYS = /* @__PURE__ */ PROFILE_KEYS.filter((key) => key !== 'localApiKey');

export interface SettingsSource {
  /** Names the file in messages. */
  readonly source: string;
  /** The deployment's generation model: the defaults' allow-list when the file gives none. */
  readonly defaultModel: string;
}

/** What is wrong with a model a profile allows, or undefined when it may be used. */
export type ModelCheck = (modelId: string) => string | undefined;

function attributesOf(value: Json, path: string): FilterableAttribute[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Problem(path, `must be a list of attributes, not ${describe(value)}`);
  const seen = new Set<string>();
  return value.map((item, index) => {
    const itemPath = `${path}[${index}]`;
    const attribute = record(item, itemPath);
    onlyKeys(attribute, ['name', 'type'], itemPath);
    const name = string(attribute.name, `${itemPath}.name`, 1, FILTER_KEY_MAX);
    if (name.toLowerCase().startsWith(RESERVED_ATTRIBUTE_PREFIX)) {
      throw new Problem(
        `${itemPath}.name`,
        `${JSON.stringify(name)} uses the prefix ${RESERVED_ATTRIBUTE_PREFIX}, which Bedrock reserves`,
      );
    }
    if (!ATTRIBUTE_NAME.test(name)) {
      throw new Problem(
        `${itemPath}.name`,
        `${JSON.stringify(name)} is not a metadata key Bedrock accepts everywhere (letters, digits, _, - and ., starting with a letter or digit)`,
      );
    }
    if (seen.has(name)) throw new Problem(`${itemPath}.name`, `${JSON.stringify(name)} is declared twice`);
    seen.add(name);
    const type = attribute.type;
    if (typeof type !== 'string' || !(ATTRIBUTE_TYPES as readonly string[]).includes(type)) {
      throw new Problem(
        `${itemPath}.type`,
        `must be one of ${ATTRIBUTE_TYPES.join(', ')}, not ${describe(type)}`,
      );
    }
    return { name, type: type as AttributeType };
  });
}

function modelsOf(value: Json, path: string, checkModel: ModelCheck): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new Problem(path, `must be a non-empty list of Bedrock model ids, not ${describe(value)}`);
  }
  const seen = new Set<string>();
  return value.map((item, index) => {
    const itemPath = `${path}[${index}]`;
    const id = string(item, itemPath);
    if (seen.has(id)) throw new Problem(itemPath, `${id} is listed twice`);
    seen.add(id);
    const problem = checkModel(id);
    if (problem !== undefined) throw new Problem(itemPath, problem);
    return id;
  });
}

function promptOf(value: Json, path: string, placeholders: readonly string[]): string {
  const template = string(value, path, 1);
  const missing = placeholders.filter((placeholder) => !template.includes(placeholder));
  if (missing.length > 0) {
    throw new Problem(path, `is missing the placeholder(s) ${missing.join(', ')}`);
  }
  if (template.length > PROMPT_TEMPLATE_MAX) {
    throw new Problem(path, `must be at most ${PROMPT_TEMPLATE_MAX} characters (has ${template.length})`);
  }
  return template;
}

function inferenceOf(value: Json, path: string): InferenceSettings {
  const object = record(value, path);
  onlyKeys(object, ['temperature', 'topP', 'maxTokens', 'stopSequences'], path);
  const settings: {
    temperature?: number;
    topP?: number;
    maxTokens?: number;
    stopSequences?: readonly string[];
  } = {};
  if (object.temperature !== undefined)
    settings.temperature = number(object.temperature, `${path}.temperature`, 0, 1, false);
  if (object.topP !== undefined) settings.topP = number(object.topP, `${path}.topP`, 0, 1, false);
  if (object.maxTokens !== undefined)
    settings.maxTokens = number(object.maxTokens, `${path}.maxTokens`, 1, 65535, true);
  if (object.stopSequences !== undefined) {
    const list = object.stopSequences;
    if (!Array.isArray(list) || list.length > 4) {
      throw new Problem(`${path}.stopSequences`, 'must be a list of at most 4 strings');
    }
    settings.stopSequences = list.map((item, index) =>
      string(item, `${path}.stopSequences[${index}]`, 1, 1000),
    );
  }
  return settings;
}

function rerankingOf(value: Json, path: string): RerankingSettings {
  const object = record(value, path);
  onlyKeys(object, ['modelId', 'numberOfRerankedResults'], path);
  const modelId = string(object.modelId, `${path}.modelId`);
  if (!rerankModel(modelId)) {
    throw new Problem(
      `${path}.modelId`,
      `${modelId} is not a Bedrock rerank model (known: ${RERANK_MODEL_IDS.join(', ')})`,
    );
  }
  if (object.numberOfRerankedResults === undefined) return { modelId };
  return {
    modelId,
    numberOfRerankedResults: number(
      object.numberOfRerankedResults,
      `${path}.numberOfRerankedResults`,
      1,
      100,
      true,
    ),
  };
}

function usagePlanOf(value: Json, path: string): UsagePlanTier {
  const object = record(value, path);
  onlyKeys(object, ['rateLimit', 'burstLimit', 'monthlyQuota'], path);
  if (object.rateLimit === undefined)
    throw new Problem(`${path}.rateLimit`, 'is required (requests per second)');
  if (object.burstLimit === undefined) throw new Problem(`${path}.burstLimit`, 'is required (requests)');
  const tier = {
    rateLimit: number(object.rateLimit, `${path}.rateLimit`, 0.001, 10_000, false),
    burstLimit: number(object.burstLimit, `${path}.burstLimit`, 1, 5000, true),
  };
  if (object.monthlyQuota === undefined) return tier;
  return {
    ...tier,
    monthlyQuota: number(object.monthlyQuota, `${path}.monthlyQuota`, 1, Number.MAX_SAFE_INTEGER, true),
  };
}

/** One profile: its own fields, each falling back to `base` (the defaults) when absent. */
function profileOf(
  name: string,
  value: Json,
  path: string,
  base: AnswerProfile,
  attributes: readonly FilterableAttribute[],
  checkModel: ModelCheck,
  allowed: readonly string[],
): AnswerProfile {
  const object = record(value, path);
  onlyKeys(object, allowed, path);
  const profile: { -readonly [K in keyof AnswerProfile]: AnswerProfile[K] } = {
    ...base,
    name,
  };
  delete profile.localApiKey;
  if (object.filter !== undefined)
    profile.filter = walkFilter(object.filter, attributes, `${path}.filter`, 0);
  if (object.models !== undefined) profile.models = modelsOf(object.models, `${path}.models`, checkModel);
  if (object.numberOfResults !== undefined) {
    profile.numberOfResults = number(object.numberOfResults, `${path}.numberOfResults`, 1, 100, true);
  }
  if (object.reranking !== undefined) profile.reranking = rerankingOf(object.reranking, `${path}.reranking`);
  if (object.queryDecomposition !== undefined) {
    if (typeof object.queryDecomposition !== 'boolean') {
      throw new Problem(
        `${path}.queryDecomposition`,
        `must be true or false, not ${describe(object.queryDecomposition)}`,
      );
    }
    profile.queryDecomposition = object.queryDecomposition;
  }
  if (object.generationPrompt !== undefined) {
    profile.generationPrompt = promptOf(
      object.generationPrompt,
      `${path}.generationPrompt`,
      GENERATION_PLACEHOLDERS,
    );
  }
  if (object.orchestrationPrompt !== undefined) {
    profile.orchestrationPrompt = promptOf(
      object.orchestrationPrompt,
      `${path}.orchestrationPrompt`,
      ORCHESTRATION_PLACEHOLDERS,
    );
  }
  if (object.inference !== undefined) profile.inference = inferenceOf(object.inference, `${path}.inference`);
  if (object.usagePlan !== undefined) profile.usagePlan = usagePlanOf(object.usagePlan, `${path}.usagePlan`);
  if (object.localApiKey !== undefined) {
    const key = string(object.localApiKey, `${path}.localApiKey`);
    if (!API_KEY_VALUE.test(key)) {
      throw new Problem(
        `${path}.localApiKey`,
        'must be 20-128 letters, digits, _ or - (as API Gateway API keys are)',
      );
    }
    profile.localApiKey = key;
  }
  const reranked = profile.reranking?.numberOfRerankedResults;
  if (reranked !== undefined && reranked > profile.numberOfResults) {
    throw new Problem(
      `${path}.reranking.numberOfRerankedResults`,
      `must be at most numberOfResults (${profile.numberOfResults}), is ${reranked}`,
    );
  }
  return profile;
}

/** Validates a parsed settings file, judging each model a profile allows with `checkModel`. */
export function parseAnswerSettingsWith(
  json: unknown,
  context: SettingsSource,
  checkModel: ModelCheck,
): AnswerSettings {
  try {
    const root = record(json, '$');
    onlyKeys(root, ['attributes', 'defaults', 'profiles'], '$');
    const attributes = attributesOf(root.attributes, 'attributes');
    const builtIn = builtInAnswerSettings(context.defaultModel).defaults;
    const defaults =
      root.defaults === undefined
        ? builtIn
        : profileOf(
            DEFAULT_PROFILE_NAME,
            root.defaults,
            'defaults',
            builtIn,
            attributes,
            checkModel,
            DEFAULTS_KEYS,
          );
    const profiles: AnswerProfile[] = [];
    if (root.profiles !== undefined) {
      const entries = Object.entries(record(root.profiles, 'profiles'));
      const keys = new Map<string, string>();
      for (const [name, value] of entries) {
        const path = member('profiles', name);
        if (name === DEFAULT_PROFILE_NAME) {
          throw new Problem(
            path,
            `"${DEFAULT_PROFILE_NAME}" is reserved for the defaults; set them under "defaults"`,
          );
        }
        if (!PROFILE_NAME.test(name)) {
          throw new Problem(
            path,
            'a profile name is 1-63 lower-case letters, digits or -, starting with a letter or digit',
          );
        }
        const profile = profileOf(name, value, path, defaults, attributes, checkModel, PROFILE_KEYS);
        if (profile.localApiKey !== undefined) {
          const other = keys.get(profile.localApiKey);
          if (other !== undefined)
            throw new Problem(`${path}.localApiKey`, `is also the localApiKey of profile ${other}`);
          keys.set(profile.localApiKey, name);
        }
        profiles.push(profile);
      }
    }
    return { attributes, defaults, profiles };
  } catch (error) {
    if (error instanceof Problem) {
      throw new AnswerSettingsError(`${context.source}: ${error.message}`, context.source, error.path, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Reads and validates a settings file (JSON). */
export function readAnswerSettingsWith(
  path: string,
  context: { readonly defaultModel: string },
  checkModel: ModelCheck,
): AnswerSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AnswerSettingsError(`${path}: cannot be read (${(error as Error).message})`, path, '$', {
      cause: error,
    });
  }
  return parseAnswerSettingsWith(parseJson(text, path), { ...context, source: path }, checkModel);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AnswerSettingsError(`${source}: is not valid JSON (${(error as Error).message})`, source, '$', {
      cause: error,
    });
  }
}

/**
 * The settings as the functions read them: every profile spelled out (what it inherited from the
 * defaults included), in the file format `readAnswerSettings` accepts, without the offline-only
 * `localApiKey`s. The CDK app bundles this file and `npm start` writes it, both after checking the
 * operator's file in full, so a function reads it with `functionAnswerSettings` alone.
 */
export function normalizedSettingsJson(settings: AnswerSettings): string {
  const body = (profile: AnswerProfile) => {
    const { name: _name, localApiKey: _localApiKey, ...rest } = profile;
    return rest;
  };
  return `${JSON.stringify(
    {
      attributes: settings.attributes,
      defaults: body(settings.defaults),
      profiles: Object.fromEntries(settings.profiles.map((profile) => [profile.name, body(profile)])),
    },
    null,
    2,
  )}\n`;
}

/**
 * Reads a file `normalizedSettingsJson` wrote, trusting what synth or start checked: only its outline
 * is looked at, so a function neither re-runs nor bundles the whole check at cold start.
 */
export function functionAnswerSettings(text: string, source: string): AnswerSettings {
  const json = parseJson(text, source);
  const profileOutline = (value: unknown): value is Omit<AnswerProfile, 'name'> =>
    isRecord(value) &&
    Array.isArray(value.models) &&
    value.models.length > 0 &&
    typeof value.numberOfResults === 'number';
  if (
    !isRecord(json) ||
    !Array.isArray(json.attributes) ||
    !profileOutline(json.defaults) ||
    !isRecord(json.profiles) ||
    !Object.values(json.profiles).every(profileOutline)
  ) {
    throw new AnswerSettingsError(
      `${source}: is not an answer settings file as synth and npm start write it`,
      source,
      '$',
    );
  }
  return {
    attributes: json.attributes as FilterableAttribute[],
    defaults: { ...json.defaults, name: DEFAULT_PROFILE_NAME },
    profiles: Object.entries(json.profiles as Record<string, Omit<AnswerProfile, 'name'>>).map(
      ([name, profile]) => ({ ...profile, name }),
    ),
  };
}

/** What a function without a settings file answers with: the deployment's model, as always. */
export function builtInAnswerSettings(defaultModel: string): AnswerSettings {
  return {
    attributes: [],
    defaults: {
      name: DEFAULT_PROFILE_NAME,
      models: [defaultModel],
      numberOfResults: knowledgeBaseSettings.numberOfResults,
      queryDecomposition: false,
    },
    profiles: [],
  };
}

/**
 * The profile called `name` (`default` names the defaults); undefined for a name the settings do
 * not hold, which a caller must refuse rather than answer with the wider defaults.
 */
export function findProfile(settings: AnswerSettings, name: string): AnswerProfile | undefined {
  if (name === DEFAULT_PROFILE_NAME) return settings.defaults;
  return settings.profiles.find((profile) => profile.name === name);
}

/** The ARN `rerankingConfiguration` takes for a rerank model in `region`. */
export function foundationModelArn(modelId: string, region: string, partition = 'aws'): string {
  return `arn:${partition}:bedrock:${region}::foundation-model/${modelId}`;
}
