import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SecretsManagerSlackCredentials,
  SlackCredentialsError,
  StaticSlackCredentials,
} from '../../shared/slack/credentials.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:lantern/slack-AbCdEf';

/** A Secrets Manager stand-in on loopback, speaking the real JSON protocol. */
let server: Server;
let endpoint: string;
let requests: { target: string; secretId: string }[] = [];
let secretString: string | undefined;
let failNext = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      requests.push({ target: String(req.headers['x-amz-target']), secretId: SecretId });
      if (failNext) {
        failNext = false;
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'InternalServiceError', message: 'try again' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({ ARN: SecretId, Name: 'lantern/slack', VersionId: 'v1', SecretString: secretString }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = () =>
  new SecretsManagerClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });

describe('SecretsManagerSlackCredentials', () => {
  it('reads the secret once per container and keeps it', async () => {
    requests = [];
    secretString = JSON.stringify({ signingSecret: 'sign-me', botToken: 'xoxb-123' });
    const credentials = new SecretsManagerSlackCredentials(client(), ARN);
    const [a, b] = await Promise.all([credentials.get(), credentials.get()]);
    expect(a).toEqual({ signingSecret: 'sign-me', botToken: 'xoxb-123' });
    expect(await credentials.get()).toBe(a);
    expect(b).toBe(a);
    expect(requests).toEqual([{ target: 'secretsmanager.GetSecretValue', secretId: ARN }]);
  });

  it('does not cache a failed read: the next invocation tries again', async () => {
    requests = [];
    secretString = JSON.stringify({ signingSecret: 'sign-me', botToken: 'xoxb-123' });
    failNext = true;
    const credentials = new SecretsManagerSlackCredentials(client(), ARN);
    await expect(credentials.get()).rejects.toThrow();
    expect(await credentials.get()).toEqual({ signingSecret: 'sign-me', botToken: 'xoxb-123' });
    expect(requests).toHaveLength(2);
  });

  it('refuses a malformed secret without quoting it', async () => {
    for (const value of [
      'xoxb-secret-token-in-plain-text',
      JSON.stringify({ signingSecret: 'only-this-one' }),
    ]) {
      secretString = value;
      const error = await new SecretsManagerSlackCredentials(client(), ARN).get().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SlackCredentialsError);
      expect(String(error)).not.toContain('xoxb-secret-token');
      expect(String(error)).not.toContain('only-this-one');
    }
  });
});

describe('StaticSlackCredentials', () => {
  it('hands back what it was given (the plain environment variables)', async () => {
    expect(await new StaticSlackCredentials({ signingSecret: 's' }).get()).toEqual({ signingSecret: 's' });
  });
});
