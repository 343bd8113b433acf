/**
 * The guardrail engine: evaluates text against a policy (`config/guardrail.ts`'s shape) and
 * answers in ApplyGuardrail's response shape. Pure apart from timing the evaluation.
 *
 * What Bedrock does and this mirrors:
 * - The direction (`INPUT`/`OUTPUT`) picks each policy item's `inputAction`/`outputAction`,
 *   `inputStrength`/`outputStrength` and `inputEnabled`/`outputEnabled`; control-plane
 *   `BLOCK`/`ANONYMIZE` are reported as `BLOCKED`/`ANONYMIZED`.
 * - Anything BLOCKED → `GUARDRAIL_INTERVENED`, `actionReason: "Guardrail blocked."`, and `outputs` is
 *   the blocked-input (or blocked-outputs) message. Otherwise anything ANONYMIZED →
 *   `GUARDRAIL_INTERVENED`, `"Guardrail masked."`, and `outputs` holds every content block with PII
 *   replaced by `{TYPE}` (regex matches by `{name}`). Otherwise `NONE`, `"No action."`, `outputs: []`.
 * - Detections whose action is NONE are still reported in `assessments`, with `action: "NONE"`.
 * - Blocks qualified `grounding_source` or `query` are references for the contextual grounding
 *   check, not screened themselves; unqualified and `guard_content` blocks are screened.
 * - `outputScope: "FULL"` also lists the content filters, topics and PII types that found nothing.
 */
import { performance } from 'node:perf_hooks';
import type {
  GuardrailBlockAction,
  GuardrailContentFilterType,
  GuardrailFilterStrength,
  GuardrailPiiEntityType,
  GuardrailPolicy,
  GuardrailSensitiveAction,
} from '../../../config/guardrail.ts';
import { type Confidence, classify, strengthCatches } from './content-filters.ts';
import { groundingScores } from './grounding.ts';
import { detectPii, supportedPiiTypes } from './pii.ts';
import { buildTopicModel, scoreTopic, type TopicModel } from './topics.ts';
import { compileWordList, findWords, LOCAL_PROFANITY, type WordList } from './words.ts';

export type GuardrailSource = 'INPUT' | 'OUTPUT';
export type GuardrailQualifier = 'grounding_source' | 'query' | 'guard_content';
export type GuardrailOutputScope = 'INTERVENTIONS' | 'FULL';
/** Runtime actions, as ApplyGuardrail reports them. */
export type RuntimeAction = 'BLOCKED' | 'ANONYMIZED' | 'NONE';

export interface GuardrailTextBlock {
  readonly text: string;
  readonly qualifiers?: readonly GuardrailQualifier[];
}

// ---------------------------------------------------------------------------------------------
// Response shapes (bedrock-runtime 2023-09-30).

export interface GuardrailUsage {
  readonly topicPolicyUnits: number;
  readonly contentPolicyUnits: number;
  readonly wordPolicyUnits: number;
  readonly sensitiveInformationPolicyUnits: number;
  readonly sensitiveInformationPolicyFreeUnits: number;
  readonly contextualGroundingPolicyUnits: number;
  readonly contentPolicyImageUnits: number;
}

export interface GuardrailCoverage {
  readonly textCharacters: { readonly guarded: number; readonly total: number };
}

export interface GuardrailAssessment {
  topicPolicy?: {
    topics: { name: string; type: 'DENY'; action: 'BLOCKED' | 'NONE'; detected: boolean }[];
  };
  contentPolicy?: {
    filters: {
      type: GuardrailContentFilterType;
      confidence: Confidence;
      filterStrength: GuardrailFilterStrength;
      action: 'BLOCKED' | 'NONE';
      detected: boolean;
    }[];
  };
  wordPolicy?: {
    customWords: { match: string; action: 'BLOCKED' | 'NONE'; detected: boolean }[];
    managedWordLists: { match: string; type: 'PROFANITY'; action: 'BLOCKED' | 'NONE'; detected: boolean }[];
  };
  sensitiveInformationPolicy?: {
    piiEntities: { match: string; type: GuardrailPiiEntityType; action: RuntimeAction; detected: boolean }[];
    regexes: { name: string; match: string; regex: string; action: RuntimeAction; detected: boolean }[];
  };
  contextualGroundingPolicy?: {
    filters: {
      type: 'GROUNDING' | 'RELEVANCE';
      threshold: number;
      score: number;
      action: 'BLOCKED' | 'NONE';
      detected: boolean;
    }[];
  };
  invocationMetrics: {
    guardrailProcessingLatency: number;
    usage: GuardrailUsage;
    guardrailCoverage: GuardrailCoverage;
  };
  appliedGuardrailDetails?: {
    guardrailId: string;
    guardrailVersion: string;
    guardrailArn?: string;
    guardrailOrigin: ['REQUEST'];
    guardrailOwnership: 'SELF';
  };
}

export interface ApplyGuardrailResult {
  readonly usage: GuardrailUsage;
  readonly action: 'GUARDRAIL_INTERVENED' | 'NONE';
  readonly actionReason: 'Guardrail blocked.' | 'Guardrail masked.' | 'No action.';
  readonly outputs: readonly { readonly text: string }[];
  readonly assessments: readonly GuardrailAssessment[];
  readonly guardrailCoverage: GuardrailCoverage;
}

// ---------------------------------------------------------------------------------------------
// Compiling a policy once.

export interface CompiledGuardrail {
  readonly policy: GuardrailPolicy;
  readonly topics: readonly {
    readonly config: NonNullable<GuardrailPolicy['topicPolicyConfig']>['topicsConfig'][number];
    readonly model: TopicModel;
  }[];
  readonly customWords: WordList;
  readonly profanity: WordList;
  readonly regexes: readonly {
    readonly config: NonNullable<
      NonNullable<GuardrailPolicy['sensitiveInformationPolicyConfig']>['regexesConfig']
    >[number];
    readonly pattern: RegExp;
  }[];
}

const compiledPolicies = new WeakMap<GuardrailPolicy, CompiledGuardrail>();

/**
 * Prepares a policy for evaluation (topic models, word lists, regexes). Throws when the policy
 * names a PII type the emulator cannot detect, so the local guardrail never silently enforces less
 * than the deployed one.
 */
export function compileGuardrail(policy: GuardrailPolicy): CompiledGuardrail {
  const cached = compiledPolicies.get(policy);
  if (cached !== undefined) return cached;
  const unsupported = (policy.sensitiveInformationPolicyConfig?.piiEntitiesConfig ?? [])
    .map((entity) => entity.type)
    .filter((type) => !supportedPiiTypes.includes(type));
  if (unsupported.length > 0) {
    throw new Error(
      `The local guardrail cannot detect ${unsupported.join(', ')}; it detects ${supportedPiiTypes.join(', ')}.`,
    );
  }
  const compiled: CompiledGuardrail = {
    policy,
    topics: (policy.topicPolicyConfig?.topicsConfig ?? []).map((config) => ({
      config,
      model: buildTopicModel(config),
    })),
    customWords: compileWordList(
      (policy.wordPolicyConfig?.wordsConfig ?? []).map((word) => word.text),
      { disguised: false },
    ),
    profanity: compileWordList(LOCAL_PROFANITY, { disguised: true }),
    regexes: (policy.sensitiveInformationPolicyConfig?.regexesConfig ?? []).map((config) => ({
      config,
      pattern: new RegExp(config.pattern, 'g'),
    })),
  };
  compiledPolicies.set(policy, compiled);
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// Direction-dependent settings.

interface Directional<A> {
  readonly inputAction?: A;
  readonly outputAction?: A;
  readonly inputEnabled?: boolean;
  readonly outputEnabled?: boolean;
}

function enabled(item: Directional<unknown>, source: GuardrailSource): boolean {
  return (source === 'INPUT' ? item.inputEnabled : item.outputEnabled) !== false;
}

function blockAction(item: Directional<GuardrailBlockAction>, source: GuardrailSource): 'BLOCKED' | 'NONE' {
  const action = (source === 'INPUT' ? item.inputAction : item.outputAction) ?? 'BLOCK';
  return action === 'BLOCK' ? 'BLOCKED' : 'NONE';
}

function sensitiveAction(
  item: Directional<GuardrailSensitiveAction> & { readonly action: GuardrailSensitiveAction },
  source: GuardrailSource,
): RuntimeAction {
  const action = (source === 'INPUT' ? item.inputAction : item.outputAction) ?? item.action;
  return action === 'BLOCK' ? 'BLOCKED' : action === 'ANONYMIZE' ? 'ANONYMIZED' : 'NONE';
}

// ---------------------------------------------------------------------------------------------
// Evaluation.

/** One masked span: `text.slice(start, end)` became `replacement`. */
export interface Replacement {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
}

export interface EvaluatedBlock {
  readonly text: string;
  readonly guarded: boolean;
  /** The text with every ANONYMIZED match replaced (equal to `text` when nothing was masked). */
  readonly masked: string;
  /** Sorted, non-overlapping. */
  readonly replacements: readonly Replacement[];
}

export interface GuardrailEvaluation {
  readonly result: ApplyGuardrailResult;
  readonly blocked: boolean;
  readonly masked: boolean;
  readonly blocks: readonly EvaluatedBlock[];
}

export interface ApplyGuardrailOptions {
  /** @default 'INTERVENTIONS' */
  readonly outputScope?: GuardrailOutputScope;
  /** Reported as `appliedGuardrailDetails`. */
  readonly applied?: {
    readonly guardrailId: string;
    readonly guardrailVersion: string;
    readonly guardrailArn?: string;
  };
}

type Block = string | GuardrailTextBlock;

const isGuarded = (block: GuardrailTextBlock): boolean =>
  !block.qualifiers?.length || block.qualifiers.includes('guard_content');

const textUnits = (characters: number): number => Math.ceil(characters / 1000);

/**
 * Applies the guardrail to `content` coming from `source`, with the full detail an emulator
 * operation needs (which blocks were masked where); {@link applyGuardrail} returns only the
 * response.
 */
export function evaluateGuardrail(
  policyOrCompiled: GuardrailPolicy | CompiledGuardrail,
  source: GuardrailSource,
  content: readonly Block[],
  options: ApplyGuardrailOptions = {},
): GuardrailEvaluation {
  const started = performance.now();
  const guardrail = 'customWords' in policyOrCompiled ? policyOrCompiled : compileGuardrail(policyOrCompiled);
  const { policy } = guardrail;
  const full = options.outputScope === 'FULL';
  const blocks = content.map(
    (block): GuardrailTextBlock => (typeof block === 'string' ? { text: block } : block),
  );
  const guardedTexts = blocks.filter(isGuarded).map((block) => block.text);
  const assessment: GuardrailAssessment = {
    invocationMetrics: {
      guardrailProcessingLatency: 0,
      usage: emptyUsage(),
      guardrailCoverage: { textCharacters: { guarded: 0, total: 0 } },
    },
  };
  const actions: RuntimeAction[] = [];

  // Denied topics.
  const topics = guardrail.topics.filter((topic) => enabled(topic.config, source));
  const topicResults = topics
    .map((topic) => {
      const detected = guardedTexts.some((text) => scoreTopic(topic.model, text).detected);
      return {
        name: topic.config.name,
        type: 'DENY' as const,
        action: detected ? blockAction(topic.config, source) : ('NONE' as const),
        detected,
      };
    })
    .filter((topic) => full || topic.detected);
  for (const topic of topicResults) actions.push(topic.action);
  if (topicResults.length > 0) assessment.topicPolicy = { topics: topicResults };

  // Content filters.
  const filters = (policy.contentPolicyConfig?.filtersConfig ?? [])
    .filter((filter) => enabled(filter, source))
    .map((filter) => ({
      filter,
      strength: source === 'INPUT' ? filter.inputStrength : filter.outputStrength,
    }))
    // PROMPT_ATTACK screens input only; a filter at strength NONE is off.
    .filter(
      ({ filter, strength }) =>
        strength !== 'NONE' && !(filter.type === 'PROMPT_ATTACK' && source === 'OUTPUT'),
    );
  const filterResults = filters
    .map(({ filter, strength }) => {
      const confidence = maxConfidence(guardedTexts.map((text) => classify(filter.type, text)));
      const detected = strengthCatches(strength, confidence);
      return {
        type: filter.type,
        confidence,
        filterStrength: strength,
        action: detected ? blockAction(filter, source) : ('NONE' as const),
        detected,
      };
    })
    .filter((filter) => full || filter.detected);
  for (const filter of filterResults) actions.push(filter.action);
  if (filterResults.length > 0) assessment.contentPolicy = { filters: filterResults };

  // Words.
  const wordConfigs = policy.wordPolicyConfig?.wordsConfig ?? [];
  const customWords = guardedTexts.flatMap((text) =>
    findWords(text, guardrail.customWords).flatMap((found) => {
      const config =
        wordConfigs.find((word) => word.text.toLowerCase() === found.match.toLowerCase()) ?? wordConfigs[0];
      if (config === undefined || !enabled(config, source)) return [];
      return [{ match: found.match, action: blockAction(config, source), detected: true }];
    }),
  );
  const managedWordLists = (policy.wordPolicyConfig?.managedWordListsConfig ?? [])
    .filter((list) => list.type === 'PROFANITY' && enabled(list, source))
    .flatMap((list) =>
      guardedTexts.flatMap((text) =>
        findWords(text, guardrail.profanity).map((found) => ({
          match: found.match,
          type: 'PROFANITY' as const,
          action: blockAction(list, source),
          detected: true,
        })),
      ),
    );
  for (const word of [...customWords, ...managedWordLists]) actions.push(word.action);
  if (customWords.length + managedWordLists.length > 0)
    assessment.wordPolicy = { customWords, managedWordLists };

  // Sensitive information, block by block (masking needs positions).
  const piiConfigs = (policy.sensitiveInformationPolicyConfig?.piiEntitiesConfig ?? []).filter((entity) =>
    enabled(entity, source),
  );
  const regexes = guardrail.regexes.filter((regex) => enabled(regex.config, source));
  const piiEntities: NonNullable<GuardrailAssessment['sensitiveInformationPolicy']>['piiEntities'] = [];
  const regexResults: NonNullable<GuardrailAssessment['sensitiveInformationPolicy']>['regexes'] = [];
  const evaluatedBlocks = blocks.map((block): EvaluatedBlock => {
    if (!isGuarded(block)) return { text: block.text, guarded: false, masked: block.text, replacements: [] };
    const replacements: Replacement[] = [];
    const overlaps = (start: number, end: number) => replacements.some((r) => start < r.end && r.start < end);
    for (const match of detectPii(
      block.text,
      piiConfigs.map((entity) => entity.type),
    )) {
      const config = piiConfigs.find((entity) => entity.type === match.type);
      if (config === undefined) continue;
      const action = sensitiveAction(config, source);
      piiEntities.push({ match: match.match, type: match.type, action, detected: true });
      if (action === 'ANONYMIZED')
        replacements.push({ start: match.start, end: match.end, replacement: `{${match.type}}` });
    }
    for (const { config, pattern } of regexes) {
      for (const m of block.text.matchAll(pattern)) {
        if (m[0].length === 0 || m.index === undefined) continue;
        const action = sensitiveAction(config, source);
        regexResults.push({ name: config.name, match: m[0], regex: config.pattern, action, detected: true });
        const end = m.index + m[0].length;
        if (action === 'ANONYMIZED' && !overlaps(m.index, end)) {
          replacements.push({ start: m.index, end, replacement: `{${config.name}}` });
        }
      }
    }
    replacements.sort((a, b) => a.start - b.start);
    return {
      text: block.text,
      guarded: true,
      masked: applyReplacements(block.text, replacements),
      replacements,
    };
  });
  if (full) {
    // FULL lists every configured PII type; one found nowhere comes as AWS writes it: no match.
    const found = new Set(piiEntities.map((entity) => entity.type));
    for (const { type } of piiConfigs) {
      if (!found.has(type)) piiEntities.push({ match: '', type, action: 'NONE', detected: false });
    }
  }
  for (const entity of [...piiEntities, ...regexResults]) actions.push(entity.action);
  if (piiEntities.length + regexResults.length > 0) {
    assessment.sensitiveInformationPolicy = { piiEntities, regexes: regexResults };
  }

  // Contextual grounding: a response (source OUTPUT) checked against its sources and query.
  const groundingFilters = (policy.contextualGroundingPolicyConfig?.filtersConfig ?? []).filter(
    (filter) => filter.enabled !== false,
  );
  const sources = blocks
    .filter((block) => block.qualifiers?.includes('grounding_source'))
    .map((block) => block.text);
  const queries = blocks.filter((block) => block.qualifiers?.includes('query')).map((block) => block.text);
  const groundingEvaluated =
    source === 'OUTPUT' &&
    groundingFilters.length > 0 &&
    sources.length > 0 &&
    queries.length > 0 &&
    guardedTexts.length > 0;
  if (groundingEvaluated) {
    const scores = groundingScores({ sources, query: queries.join('\n'), response: guardedTexts.join('\n') });
    const results = groundingFilters.map((filter) => {
      const score = filter.type === 'GROUNDING' ? scores.grounding : scores.relevance;
      const detected = score < filter.threshold;
      return {
        type: filter.type,
        threshold: filter.threshold,
        score,
        action: detected && (filter.action ?? 'BLOCK') === 'BLOCK' ? ('BLOCKED' as const) : ('NONE' as const),
        detected,
      };
    });
    for (const result of results) actions.push(result.action);
    assessment.contextualGroundingPolicy = { filters: results };
  }

  const blocked = actions.includes('BLOCKED');
  const masked = !blocked && actions.includes('ANONYMIZED');
  const totalCharacters = blocks.reduce((sum, block) => sum + block.text.length, 0);
  const guardedCharacters = guardedTexts.reduce((sum, text) => sum + text.length, 0);
  const guardrailCoverage = { textCharacters: { guarded: guardedCharacters, total: totalCharacters } };
  const units = textUnits(guardedCharacters);
  const usage: GuardrailUsage = {
    topicPolicyUnits: topics.length > 0 ? units : 0,
    contentPolicyUnits: filters.length > 0 ? units : 0,
    wordPolicyUnits: policy.wordPolicyConfig !== undefined ? units : 0,
    sensitiveInformationPolicyUnits: piiConfigs.length > 0 ? units : 0,
    sensitiveInformationPolicyFreeUnits: regexes.length > 0 ? units : 0,
    contextualGroundingPolicyUnits: groundingEvaluated ? textUnits(totalCharacters) : 0,
    contentPolicyImageUnits: 0,
  };
  assessment.invocationMetrics = {
    guardrailProcessingLatency: Math.round(performance.now() - started),
    usage,
    guardrailCoverage,
  };
  if (options.applied !== undefined) {
    assessment.appliedGuardrailDetails = {
      ...options.applied,
      guardrailOrigin: ['REQUEST'],
      guardrailOwnership: 'SELF',
    };
  }

  const blockedMessage = source === 'INPUT' ? policy.blockedInputMessaging : policy.blockedOutputsMessaging;
  const result: ApplyGuardrailResult = {
    usage,
    action: blocked || masked ? 'GUARDRAIL_INTERVENED' : 'NONE',
    actionReason: blocked ? 'Guardrail blocked.' : masked ? 'Guardrail masked.' : 'No action.',
    outputs: blocked
      ? [{ text: blockedMessage }]
      : masked
        ? evaluatedBlocks.map((block) => ({ text: block.masked }))
        : [],
    assessments: [assessment],
    guardrailCoverage,
  };
  return { result, blocked, masked, blocks: evaluatedBlocks };
}

/**
 * ApplyGuardrail, as a function: the response Bedrock would give for `content` from `source`
 * under `policy`.
 */
export function applyGuardrail(
  policy: GuardrailPolicy | CompiledGuardrail,
  source: GuardrailSource,
  content: readonly Block[],
  options: ApplyGuardrailOptions = {},
): ApplyGuardrailResult {
  return evaluateGuardrail(policy, source, content, options).result;
}

export function applyReplacements(text: string, replacements: readonly Replacement[]): string {
  let out = '';
  let at = 0;
  for (const r of replacements) {
    out += text.slice(at, r.start) + r.replacement;
    at = r.end;
  }
  return out + text.slice(at);
}

function emptyUsage(): GuardrailUsage {
  return {
    topicPolicyUnits: 0,
    contentPolicyUnits: 0,
    wordPolicyUnits: 0,
    sensitiveInformationPolicyUnits: 0,
    sensitiveInformationPolicyFreeUnits: 0,
    contextualGroundingPolicyUnits: 0,
    contentPolicyImageUnits: 0,
  };
}

const CONFIDENCE_RANK: Readonly<Record<Confidence, number>> = { NONE: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };

function maxConfidence(confidences: readonly Confidence[]): Confidence {
  return confidences.reduce<Confidence>(
    (best, c) => (CONFIDENCE_RANK[c] > CONFIDENCE_RANK[best] ? c : best),
    'NONE',
  );
}
