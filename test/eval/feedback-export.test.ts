import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLE_NAME, type LocalStack } from '../../local/stack.ts';
import type { StoredMessage } from '../../shared/chat/types.ts';
import { apiClient, bootStack, OTHER_API_KEY } from '../helpers/local-stack.ts';
import { exportFeedback, pairWithQuestion } from './feedback-export.ts';

const run = promisify(execFile);
const REPO_ROOT = join(import.meta.dirname, '..', '..');

describe('pairWithQuestion', () => {
  const message = (messageId: string, role: 'user' | 'assistant', text: string): StoredMessage => ({
    sessionId: 's',
    messageId,
    role,
    text,
    status: 'complete',
    createdAt: messageId,
  });
  const messages = [
    message('1', 'user', 'first question'),
    message('2', 'assistant', 'first answer'),
    message('3', 'user', 'second question'),
    message('4', 'assistant', 'second answer'),
  ];

  it('pairs an answer with the user message just before it', () => {
    expect(pairWithQuestion(messages, '4')).toMatchObject({
      question: { text: 'second question' },
      answer: { text: 'second answer' },
    });
    expect(pairWithQuestion(messages, '2')?.question?.text).toBe('first question');
  });

  it('finds nothing for a user message or an unknown id', () => {
    expect(pairWithQuestion(messages, '3')).toBeUndefined();
    expect(pairWithQuestion(messages, 'nope')).toBeUndefined();
  });
});

describe('feedback export against the local stack', () => {
  let stack: LocalStack;
  let db: DynamoDBDocumentClient;
  const rated: { sessionId: string; messageId: string }[] = [];

  beforeAll(async () => {
    stack = await bootStack();
    db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: stack.dynamoDbEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      }),
    );
    const alice = apiClient(stack.url);
    const first = await alice.chat('How do I reset my password?');
    const second = await alice.chat('how long is the link valid?', first.body.sessionId);
    const rate = (sessionId: string, body: object) =>
      alice.request('POST', `/v1/sessions/${sessionId}/feedback`, body);
    expect(
      (
        await rate(first.body.sessionId, {
          messageId: second.body.messageId,
          rating: 'down',
          comment: 'Too long',
        })
      ).status,
    ).toBe(204);
    rated.push({ sessionId: first.body.sessionId, messageId: second.body.messageId });
    // Another caller's session: the export covers every session in the table.
    const bob = apiClient(stack.url, OTHER_API_KEY);
    const other = await bob.chat('Can we get a refund on an annual plan?');
    await bob.request('POST', `/v1/sessions/${other.body.sessionId}/feedback`, {
      messageId: other.body.messageId,
      rating: 'up',
    });
    rated.push({ sessionId: other.body.sessionId, messageId: other.body.messageId });
    await bob.chat('How do I connect Slack?'); // unrated: not exported
  });
  afterAll(async () => {
    db?.destroy();
    await stack?.close();
  });

  it('exports each rated answer with its question, answer and citations, oldest rating first', async () => {
    const lines = await exportFeedback({ db, tableName: LOCAL_TABLE_NAME });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      sessionId: rated[0]?.sessionId,
      messageId: rated[0]?.messageId,
      rating: 'down',
      comment: 'Too long',
      question: 'how long is the link valid?',
      answer: expect.stringContaining('60 minutes'),
      citations: [
        expect.objectContaining({
          references: [
            expect.objectContaining({ sourceUri: expect.stringMatching(/reset-your-password\.md$/) }),
          ],
        }),
      ],
      ratedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(lines[1]).toMatchObject({
      sessionId: rated[1]?.sessionId,
      rating: 'up',
      question: 'Can we get a refund on an annual plan?',
    });
    expect(lines[1]).not.toHaveProperty('comment');
  });

  it('filters by rating', async () => {
    const ups = await exportFeedback({ db, tableName: LOCAL_TABLE_NAME, rating: 'up' });
    expect(ups.map((l) => l.rating)).toEqual(['up']);
  });

  it('leaves out sessions that have expired', async () => {
    const later = new Date(Date.now() + 31 * 86_400_000);
    expect(await exportFeedback({ db, tableName: LOCAL_TABLE_NAME, now: () => later })).toEqual([]);
  });

  it('leaves out a session a DELETE has marked but not finished (the owner asked for it gone)', async () => {
    const carol = apiClient(stack.url);
    const asked = await carol.chat('How do I export my data?');
    await carol.request('POST', `/v1/sessions/${asked.body.sessionId}/feedback`, {
      messageId: asked.body.messageId,
      rating: 'down',
      comment: 'private',
    });
    const before = await exportFeedback({ db, tableName: LOCAL_TABLE_NAME });
    expect(before.map((l) => l.sessionId)).toContain(asked.body.sessionId);
    // What a DELETE cut short after its first write leaves: the mark, the messages still there.
    await db.send(
      new UpdateCommand({
        TableName: LOCAL_TABLE_NAME,
        Key: { pk: `SESSION#${asked.body.sessionId}`, sk: 'SESSION' },
        UpdateExpression: 'SET deleting = #owner REMOVE #owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
      }),
    );
    const after = await exportFeedback({ db, tableName: LOCAL_TABLE_NAME });
    expect(after.map((l) => l.sessionId)).not.toContain(asked.body.sessionId);
    expect(after).toHaveLength(before.length - 1);
  });

  it('prints JSONL from `npm run feedback:export -- --endpoint`', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/eval/feedback-export-cli.ts',
        '--endpoint',
        stack.dynamoDbEndpoint,
        '--rating',
        'down',
      ],
      { cwd: REPO_ROOT, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({
        messageId: rated[0]?.messageId,
        rating: 'down',
        question: 'how long is the link valid?',
      }),
    ]);
  });
});
