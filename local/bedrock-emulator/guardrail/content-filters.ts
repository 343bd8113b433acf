/**
 * Content filters: a confidence (NONE, LOW, MEDIUM, HIGH) per category, compared with the
 * filter's strength the way Bedrock does it: strength HIGH blocks LOW, MEDIUM and HIGH confidence;
 * MEDIUM blocks MEDIUM and HIGH; LOW blocks HIGH only; NONE blocks nothing.
 *
 * Bedrock scores categories with trained classifiers. Here each category is a short list of
 * phrase patterns with a confidence: enough to exercise the filter path with the obvious cases
 * (threats, slurs against groups, explicit requests, how-to-commit-a-crime questions, direct
 * abuse) while leaving idioms alone ("kill the process", "my boss will kill me", "hack together a
 * workflow", "this export is useless"). PROMPT_ATTACK has its own module.
 */
import type { GuardrailContentFilterType, GuardrailFilterStrength } from '../../../config/guardrail.ts';
import { foldText, unleet } from './normalize.ts';
import { type PatternRule, promptAttackHits } from './prompt-attack.ts';
import { rememberLast } from './remember-last.ts';

export type Confidence = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';

const RANK: Readonly<Record<Confidence, number>> = { NONE: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };

/** Whether a filter of this strength acts on content classified with this confidence. */
export function strengthCatches(strength: GuardrailFilterStrength, confidence: Confidence): boolean {
  if (strength === 'NONE' || confidence === 'NONE') return false;
  return RANK[confidence] >= 4 - RANK[strength];
}

const PEOPLE =
  '(?:you|u|him|her|them|everyone|everybody|people|your\\s+(?:family|kids|staff|team|boss)|my\\s+(?:boss|wife|husband|neighbou?r|ex|coworkers?|colleagues?))';
const GROUPS =
  '(?:immigrants|migrants|refugees|muslims|jews|christians|hindus|sikhs|buddhists|atheists|arabs|asians|africans|mexicans|latinos|black\\s+people|white\\s+people|gay\\s+people|gays|lesbians|trans\\s+people|transgender\\s+people|women|men|disabled\\s+people)';

const RULES: Readonly<Record<Exclude<GuardrailContentFilterType, 'PROMPT_ATTACK'>, readonly PatternRule[]>> =
  {
    VIOLENCE: [
      {
        name: 'threat',
        pattern: new RegExp(
          `\\b(?:i|we)\\s*(?:'ll|will|am\\s+going\\s+to|'m\\s+going\\s+to|'m\\s+gonna|am\\s+gonna|gonna|want\\s+to|wanna)\\s+(?:\\w+\\s+){0,6}?(?:kill|murder|shoot|stab|hurt|beat\\s+up|strangle|burn|attack|punch)\\s+${PEOPLE}\\b`,
        ),
        confidence: 'HIGH',
      },
      {
        name: 'kill-someone',
        pattern: new RegExp(
          `\\b(?:kill|murder|shoot|stab|strangle|behead)\\s+${PEOPLE}\\b(?!\\s+(?:off|out)\\b)`,
        ),
        confidence: 'MEDIUM',
      },
      {
        name: 'mass-violence',
        pattern:
          /\b(?:mass\s+shooting|school\s+shooting|massacre|terrorist\s+attack|bomb\s+(?:the|a)\s+(?:school|office|building))\b/,
        confidence: 'HIGH',
      },
      { name: 'gore', pattern: /\b(?:gore|mutilat\w*|dismember\w*|torture\w*)\b/, confidence: 'MEDIUM' },
    ],
    INSULTS: [
      {
        name: 'you-are-insult',
        pattern:
          /\b(?:you(?:'re|\s+are|\s+r)|u\s+r|ur)\s+(?:a|an|such\s+an?|so|the|the\s+most|an\s+absolute|a\s+total|a\s+complete)?\s*(?:\w+\s+)?(?:stupid|idiot\w*|moron\w*|useless|worthless|pathetic|incompetent|dumb\w*|imbecile|loser|garbage|trash|clown|joke)\b/,
        confidence: 'HIGH',
      },
      {
        name: 'insulting-epithet',
        pattern:
          /\b(?:stupid|dumb|useless|worthless|pathetic|brainless)\s+(?:bot|machine|assistant|ai|robot|idiot|piece\s+of\s+\w+)\b/,
        confidence: 'HIGH',
      },
      {
        name: 'insult-noun',
        pattern: /\b(?:idiots?|morons?|imbeciles?|dumbass\w*|losers?|cretins?|halfwits?|nitwits?)\b/,
        confidence: 'MEDIUM',
      },
      { name: 'shut-up', pattern: /\bshut\s+up\b/, confidence: 'MEDIUM' },
      {
        name: 'negative-adjective',
        pattern: /\b(?:stupid|dumb|useless|garbage|trash|pathetic|awful|terrible)\b/,
        confidence: 'LOW',
      },
    ],
    HATE: [
      {
        name: 'dehumanising-group',
        pattern: new RegExp(
          `\\b${GROUPS}\\s+(?:are|is)\\s+(?:all\\s+)?(?:vermin|animals|subhuman|parasites|cockroaches|rats|inferior|filth|a\\s+disease|a\\s+plague|disgusting)\\b`,
        ),
        confidence: 'HIGH',
      },
      {
        name: 'harm-group',
        pattern: new RegExp(
          `\\b${GROUPS}\\s+(?:should|must|need\\s+to|deserve\\s+to)\\s+(?:all\\s+)?(?:be\\s+)?(?:die|killed|exterminated|wiped\\s+out|gassed|eradicated|deported|banned)\\b`,
        ),
        confidence: 'HIGH',
      },
      {
        name: 'hate-group',
        pattern: new RegExp(`\\bi\\s+(?:hate|despise)\\s+(?:all\\s+)?${GROUPS}\\b`),
        confidence: 'MEDIUM',
      },
    ],
    SEXUAL: [
      {
        name: 'explicit',
        pattern:
          /\b(?:porn\w*|nudes|nude\s+(?:pics?|photos?|images?|videos?)|naked\s+(?:pics?|photos?)|explicit\s+sex\w*|sex\s+(?:acts?|tape|chat)|have\s+sex\s+with|blow\s*job|hand\s*job|sexting|sext\s+me|erotic\s+(?:story|roleplay))\b/,
        confidence: 'HIGH',
      },
      { name: 'suggestive', pattern: /\b(?:sexy|horny|naked|nsfw|lingerie)\b/, confidence: 'MEDIUM' },
    ],
    MISCONDUCT: [
      {
        name: 'how-to-crime',
        pattern:
          /\b(?:how\s+(?:do\s+i|to|can\s+i|would\s+i|could\s+i)|help\s+me|teach\s+me|show\s+me\s+how\s+to|ways\s+to)\s+(?:\w+\s+){0,2}?(?:hack\s+(?:into|someone|an?\s+account|my\s+\w+'?s?)|break\s+into|steal|launder|shoplift|counterfeit|forge\s+(?:a|an|documents?|signatures?|checks?)|evade\s+taxes|make\s+(?:meth|a\s+bomb|explosives|a\s+weapon|poison)|buy\s+(?:drugs|cocaine|heroin|a\s+gun\s+illegally)|crack\s+(?:a|the|someone'?s)\s+(?:password|license|licence|software)|phish|ddos|dox)\b/,
        confidence: 'HIGH',
      },
      {
        name: 'crime-tools',
        pattern:
          /\b(?:stolen\s+credit\s+cards?|credit\s+card\s+dumps?|carding|phishing\s+(?:kit|page|email\s+template)|keylogger|ransomware|botnet|fake\s+(?:id|passport)s?)\b/,
        confidence: 'MEDIUM',
      },
      { name: 'hack-into', pattern: /\bhack(?:ing)?\s+into\b/, confidence: 'MEDIUM' },
    ],
  };

export interface FilterAssessment {
  readonly type: GuardrailContentFilterType;
  readonly confidence: Confidence;
}

function maxConfidence(confidences: readonly Confidence[]): Confidence {
  return confidences.reduce<Confidence>((best, c) => (RANK[c] > RANK[best] ? c : best), 'NONE');
}

/** The readings the category rules scan: folded, and folded with leetspeak read as letters. */
const readings = rememberLast((text: string): readonly string[] => {
  const folded = foldText(text);
  return [...new Set([folded, unleet(folded)])];
});

/** The classifier's confidence that `text` belongs to the category. */
export function classify(type: GuardrailContentFilterType, text: string): Confidence {
  if (type === 'PROMPT_ATTACK') return maxConfidence(promptAttackHits(text).map((hit) => hit.confidence));
  const variants = readings(text);
  return maxConfidence(
    RULES[type]
      .filter((rule) => variants.some((variant) => rule.pattern.test(variant)))
      .map((rule) => rule.confidence),
  );
}
