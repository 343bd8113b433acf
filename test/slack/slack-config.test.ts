import { describe, expect, it } from 'vitest';
import { ConfigError, parseSlackConfig } from '../../shared/config.ts';

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
