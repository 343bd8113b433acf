/**
 * Prompt-attack heuristics: the families of jailbreak and injection that show up in practice,
 * each as patterns with a confidence. Every reading of the text from `normalize.ts` is scanned, so
 * "1gn0re prev1ous 1nstruct10ns", "i g n o r e ..." and a base64-encoded instruction are caught
 * like the plain sentence.
 *
 * Bedrock's PROMPT_ATTACK filter is a trained classifier; these rules are an approximation that
 * errs towards the obvious. They deliberately leave alone what a support question says with the
 * same words: "ignore notifications", "ignore my previous message", "override the default rules",
 * "act as a reviewer", "the setup instructions".
 */
import type { Confidence } from './content-filters.ts';
import { textVariants } from './normalize.ts';

export interface PatternRule {
  readonly name: string;
  readonly pattern: RegExp;
  readonly confidence: Exclude<Confidence, 'NONE'>;
}

/** Qualifiers that point an instruction word at the assistant's own instructions. */
const THEIR =
  '(?:all(?:\\s+(?:of\\s+)?(?:the|your|my))?|any|every|your|(?:the\\s+|your\\s+|all\\s+(?:the\\s+)?)?(?:previous|prior|above|earlier|preceding|initial|original|system|safety|developer|old)|everything)';
const INSTRUCTIONS =
  '(?:instructions?|rules|guidelines|guardrails|directives|prompts?|constraints|restrictions|policies|programming|context|directions|training|orders)';

export const PROMPT_ATTACK_RULES: readonly PatternRule[] = [
  {
    name: 'ignore-instructions',
    pattern: new RegExp(
      `\\b(?:ignore|disregard|forget|override|bypass|skip|drop|abandon|overwrite|discard|neglect)\\s+(?:\\w+\\s+){0,2}?${THEIR}\\s+(?:\\w+\\s+){0,2}?${INSTRUCTIONS}\\b`,
    ),
    confidence: 'HIGH',
  },
  {
    name: 'ignore-everything-before',
    pattern:
      /\b(?:ignore|disregard|forget)\s+(?:everything|all|anything|what)\b[^.!?\n]{0,40}\b(?:above|before|earlier|previously|told|said|given)\b/,
    confidence: 'HIGH',
  },
  {
    name: 'disregard-the-above',
    pattern:
      /\b(?:ignore|disregard|forget)\s+(?:the\s+|all\s+(?:the\s+)?)?(?:above|previous|preceding)\b(?!\s+(?:message|email|question|comment|reply|step))/,
    confidence: 'HIGH',
  },
  {
    name: 'jailbreak-persona',
    pattern:
      /\b(?:you\s+are|you're|act\s+as|become|enable|activate|enter|switch\s+to|turn\s+on)\s+(?:now\s+)?(?:a\s+|an\s+|the\s+|in\s+)?(?:dan\b|do\s+anything\s+now|developer\s+mode|dev\s+mode|jailbr(?:eak|oken)(?:\s+mode)?|god\s+mode|unfiltered\s+mode|evil\s+(?:mode|assistant|ai|bot)|unrestricted\s+(?:ai|mode|assistant|model))/,
    confidence: 'HIGH',
  },
  { name: 'do-anything-now', pattern: /\bdo\s+anything\s+now\b/, confidence: 'HIGH' },
  {
    name: 'no-rules-roleplay',
    pattern:
      /\b(?:pretend|imagine|act|roleplay|role-play|behave|respond|answer|you\s+are|you're)\b[^.!?\n]{0,50}\b(?:without|no|free\s+(?:of|from)|not\s+bound\s+by|ignoring|unrestricted\s+by)\s+(?:any\s+)?(?:\w+\s+)?(?:rules|restrictions|limits|limitations|filters|guidelines|ethics|morals|censorship|policies|content\s+polic(?:y|ies)|safety)\b/,
    confidence: 'HIGH',
  },
  {
    name: 'no-longer-bound',
    pattern:
      /\byou\s+(?:are|'re)\s+no\s+longer\s+(?:an?\s+)?(?:ai|assistant|support|bound|restricted|limited|required|chatgpt|claude|a\s+language\s+model|\w+\s+assistant)/,
    confidence: 'HIGH',
  },
  {
    name: 'from-now-on-persona',
    pattern: /\bfrom\s+now\s+on,?\s+(?:you|you're|act|respond|answer|behave|pretend)\b/,
    confidence: 'MEDIUM',
  },
  {
    name: 'system-prompt-extraction',
    pattern:
      /\b(?:reveal|show|print|display|output|repeat|recite|tell\s+me|give\s+me|share|leak|dump|list|what\s+(?:is|are|was|were)|write\s+out|copy)\b[^.!?\n]{0,40}\b(?:your\s+(?:\w+\s+)?(?:system\s+)?(?:prompt|instructions|directives|initial\s+message)|(?:the|your)\s+(?:system|hidden|secret|internal|developer|confidential)\s+(?:prompt|instructions?|message|configuration|config|rules))\b/,
    confidence: 'HIGH',
  },
  { name: 'system-prompt-mention', pattern: /\b(?:your|the)\s+system\s+prompt\b/, confidence: 'MEDIUM' },
  {
    name: 'what-were-you-told',
    pattern: /\bwhat\s+(?:were|have)\s+you\s+(?:been\s+)?(?:told|instructed|programmed)\b/,
    confidence: 'HIGH',
  },
  {
    name: 'repeat-above',
    pattern:
      /\b(?:repeat|print|output|recite|copy)\s+(?:back\s+)?(?:everything|all|the\s+(?:text|words|lines|content))\b[^.!?\n]{0,20}\b(?:above|before|preceding|prior)\b/,
    confidence: 'HIGH',
  },
  {
    name: 'injected-role-marker',
    pattern:
      /(?:^|\n|[.!?]\s*)\s*(?:#{2,}\s*|\[|<\|?)\s*(?:system|assistant|instructions?)\s*(?:\]|\|?>|:)|<\|im_start\|>|\[\/?inst\]|\bnew\s+(?:system\s+)?instructions?\s*:/,
    confidence: 'HIGH',
  },
  {
    name: 'grandma-exploit',
    pattern:
      /\b(?:grandma|grandmother|granny)\b[^.!?\n]{0,80}\b(?:used\s+to|would)\b[^.!?\n]{0,40}\b(?:tell|read|recite|sing)\b/,
    confidence: 'MEDIUM',
  },
  {
    name: 'decode-and-follow',
    pattern:
      /\b(?:decode|decrypt|translate)\b[^.!?\n]{0,40}\b(?:and|then)\s+(?:follow|execute|obey|do|run)\b|\b(?:base64|rot13|hex)[- ]?(?:encoded|decoded)?\s+(?:instructions?|prompt|command)\b/,
    confidence: 'MEDIUM',
  },
  { name: 'jailbreak-word', pattern: /\bjailbr(?:eak|eaking|oken)\b/, confidence: 'MEDIUM' },
  // The same opening move in the languages attackers switch to most.
  {
    name: 'ignore-instructions-es-pt-it',
    pattern:
      /\b(?:ignora|ignore|olvida|esquece|dimentica)\w*\s+(?:todas\s+|todos\s+|tutte\s+)?(?:las|os|as|le|tus|suas)?\s*(?:instrucciones|instruções|instrucoes|istruzioni|reglas|regras|regole)\b/,
    confidence: 'HIGH',
  },
  {
    name: 'ignore-instructions-fr',
    pattern:
      /\b(?:ignore|oublie|oubliez|ignorez)\w*\s+(?:toutes\s+)?(?:les|tes|vos)\s+(?:instructions|règles|consignes)\b/,
    confidence: 'HIGH',
  },
  {
    name: 'ignore-instructions-de',
    pattern:
      /\b(?:ignoriere|ignorieren|vergiss|vergessen)\s+(?:sie\s+)?(?:alle\s+)?(?:vorherigen\s+|bisherigen\s+|deine\s+)?(?:anweisungen|regeln|instruktionen)\b/,
    confidence: 'HIGH',
  },
];

export interface RuleHit {
  readonly rule: string;
  readonly confidence: Exclude<Confidence, 'NONE'>;
}

/** Every rule that fires on any reading of the text. */
export function promptAttackHits(text: string): RuleHit[] {
  const hits = new Map<string, RuleHit>();
  for (const variant of textVariants(text)) {
    for (const rule of PROMPT_ATTACK_RULES) {
      if (!hits.has(rule.name) && rule.pattern.test(variant)) {
        hits.set(rule.name, { rule: rule.name, confidence: rule.confidence });
      }
    }
  }
  return [...hits.values()];
}
