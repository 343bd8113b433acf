/**
 * The request members the operations read, typed. The router has already checked every request
 * against its operation's input shape in AWS's model (protocol/validate-request.ts), so these are
 * plain types, not a second set of rules. `parseRequest` remains for checks a handler still makes
 * with zod; its messages follow AWS's wording too.
 */
import type { z } from 'zod';
import { validationError } from './errors.ts';

interface RetrievalConfiguration {
  readonly vectorSearchConfiguration?: { readonly numberOfResults?: number };
}

export interface RetrieveRequest {
  readonly knowledgeBaseId: string;
  readonly retrievalQuery: { readonly text: string };
  readonly retrievalConfiguration?: RetrievalConfiguration;
}

export interface RetrieveAndGenerateRequest {
  readonly input: { readonly text: string };
  readonly sessionId?: string;
  readonly retrieveAndGenerateConfiguration?: {
    readonly type: 'KNOWLEDGE_BASE' | 'EXTERNAL_SOURCES';
    readonly knowledgeBaseConfiguration?: {
      readonly knowledgeBaseId: string;
      readonly modelArn: string;
      readonly retrievalConfiguration?: RetrievalConfiguration;
      readonly generationConfiguration?: {
        readonly guardrailConfiguration?: { readonly guardrailId: string; readonly guardrailVersion: string };
      };
    };
  };
}

export interface StartIngestionJobRequest {
  readonly clientToken?: string;
  readonly description?: string;
}

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
