/**
 * Evaluation datasets: JSON Lines, one case per line (format in `test/eval/README.md`).
 *
 *   {"id":"q01","question":"How do I star a doc?","expectedSources":["section_1.md"],"referenceAnswer":"…"}
 *   {"id":"f01","turns":["How do I add a Pack?","and how do I remove it?"],"expectedSources":["section_36.md"]}
 *   {"id":"x01","question":"What's the weather in Paris?","expectNoAnswer":true}
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';

/** `POST /v1/chat` accepts messages of 1 to 1,000 characters. */
const MAX_MESSAGE = 1_000;
const MAX_TURNS = 20;
const MAX_CASES = 10_000;

const message = z
  .string({ message: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_MESSAGE, `must be at most ${MAX_MESSAGE} characters (the API's limit)`);

const lineSchema = z
  .strictObject({
    id: z
      .string({ message: 'is required and must be a string' })
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters'),
    question: message.optional(),
    turns: z
      .array(message, { message: 'must be an array of strings' })
      .min(1, 'must hold at least one message')
      .max(MAX_TURNS, `must hold at most ${MAX_TURNS} messages`)
      .optional(),
    expectedSources: z
      .array(z.string({ message: 'must be strings' }).trim().min(1, 'must not be empty'), {
        message: 'must be an array of document names or URIs',
      })
      .min(1, 'must name at least one document (or leave the field out)')
      .optional(),
    referenceAnswer: z.string({ message: 'must be a string' }).trim().min(1, 'must not be empty').optional(),
    expectNoAnswer: z.boolean({ message: 'must be true or false' }).optional(),
  })
  .refine((c) => (c.question === undefined) !== (c.turns === undefined), {
    message: 'needs exactly one of "question" and "turns"',
  })
  .refine((c) => !(c.expectNoAnswer && (c.expectedSources || c.referenceAnswer)), {
    message: '"expectNoAnswer": true cannot be combined with "expectedSources" or "referenceAnswer"',
  });

export type CaseKind = 'question' | 'follow-up' | 'no-answer';

/** One dataset line, normalized: a single `question` becomes one turn. */
export interface EvalCase {
  readonly id: string;
  /** The messages sent in one session, in order; the last one is scored. */
  readonly turns: readonly string[];
  readonly expectedSources?: readonly string[];
  readonly referenceAnswer?: string;
  readonly expectNoAnswer: boolean;
  /** 1-based line number in the dataset file. */
  readonly line: number;
}

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

export function kindOf(c: Pick<EvalCase, 'turns' | 'expectNoAnswer'>): CaseKind {
  if (c.expectNoAnswer) return 'no-answer';
  return c.turns.length > 1 ? 'follow-up' : 'question';
}

/**
 * Parses and validates a JSONL dataset. Blank lines are skipped; any other problem throws a
 * `DatasetError` naming the source and line, e.g. `coda.jsonl:7: "turns" must not be empty`.
 */
export function parseDataset(text: string, source = 'dataset'): EvalCase[] {
  const cases: EvalCase[] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]?.trim() ?? '';
    if (raw === '') continue;
    const line = index + 1;
    const fail = (problem: string): never => {
      throw new DatasetError(`${source}:${line}: ${problem}`);
    };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      fail(`not valid JSON (${(error as Error).message})`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('must be a JSON object');
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      fail(
        parsed.error.issues
          .map((issue) => (issue.path.length ? `"${issue.path.join('.')}" ${issue.message}` : issue.message))
          .join('; '),
      );
    }
    const value = parsed.data as z.infer<typeof lineSchema>;
    const first = seen.get(value.id);
    if (first !== undefined) fail(`id "${value.id}" is already used on line ${first}`);
    seen.set(value.id, line);
    if (cases.length >= MAX_CASES) fail(`a dataset holds at most ${MAX_CASES} cases`);
    cases.push({
      id: value.id,
      turns: value.turns ?? [value.question as string],
      ...(value.expectedSources ? { expectedSources: value.expectedSources } : {}),
      ...(value.referenceAnswer ? { referenceAnswer: value.referenceAnswer } : {}),
      expectNoAnswer: value.expectNoAnswer ?? false,
      line,
    });
  }
  if (cases.length === 0) throw new DatasetError(`${source}: the dataset holds no cases`);
  return cases;
}

export function loadDataset(path: string): EvalCase[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DatasetError(`cannot read dataset ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseDataset(text, basename(path));
}
