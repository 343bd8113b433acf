import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseSlackConfig, parseSlackIntakeConfig } from '../../shared/config.ts';

describe('parseSlackConfig', () => {
  it("defaults to Slack's public API and no secrets", () => {
    expect(parseSlackConfig({})).toEqual({ apiUrl: 'https://slack.com/api/', region: 'us-east-1' });
  });

  it('reads every variable, treating empty ones as unset', () => {
    expect(
      parseSlackConfig({
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_API_URL: 'http://127.0.0.1:9999/api',
        SLACK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/lantern-slack-jobs',
        SLACK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:lantern/slack-AbCdEf',
        SLACK_SOURCE_BASE_URL: 'https://help.example/',
        AWS_REGION: 'eu-west-1',
      }),
    ).toEqual({
      signingSecret: 'secret',
      botToken: 'xoxb-1',
      apiUrl: 'http://127.0.0.1:9999/api/',
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/lantern-slack-jobs',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:lantern/slack-AbCdEf',
      sourceBaseUrl: 'https://help.example/',
      region: 'eu-west-1',
    });
    expect(parseSlackConfig({ SLACK_SIGNING_SECRET: '', SLACK_BOT_TOKEN: '', SLACK_API_URL: '' })).toEqual({
      apiUrl: 'https://slack.com/api/',
      region: 'us-east-1',
    });
  });

  it('fails fast on bad values, naming the variable but never echoing the value', () => {
    try {
      parseSlackConfig({ SLACK_API_URL: 'not a url', SLACK_SECRET_ARN: 'xoxb-leaked-token' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('SLACK_API_URL');
      expect(message).toContain('SLACK_SECRET_ARN');
      expect(message).not.toContain('xoxb-leaked-token');
    }
  });
});

describe('parseSlackIntakeConfig', () => {
  const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:lantern/slack-AbCdEf';
  const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/lantern-slack-jobs';

  it('reads the table, the signing secret and the queue, and nothing the events function does not use', () => {
    expect(
      parseSlackIntakeConfig({
        TABLE_NAME: 'sessions',
        AWS_REGION: 'eu-west-1',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_QUEUE_URL: queueUrl,
        SLACK_SECRET_ARN: secretArn,
        // Read by the worker and the chat functions only: neither needed nor checked here.
        SLACK_API_URL: 'not a url',
        SLACK_BOT_TOKEN: 'xoxb-1',
        KNOWLEDGE_BASE_ID: 'not-valid!',
      }),
    ).toEqual({
      table: { tableName: 'sessions', region: 'eu-west-1', endpoints: { dynamodb: 'http://127.0.0.1:8000' } },
      slack: { signingSecret: 'secret', queueUrl, secretArn, region: 'eu-west-1' },
    });
    expect(parseSlackIntakeConfig({ TABLE_NAME: 'sessions', SLACK_SIGNING_SECRET: '' })).toEqual({
      table: { tableName: 'sessions', region: 'us-east-1', endpoints: { dynamodb: undefined } },
      slack: { region: 'us-east-1' },
    });
  });

  it('refuses each variable with the rule and words of the full parses, never echoing a value', () => {
    const full = { KNOWLEDGE_BASE_ID: 'ABCDE12345', MODEL_ARN: 'm' };
    for (const [env, fullParse] of [
      [{ TABLE_NAME: '' }, () => parseConfig({ ...full, TABLE_NAME: '' })],
      [{}, () => parseConfig(full)],
      [
        { TABLE_NAME: 't', DYNAMODB_ENDPOINT: 'nope' },
        () => parseConfig({ ...full, TABLE_NAME: 't', DYNAMODB_ENDPOINT: 'nope' }),
      ],
      [{ TABLE_NAME: 't', AWS_REGION: '' }, () => parseSlackConfig({ AWS_REGION: '' })],
      [{ TABLE_NAME: 't', SLACK_QUEUE_URL: 'x' }, () => parseSlackConfig({ SLACK_QUEUE_URL: 'x' })],
      [
        { TABLE_NAME: 't', SLACK_SECRET_ARN: 'xoxb-leaked-token' },
        () => parseSlackConfig({ SLACK_SECRET_ARN: 'xoxb-leaked-token' }),
      ],
    ] as const) {
      const expected = refusalOf(fullParse).replace(/^Invalid (Lantern|Slack) configuration: /, '');
      expect(expected, JSON.stringify(env)).not.toBe('accepted');
      expect(refusalOf(() => parseSlackIntakeConfig(env))).toBe(
        `Invalid Slack events configuration: ${expected}`,
      );
    }
    expect(refusalOf(() => parseSlackIntakeConfig({ SLACK_SECRET_ARN: 'xoxb-leaked-token' }))).not.toContain(
      'xoxb-leaked-token',
    );
  });
});

function refusalOf(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  return 'accepted';
}
