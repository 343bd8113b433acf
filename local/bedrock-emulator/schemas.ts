/**
 * Request validation with the constraints of the bedrock-agent-runtime model (lengths, patterns,
 * ranges), reported the way AWS reports them: "1 validation error detected: Value at 'input.text'
 * failed to satisfy constraint: Member must have length less than or equal to 1000".
 */
import { z } from 'zod';
import { validationError } from './errors.ts';

const knowledgeBaseIdSchema = z
  .string()
  .max(10)
  .regex(/^[0-9a-zA-Z]+$/);

/** The URI labels of Retrieve. */
export const retrievePathSchema = z.object({ knowledgeBaseId: knowledgeBaseIdSchema });

const sessionIdSchema = z
  .string()
  .min(2)
  .max(100)
  .regex(/^[0-9a-zA-Z._:-]+$/);

const vectorSearchConfigurationSchema = z.looseObject({
  numberOfResults: z.number().int().min(1).max(100).optional(),
  overrideSearchType: z.enum(['HYBRID', 'SEMANTIC']).optional(),
  // Metadata filters are accepted and not applied: local documents carry no custom metadata.
  filter: z.record(z.string(), z.unknown()).optional(),
});

const retrievalConfigurationSchema = z.looseObject({
  vectorSearchConfiguration: vectorSearchConfigurationSchema.optional(),
});

const guardrailConfigurationSchema = z.object({
  guardrailId: z
    .string()
    .max(64)
    .regex(/^[a-z0-9]+$/),
  guardrailVersion: z.string().regex(/^([1-9][0-9]{0,7}|DRAFT)$/),
});

const generationConfigurationSchema = z.looseObject({
  promptTemplate: z.looseObject({ textPromptTemplate: z.string().min(1).max(4000).optional() }).optional(),
  guardrailConfiguration: guardrailConfigurationSchema.optional(),
  inferenceConfig: z
    .looseObject({
      textInferenceConfig: z
        .looseObject({
          temperature: z.number().min(0).max(1).optional(),
          topP: z.number().min(0).max(1).optional(),
          maxTokens: z.number().int().min(0).max(65536).optional(),
          stopSequences: z.array(z.string()).max(4).optional(),
        })
        .optional(),
    })
    .optional(),
});

export const retrieveRequestSchema = z.looseObject({
  retrievalQuery: z.looseObject({
    text: z.string().max(20000),
    type: z.enum(['TEXT', 'IMAGE']).optional(),
  }),
  retrievalConfiguration: retrievalConfigurationSchema.optional(),
  guardrailConfiguration: guardrailConfigurationSchema.optional(),
  nextToken: z.string().optional(),
});

export const retrieveAndGenerateRequestSchema = z.looseObject({
  input: z.object({ text: z.string().max(1000) }),
  retrieveAndGenerateConfiguration: z.looseObject({
    type: z.enum(['KNOWLEDGE_BASE', 'EXTERNAL_SOURCES']),
    knowledgeBaseConfiguration: z
      .looseObject({
        knowledgeBaseId: knowledgeBaseIdSchema,
        modelArn: z.string().min(1).max(2048),
        retrievalConfiguration: retrievalConfigurationSchema.optional(),
        generationConfiguration: generationConfigurationSchema.optional(),
      })
      .optional(),
  }),
  sessionConfiguration: z.object({ kmsKeyArn: z.string().min(1).max(2048) }).optional(),
  sessionId: sessionIdSchema.optional(),
});

export type RetrieveRequest = z.infer<typeof retrieveRequestSchema>;
export type RetrieveAndGenerateRequest = z.infer<typeof retrieveAndGenerateRequestSchema>;

/** Parses or throws a ValidationException worded like AWS's. */
export function parseRequest<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const details = issues.map(
    (issue) =>
      `${describeValue(issue, body)}at '${formatPath(issue.path)}' failed to satisfy constraint: ${constraint(issue)}`,
  );
  const count = issues.length;
  throw validationError(`${count} validation error${count === 1 ? '' : 's'} detected: ${details.join('; ')}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : String(part)))
    .join('.')
    .replace(/\.\[/g, '[');
}

/** AWS echoes short offending values; long ones (like a 2 000-character question) are left out. */
function describeValue(issue: z.core.$ZodIssue, body: unknown): string {
  let value: unknown = body;
  for (const part of issue.path) {
    value =
      value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part] : undefined;
  }
  return typeof value === 'string' && value.length <= 100 ? `Value '${value}' ` : 'Value ';
}

function constraint(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string'
        ? `Member must have length less than or equal to ${issue.maximum}`
        : `Member must have value less than or equal to ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `Member must have length greater than or equal to ${issue.minimum}`
        : `Member must have value greater than or equal to ${issue.minimum}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue
        ? `Member must satisfy regular expression pattern: ${patternSource(issue.pattern)}`
        : 'Member must have a valid format';
    case 'invalid_value':
      return `Member must satisfy enum value set: [${issue.values.map(String).join(', ')}]`;
    case 'invalid_type':
      return issue.input === undefined
        ? 'Member must not be null'
        : `Member must be of type ${issue.expected}`;
    default:
      return issue.message;
  }
}

function patternSource(pattern: unknown): string {
  return pattern instanceof RegExp ? pattern.source : String(pattern);
}
