import { describe, expect, it } from 'vitest';
import { environmentContract, toEnvironmentRecord, variablesFor } from '../../config/environment.ts';
import { parseConfig } from '../../shared/config.ts';

const required = Object.entries(environmentContract)
  .filter(([, variable]) => variable.required)
  .map(([name]) => name);

describe('the environment contract and shared/config.ts', () => {
  it('refuses a configuration without the required variables, naming each of them', () => {
    expect(required).toEqual(['TABLE_NAME', 'KNOWLEDGE_BASE_ID', 'MODEL_ARN']);
    let message = '';
    try {
      parseConfig({});
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of required) expect(message).toContain(name);
  });

  it('accepts the required variables alone, every optional one taking its default', () => {
    const config = parseConfig(
      toEnvironmentRecord({ TABLE_NAME: 'sessions', KNOWLEDGE_BASE_ID: 'KB12345678', MODEL_ARN: 'model' }),
    );
    expect(config).toEqual({
      tableName: 'sessions',
      knowledgeBaseId: 'KB12345678',
      modelArn: 'model',
      sessionTtlDays: 30,
      region: 'us-east-1',
      endpoints: {},
    });
  });

  it('gives slack-events the Slack variables and its queue, and the API functions none of them', () => {
    expect(variablesFor('slack-events')).toEqual(
      expect.arrayContaining(['SLACK_QUEUE_URL', 'SLACK_SECRET_ARN']),
    );
    expect(variablesFor('slack')).not.toContain('SLACK_QUEUE_URL');
    expect(variablesFor('http').filter((name) => name.startsWith('SLACK_'))).toEqual([]);
  });
});
