/**
 * Lantern's guardrail policy: one source of truth for the deployed Bedrock guardrail
 * (`infra/constructs/guardrail.ts` turns it into `AWS::Bedrock::Guardrail` + `GuardrailVersion`)
 * and for the local Bedrock emulator, which enforces the same policy offline.
 *
 * Names and values are the CloudFormation/CDK L1 vocabulary (`CfnGuardrailProps`, camelCase):
 * control-plane actions are `BLOCK`/`ANONYMIZE`/`NONE` (the runtime reports `BLOCKED`/`ANONYMIZED`),
 * filter strengths `NONE|LOW|MEDIUM|HIGH`, topics `type: 'DENY'`.
 */

export type GuardrailFilterStrength = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';
export type GuardrailContentFilterType =
  | 'SEXUAL'
  | 'VIOLENCE'
  | 'HATE'
  | 'INSULTS'
  | 'MISCONDUCT'
  | 'PROMPT_ATTACK';
/** Content filters, topics and words can block or only report. */
export type GuardrailBlockAction = 'BLOCK' | 'NONE';
/** Sensitive information can also be masked. */
export type GuardrailSensitiveAction = 'BLOCK' | 'ANONYMIZE' | 'NONE';

/** Every PII entity type Bedrock Guardrails knows (API `GuardrailPiiEntityType`). */
export type GuardrailPiiEntityType =
  | 'ADDRESS'
  | 'AGE'
  | 'AWS_ACCESS_KEY'
  | 'AWS_SECRET_KEY'
  | 'CA_HEALTH_NUMBER'
  | 'CA_SOCIAL_INSURANCE_NUMBER'
  | 'CREDIT_DEBIT_CARD_CVV'
  | 'CREDIT_DEBIT_CARD_EXPIRY'
  | 'CREDIT_DEBIT_CARD_NUMBER'
  | 'DRIVER_ID'
  | 'EMAIL'
  | 'INTERNATIONAL_BANK_ACCOUNT_NUMBER'
  | 'IP_ADDRESS'
  | 'LICENSE_PLATE'
  | 'MAC_ADDRESS'
  | 'NAME'
  | 'PASSWORD'
  | 'PHONE'
  | 'PIN'
  | 'SWIFT_CODE'
  | 'UK_NATIONAL_HEALTH_SERVICE_NUMBER'
  | 'UK_NATIONAL_INSURANCE_NUMBER'
  | 'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER'
  | 'URL'
  | 'USERNAME'
  | 'US_BANK_ACCOUNT_NUMBER'
  | 'US_BANK_ROUTING_NUMBER'
  | 'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER'
  | 'US_PASSPORT_NUMBER'
  | 'US_SOCIAL_SECURITY_NUMBER'
  | 'VEHICLE_IDENTIFICATION_NUMBER';

/** `ContentFilterConfig`. PROMPT_ATTACK must have `outputStrength: 'NONE'` (AWS rejects anything else). */
export interface GuardrailContentFilterConfig {
  readonly type: GuardrailContentFilterType;
  readonly inputStrength: GuardrailFilterStrength;
  readonly outputStrength: GuardrailFilterStrength;
  /** @default 'BLOCK' */
  readonly inputAction?: GuardrailBlockAction;
  /** @default 'BLOCK' */
  readonly outputAction?: GuardrailBlockAction;
  /** @default true */
  readonly inputEnabled?: boolean;
  /** @default true */
  readonly outputEnabled?: boolean;
}

/** `TopicConfig`: a denied topic. `definition` ≤ 200 characters, up to 5 `examples` of ≤ 100. */
export interface GuardrailTopicConfig {
  readonly name: string;
  readonly definition: string;
  readonly examples?: readonly string[];
  readonly type: 'DENY';
  readonly inputAction?: GuardrailBlockAction;
  readonly outputAction?: GuardrailBlockAction;
  readonly inputEnabled?: boolean;
  readonly outputEnabled?: boolean;
}

/** `WordConfig`: a custom word or phrase (up to three words), matched case-insensitively. */
export interface GuardrailWordConfig {
  readonly text: string;
  readonly inputAction?: GuardrailBlockAction;
  readonly outputAction?: GuardrailBlockAction;
  readonly inputEnabled?: boolean;
  readonly outputEnabled?: boolean;
}

/** `ManagedWordsConfig`: AWS's managed word list. */
export interface GuardrailManagedWordsConfig {
  readonly type: 'PROFANITY';
  readonly inputAction?: GuardrailBlockAction;
  readonly outputAction?: GuardrailBlockAction;
  readonly inputEnabled?: boolean;
  readonly outputEnabled?: boolean;
}

/**
 * `PiiEntityConfig`. `action` is required by CloudFormation; `inputAction`/`outputAction`, when
 * set, decide per direction (Lantern always sets both so nothing is left to that precedence).
 */
export interface GuardrailPiiEntityConfig {
  readonly type: GuardrailPiiEntityType;
  readonly action: GuardrailSensitiveAction;
  readonly inputAction?: GuardrailSensitiveAction;
  readonly outputAction?: GuardrailSensitiveAction;
  readonly inputEnabled?: boolean;
  readonly outputEnabled?: boolean;
}

/** `RegexConfig`: a custom sensitive-information pattern. */
export interface GuardrailRegexConfig {
  readonly name: string;
  readonly pattern: string;
  readonly action: GuardrailSensitiveAction;
  readonly description?: string;
  readonly inputAction?: GuardrailSensitiveAction;
  readonly outputAction?: GuardrailSensitiveAction;
  readonly inputEnabled?: boolean;
  readonly outputEnabled?: boolean;
}

/** `ContextualGroundingFilterConfig`: responses scoring below `threshold` (0..0.99) are blocked. */
export interface GuardrailContextualGroundingFilterConfig {
  readonly type: 'GROUNDING' | 'RELEVANCE';
  readonly threshold: number;
  readonly action?: GuardrailBlockAction;
  readonly enabled?: boolean;
}

/** A guardrail as `CfnGuardrailProps` describes it (minus KMS, tags and cross-region settings). */
export interface GuardrailPolicy {
  /** `^[0-9a-zA-Z-_]+$`, ≤ 50 characters. */
  readonly name: string;
  readonly description?: string;
  /** What the user sees when their input is blocked (1..500 characters). */
  readonly blockedInputMessaging: string;
  /** What the user sees when the answer is blocked (1..500 characters). */
  readonly blockedOutputsMessaging: string;
  readonly contentPolicyConfig?: { readonly filtersConfig: readonly GuardrailContentFilterConfig[] };
  readonly topicPolicyConfig?: { readonly topicsConfig: readonly GuardrailTopicConfig[] };
  readonly wordPolicyConfig?: {
    readonly wordsConfig?: readonly GuardrailWordConfig[];
    readonly managedWordListsConfig?: readonly GuardrailManagedWordsConfig[];
  };
  readonly sensitiveInformationPolicyConfig?: {
    readonly piiEntitiesConfig?: readonly GuardrailPiiEntityConfig[];
    readonly regexesConfig?: readonly GuardrailRegexConfig[];
  };
  readonly contextualGroundingPolicyConfig?: {
    readonly filtersConfig: readonly GuardrailContextualGroundingFilterConfig[];
  };
}

/** Masked in questions; in answers, see {@link guardrailPolicy}'s PII notes. */
const pii = (
  type: GuardrailPiiEntityType,
  outputAction: GuardrailSensitiveAction,
): GuardrailPiiEntityConfig => ({ type, action: 'ANONYMIZE', inputAction: 'ANONYMIZE', outputAction });

/**
 * The policy of a customer-support bot that answers from the knowledge base.
 *
 * - **PII**: masked in questions, so retrieval, logs and session history never hold it. In answers,
 *   card numbers block the whole answer; secrets, SSNs, IBANs and IP addresses are masked; emails and
 *   phone numbers are reported only (`NONE`), because help-center answers legitimately quote the
 *   support team's contact addresses and the question that could have echoed a customer's own
 *   address was already masked.
 * - **Content filters**: PROMPT_ATTACK at HIGH on input (AWS requires NONE on output). INSULTS at
 *   MEDIUM, so a frustrated "this is useless" passes while abuse does not; VIOLENCE at MEDIUM, so
 *   "kill the process" is not violence; SEXUAL, HATE and MISCONDUCT at HIGH.
 * - **Denied topic**: investment advice, which a support bot must never give.
 * - **Words**: AWS's managed profanity list plus a few abusive words it may not carry.
 * - **Contextual grounding**: not in the default policy. AWS documents that contextual grounding
 *   does not support conversational QA / chatbot use cases, and on a stream an ungrounded answer is
 *   flagged only after it was sent; {@link withContextualGrounding} adds it (`-c contextualGrounding=true`).
 */
export const guardrailPolicy = {
  name: 'lantern-support-guardrail',
  description:
    'Lantern support chatbot: masks PII in questions, blocks card numbers in answers, prompt attacks, investment advice and profanity.',
  blockedInputMessaging:
    "Sorry, I can't help with that request. I can answer questions about using the product: please rephrase your question, without payment card numbers or other sensitive details.",
  blockedOutputsMessaging:
    "Sorry, I can't share that answer here. Please contact our support team, who can help you with this request directly.",
  contentPolicyConfig: {
    filtersConfig: [
      { type: 'PROMPT_ATTACK', inputStrength: 'HIGH', outputStrength: 'NONE' },
      { type: 'SEXUAL', inputStrength: 'HIGH', outputStrength: 'HIGH' },
      { type: 'VIOLENCE', inputStrength: 'MEDIUM', outputStrength: 'MEDIUM' },
      { type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' },
      { type: 'INSULTS', inputStrength: 'MEDIUM', outputStrength: 'MEDIUM' },
      { type: 'MISCONDUCT', inputStrength: 'HIGH', outputStrength: 'HIGH' },
    ],
  },
  topicPolicyConfig: {
    topicsConfig: [
      {
        name: 'Investment advice',
        definition:
          'Recommendations or opinions on investing money: which stocks, shares, bonds, funds, ETFs, crypto or other assets to buy, sell or hold, or whether their prices will rise or fall.',
        examples: [
          'Should I buy Tesla stock now?',
          'Is Bitcoin a good investment right now?',
          'How should I split my 401(k) between index funds and bonds?',
          'Which shares would you recommend for my retirement portfolio?',
          'Will gold or the S&P 500 go up next year?',
        ],
        type: 'DENY',
      },
    ],
  },
  wordPolicyConfig: {
    wordsConfig: [{ text: 'dumbass' }, { text: 'moron' }, { text: 'imbecile' }, { text: 'scumbag' }],
    managedWordListsConfig: [{ type: 'PROFANITY' }],
  },
  sensitiveInformationPolicyConfig: {
    piiEntitiesConfig: [
      pii('EMAIL', 'NONE'),
      pii('PHONE', 'NONE'),
      pii('CREDIT_DEBIT_CARD_NUMBER', 'BLOCK'),
      pii('CREDIT_DEBIT_CARD_CVV', 'BLOCK'),
      pii('CREDIT_DEBIT_CARD_EXPIRY', 'ANONYMIZE'),
      pii('US_SOCIAL_SECURITY_NUMBER', 'ANONYMIZE'),
      pii('INTERNATIONAL_BANK_ACCOUNT_NUMBER', 'ANONYMIZE'),
      pii('IP_ADDRESS', 'ANONYMIZE'),
      pii('AWS_ACCESS_KEY', 'ANONYMIZE'),
      pii('AWS_SECRET_KEY', 'ANONYMIZE'),
      pii('PASSWORD', 'ANONYMIZE'),
    ],
  },
} as const satisfies GuardrailPolicy;

/**
 * Contextual grounding checks, off by default: answers must be grounded in the retrieved passages
 * (score ≥ 0.7) and relevant to the question (≥ 0.5). AWS documents that the check does not support
 * conversational QA / chatbot use cases
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-contextual-grounding-check.html),
 * so turning it on is the operator's call.
 */
export const contextualGroundingPolicy = {
  filtersConfig: [
    { type: 'GROUNDING', threshold: 0.7 },
    { type: 'RELEVANCE', threshold: 0.5 },
  ],
} as const satisfies NonNullable<GuardrailPolicy['contextualGroundingPolicyConfig']>;

/** `policy` with {@link contextualGroundingPolicy} added. */
export function withContextualGrounding(policy: GuardrailPolicy): GuardrailPolicy {
  return { ...policy, contextualGroundingPolicyConfig: contextualGroundingPolicy };
}

/**
 * The guardrail the local emulator serves by default, standing in for the deployed one's id and
 * version (Bedrock guardrail ids match `^[a-z0-9]+$`).
 */
export const localGuardrail = { id: 'lanternlocal', version: '1' } as const;
