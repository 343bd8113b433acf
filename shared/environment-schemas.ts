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
