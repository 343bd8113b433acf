import type { EnvironmentVariableName } from '../config/environment.ts';
import * as z from './validation.ts';

/** A schema per variable of the environment contract: a name outside it fails the type check. */
export type ContractShape = { readonly [Name in EnvironmentVariableName]?: z.core.$ZodType };

/** An empty variable counts as unset, as `export NAME=` means in a shell. */
export const blankAsUnset = <T extends z.core.$ZodType>(schema: T) =>
  z.pipe(
    z.transform((value: unknown) => (value === '' ? undefined : value)),
    schema,
  );

/** An optional Secrets Manager secret ARN (the secret's name may carry its random suffix). */
export const optionalSecretArn = () =>
  z.optional(
    z
      .string()
      .check(
        z.regex(
          /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
          'must be a Secrets Manager secret ARN',
        ),
      ),
  );

/** A comma-separated list, trimmed, without blanks or repeats; unset is empty. */
export const commaList = () =>
  z.pipe(
    z.optional(z.string()),
    z.transform((value: string | undefined) =>
      [...new Set((value ?? '').split(',').map((item) => item.trim()))].filter(Boolean),
    ),
  );

/** `AWS_REGION`, which Lambda always sets; locally it defaults. */
export const awsRegion = () => z._default(z.string().check(z.minLength(1)), 'us-east-1');

/** A configuration the process cannot run with; thrown at cold start, naming the variables. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** What `parseVariables` returns: each variable's parsed value under its name. */
export type ParsedVariables<Shape extends ContractShape> = {
  -readonly [Name in keyof Shape]: NonNullable<Shape[Name]> extends z.core.$ZodType
    ? z.output<NonNullable<Shape[Name]>>
    : never;
};

/**
 * Parses each variable with its own schema, or throws a ConfigError listing each variable in the
 * order given with its rule (never its value: a secret may be in it). Cheaper at a cold start than
 * an object schema around them, where every function parses its settings: no object schema is built around the
 * variables, and zod's object parsing, run once per process, is never warmed up for it.
 */
export function parseVariables<Shape extends ContractShape>(
  shape: Shape,
  env: Record<string, string | undefined>,
  what: string,
): ParsedVariables<Shape> {
  const parsed: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(shape)) {
    if (!schema) continue;
    const result = z.safeParse(schema, env[name]);
    if (result.success) parsed[name] = result.data;
    else
      for (const issue of result.error.issues)
        problems.push(`${[name, ...issue.path].join('.')} ${issue.message}`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid ${what} configuration: ${problems.join('; ')}`);
  return parsed as ParsedVariables<Shape>;
}
