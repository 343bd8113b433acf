import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../shared/config.ts';

const valid = {
  TABLE_NAME: 'sessions',
  KNOWLEDGE_BASE_ID: 'ABCDE12345',
  MODEL_ARN: 'anthropic.claude-3-haiku',
};

describe('parseConfig', () => {
  it('reads a valid environment with defaults', () => {
    expect(parseConfig(valid)).toEqual({
      tableName: 'sessions',
      knowledgeBaseId: 'ABCDE12345',
      modelArn: 'anthropic.claude-3-haiku',
      sessionTtlDays: 30,
      region: 'us-east-1',
      endpoints: {
        dynamodb: undefined,
        bedrockAgentRuntime: undefined,
        bedrockRuntime: undefined,
        bedrockAgent: undefined,
      },
    });
  });

  it('fails fast naming every problem', () => {
    expect(() => parseConfig({ KNOWLEDGE_BASE_ID: 'not-valid!', DYNAMODB_ENDPOINT: 'nope' })).toThrowError(
      ConfigError,
    );
    try {
      parseConfig({ KNOWLEDGE_BASE_ID: 'not-valid!', DYNAMODB_ENDPOINT: 'nope' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('TABLE_NAME');
      expect(message).toContain('KNOWLEDGE_BASE_ID');
      expect(message).toContain('MODEL_ARN');
      expect(message).toContain('DYNAMODB_ENDPOINT');
    }
  });

  it('reads no data sources from an unset, empty or blank list, and checks every listed id', () => {
    for (const ids of [undefined, '', ' , ,']) {
      expect(parseConfig({ ...valid, KNOWLEDGE_BASE_DATA_SOURCE_IDS: ids })).not.toHaveProperty(
        'dataSourceIds',
      );
    }
    expect(
      parseConfig({ ...valid, KNOWLEDGE_BASE_DATA_SOURCE_IDS: 'ABCDEFGHIJ, KLMNOPQRST' }).dataSourceIds,
    ).toEqual(['ABCDEFGHIJ', 'KLMNOPQRST']);
    expect(() => parseConfig({ ...valid, KNOWLEDGE_BASE_DATA_SOURCE_IDS: 'ABCDEFGHIJ,short' })).toThrowError(
      'Invalid Lantern configuration: KNOWLEDGE_BASE_DATA_SOURCE_IDS.1 must list data source ids (10 letters or digits), comma-separated',
    );
  });

  it('rejects a session TTL outside 1..365 days', () => {
    expect(() => parseConfig({ ...valid, SESSION_TTL_DAYS: '0' })).toThrowError(/SESSION_TTL_DAYS/);
    expect(parseConfig({ ...valid, SESSION_TTL_DAYS: '7' }).sessionTtlDays).toBe(7);
  });
});
