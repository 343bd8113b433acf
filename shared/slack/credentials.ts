import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from '../validation.ts';

/** The Slack app's secrets. Never log them. */
export interface SlackCredentials {
  readonly signingSecret?: string;
  readonly botToken?: string;
}

/** Where the secrets come from: the environment locally, Secrets Manager on AWS. */
export interface SlackCredentialsProvider {
  get(): Promise<SlackCredentials>;
}

/** Secrets given directly (the plain environment variables, or a test). */
export class StaticSlackCredentials implements SlackCredentialsProvider {
  constructor(private readonly credentials: SlackCredentials) {}

  async get(): Promise<SlackCredentials> {
    return this.credentials;
  }
}

export class SlackCredentialsError extends Error {
  override readonly name = 'SlackCredentialsError';
}

const secretSchema = z.object({
  signingSecret: z.string().check(z.minLength(1)),
  botToken: z.string().check(z.minLength(1)),
});

/**
 * Reads the secret `{"signingSecret","botToken"}` from Secrets Manager once per container and keeps
 * it. A failed read is not cached, so the next invocation tries again. Error messages never carry
 * the secret's content (a JSON parse error would quote it).
 */
export class SecretsManagerSlackCredentials implements SlackCredentialsProvider {
  private cached: Promise<SlackCredentials> | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretArn: string,
  ) {}

  get(): Promise<SlackCredentials> {
    this.cached ??= this.load().catch((error: unknown) => {
      this.cached = undefined;
      throw error;
    });
    return this.cached;
  }

  private async load(): Promise<SlackCredentials> {
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretArn }));
    let data: unknown;
    try {
      data = JSON.parse(SecretString ?? '');
    } catch {
      throw new SlackCredentialsError('The Slack secret is not JSON {"signingSecret","botToken"}');
    }
    const result = secretSchema.safeParse(data);
    if (!result.success) {
      const fields = result.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
      throw new SlackCredentialsError(`The Slack secret lacks or has an empty ${fields}`);
    }
    return result.data;
  }
}
