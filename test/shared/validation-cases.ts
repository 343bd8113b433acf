/**
 * Inputs for every validator Lantern has (request bodies, the admin query, configuration, Slack
 * payloads, EventBridge events) and what each one answers: the value, or the error callers and
 * operators read. `validation-messages.json` holds these answers as they were when they were
 * recorded; the test compares the validators against it, so a change of validation library (or of
 * a schema) cannot change an error body unnoticed. After a deliberate change, record again with
 * `npx tsx test/shared/validation-cases.ts > test/shared/validation-messages.json`, then
 * `npx biome format --write` it, and review the diff.
 */
import { resolve } from 'node:path';
import type { APIGatewayProxyEvent, SQSRecord } from 'aws-lambda';
import { chatRequestSchema } from '../../shared/api-schemas.ts';
import { parseConfig, parseCorsConfig, parseSlackConfig } from '../../shared/config.ts';
import { LanternError } from '../../shared/errors.ts';
import { parseJsonBody } from '../../shared/http/request.ts';
import { listJobsQuerySchema, syncRequestSchema } from '../../shared/ingestion/api.ts';
import { parseS3Change, parseScheduledEvent } from '../../shared/ingestion/events.ts';
import { feedbackRequestSchema } from '../../shared/session-api-schemas.ts';
import { SecretsManagerSlackCredentials } from '../../shared/slack/credentials.ts';
import { parseSlackEnvelope } from '../../shared/slack/events.ts';
import { parseSlackJob } from '../../shared/slack/job.ts';

type Answer = { ok: unknown } | { error: string; status?: number; code?: string; message?: string };
export type Case = [input: unknown, answer: Answer];
export type Cases = Record<string, Case[]>;

function body(text: string): APIGatewayProxyEvent {
  return { body: text, isBase64Encoded: false } as APIGatewayProxyEvent;
}

function answerOf(run: () => unknown): Answer {
  try {
    return { ok: run() ?? null };
  } catch (error) {
    if (error instanceof LanternError)
      return { error: error.name, status: error.status, code: error.code, message: error.message };
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const jsonBody = (schema: Parameters<typeof parseJsonBody>[1], input: unknown) =>
  answerOf(() => parseJsonBody(body(typeof input === 'string' ? input : JSON.stringify(input)), schema));

const long = 'a'.repeat(1001);

const chatBodies: unknown[] = [
  '[1,2]',
  '"hello"',
  '42',
  'null',
  'true',
  {},
  { message: 42 },
  { sessionId: 'abc' },
  { message: '' },
  { message: '   \n\t ' },
  { message: long },
  { message: 'hi', sessionId: 7 },
  { message: 'hi', sessionId: '' },
  { message: 'hi', sessionId: 'x'.repeat(129) },
  { message: 'hi', clientMessageId: 5 },
  { message: 'hi', clientMessageId: '' },
  { message: 'hi', clientMessageId: 'x'.repeat(129) },
  { message: null },
  { message: ['a'] },
  { message: { a: 1 } },
  { message: 'hi', sessionId: null },
  { message: 7, sessionId: 8, clientMessageId: 9 },
  { message: '', sessionId: '', clientMessageId: '' },
  { message: 'a', sessionId: 1, clientMessageId: 2, x1: 1 },
  { message: ' ok ', extra: 1 },
  { message: 'hi', sessionId: 'abc', clientMessageId: 'c1' },
  { message: `  ${'b'.repeat(1000)}  ` },
  { message: `${'c'.repeat(999)}\u00e9` },
  { message: 'x' },
  { message: 'hi', foo: 1, bar: 2 },
  { message: 7, foo: 1 },
  { message: 'hi', model: '' },
  { message: 'hi', model: 5 },
  { message: 'hi', model: 'amazon.nova-pro-v1:0' },
  { message: 'hi', filter: { equals: { key: 'tenant', value: 'a' } } },
  { message: 'hi', Filter: { equals: { key: 'tenant', value: 'a' } } },
];

const feedbackBodies: unknown[] = [
  '[]',
  '"x"',
  {},
  { messageId: 'm' },
  { rating: 'up' },
  { messageId: 5, rating: 'up' },
  { messageId: '', rating: 'up' },
  { messageId: 'x'.repeat(129), rating: 'up' },
  { messageId: 'm', rating: 'meh' },
  { messageId: 'm', rating: 1 },
  { messageId: 'm', rating: null },
  { messageId: 'm', rating: 'up', comment: 3 },
  { messageId: 'm', rating: 'up', comment: long },
  { messageId: 'm', rating: 'down', comment: '  fine  ' },
  { messageId: 'm', rating: 'down', comment: '' },
  { messageId: 'm', rating: 'UP' },
  { messageId: null, rating: 'sideways', comment: false },
];

const syncBodies: unknown[] = [
  '[]',
  '"x"',
  {},
  { dataSourceIds: [] },
  { dataSourceIds: ['abc'] },
  { dataSourceIds: 'ABCDEFGHIJ' },
  { dataSourceIds: ['ABCDEFGHIJ', 'ABCDEFGHIJ'] },
  { dataSourceIds: Array.from({ length: 11 }, (_, i) => `ABCDEFGHI${i % 10}`) },
  { dataSourceIds: ['abc', 'ABCDEFGHIJ', 'abc'] },
  { other: 1 },
  { dataSourceIds: ['ABCDEFGHIJ'], other: 1, more: 2 },
  { dataSourceIds: [1] },
  { dataSourceIds: null },
  { dataSourceIds: ['ABCDEFGHIJ'] },
];

const jobQueries: unknown[] = [
  {},
  { limit: '0' },
  { limit: 'abc' },
  { limit: '1.5' },
  { limit: '1000' },
  { limit: '' },
  { limit: ' 5 ' },
  { limit: '5' },
  { nextToken: '' },
  { nextToken: 'x'.repeat(1025) },
  { limit: '-1', nextToken: '' },
  { limit: 'Infinity' },
  { limit: '1e2' },
  { limit: '0x10' },
  { limit: '9007199254740993' },
  { limit: '7', nextToken: 'abc', other: 'x' },
];

const base = { TABLE_NAME: 't', KNOWLEDGE_BASE_ID: 'KB12345678', MODEL_ARN: 'm' };
const environments: Record<string, string | undefined>[] = [
  {},
  { ...base, TABLE_NAME: '' },
  { ...base, KNOWLEDGE_BASE_ID: 'bad-id!' },
  { ...base, MODEL_ARN: '' },
  { ...base, SESSION_TTL_DAYS: 'x' },
  { ...base, SESSION_TTL_DAYS: '0' },
  { ...base, SESSION_TTL_DAYS: '366' },
  { ...base, SESSION_TTL_DAYS: '1.5' },
  { ...base, SESSION_TTL_DAYS: '' },
  { ...base, DYNAMODB_ENDPOINT: 'nope' },
  { ...base, BEDROCK_RUNTIME_ENDPOINT: '' },
  { ...base, GUARDRAIL_ID: 'x' },
  { ...base, GUARDRAIL_ID: 'ARN:x', GUARDRAIL_VERSION: 'v' },
  { ...base, KNOWLEDGE_BASE_DATA_SOURCE_IDS: 'abc, ABCDEFGHIJ' },
  { ...base, KNOWLEDGE_BASE_DATA_SOURCE_IDS: ' ABCDEFGHIJ ,ABCDEFGHIJ,,' },
  { ...base, AWS_REGION: '' },
  {
    ...base,
    SESSION_TTL_DAYS: '7',
    AWS_REGION: 'eu-west-1',
    GUARDRAIL_ID: 'abc',
    GUARDRAIL_VERSION: 'DRAFT',
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
  },
  { KNOWLEDGE_BASE_ID: 'KB12345678' },
  { TABLE_NAME: 't', MODEL_ARN: 'm' },
];

const slackEnvironments: Record<string, string | undefined>[] = [
  {},
  { SLACK_API_URL: 'nope' },
  { SLACK_API_URL: '' },
  { SLACK_QUEUE_URL: 'x' },
  { SLACK_SECRET_ARN: 'arn:bad' },
  { SLACK_SIGNING_SECRET: '', SLACK_BOT_TOKEN: '' },
  { SLACK_SOURCE_BASE_URL: 'ftp:/x' },
  { AWS_REGION: '' },
  {
    SLACK_API_URL: 'http://x/api',
    SLACK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x',
    SLACK_SIGNING_SECRET: 's',
    SLACK_BOT_TOKEN: 't',
    SLACK_QUEUE_URL: 'http://q',
    SLACK_SOURCE_BASE_URL: 'https://s',
  },
];

const corsEnvironments: Record<string, string | undefined>[] = [
  {},
  { CORS_ALLOW_ORIGINS: '' },
  { CORS_ALLOW_ORIGINS: '*' },
  { CORS_ALLOW_ORIGINS: 'https://a.example, *' },
  { CORS_ALLOW_ORIGINS: 'https://a.example/' },
  { CORS_ALLOW_ORIGINS: 'nope,https://b.example:8443' },
];

const envelopes = [
  'x',
  '{}',
  '[]',
  '{"type":1}',
  '{"type":"url_verification"}',
  '{"type":"url_verification","challenge":""}',
  '{"type":"url_verification","challenge":"c"}',
  '{"type":"event_callback"}',
  '{"type":"event_callback","team_id":"T","event_id":"E","event":{"type":"app_mention"}}',
  '{"type":"event_callback","team_id":"","event_id":"","event":{}}',
  '{"type":"event_callback","team_id":"T","event_id":"E","event":{"type":"m"},"authorizations":[{"user_id":1}]}',
  '{"type":"app_rate_limited","minute_rate_limited":"x"}',
  '{"type":"app_rate_limited","team_id":"T","minute_rate_limited":5}',
  '{"type":"other"}',
  '{"type":"event_callback","team_id":"T","event_id":"E","event":{"type":"app_mention","extra":1},"authorizations":[{"user_id":"U","team_id":null,"is_bot":true}],"x":2}',
];

const jobs = [
  'x',
  '{}',
  '{"version":1,"receivedAt":"r","envelope":{"type":"event_callback","team_id":"T","event_id":"E","event":{"type":"x"}}}',
  '{"version":2,"receivedAt":"r","envelope":{}}',
];

const s3Bodies = [
  'x',
  '{}',
  '{"source":"aws.s3","detail-type":"Object Created","detail":{"bucket":{"name":"b"},"object":{"key":"k"}}}',
  '{"source":"aws.s3","detail-type":"Object Deleted","detail":{"bucket":{"name":""},"object":{"key":"k"}}}',
  '{"source":"aws.s3","detail-type":"Object Deleted","detail":{"bucket":{"name":"b"},"object":{"key":"k"}}}',
];

const scheduled: unknown[] = [
  {},
  { source: 'aws.events', 'detail-type': 'Scheduled Event', id: 'i' },
  { source: 'aws.events', 'detail-type': 'Scheduled Event', id: 'i', detail: { dataSourceIds: [] } },
  {
    source: 'aws.events',
    'detail-type': 'Scheduled Event',
    id: 'i',
    detail: { dataSourceIds: ['ABCDEFGHIJ'] },
  },
  { source: 'aws.events', 'detail-type': 'Scheduled Event', id: '', detail: {} },
];

const secrets = [
  'not json',
  '{}',
  '[]',
  '{"signingSecret":"","botToken":"b"}',
  '{"signingSecret":"s","botToken":"b"}',
];

async function secretAnswer(secretString: string): Promise<Answer> {
  // Secrets Manager has no local form: a client that answers every send with this secret.
  const client = { send: async () => ({ SecretString: secretString }) };
  const provider = new SecretsManagerSlackCredentials(
    client as unknown as ConstructorParameters<typeof SecretsManagerSlackCredentials>[0],
    'arn:aws:secretsmanager:us-east-1:123456789012:secret:x',
  );
  try {
    return { ok: await provider.get() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function queryAnswer(query: unknown): Answer {
  const result = listJobsQuerySchema.safeParse(query);
  if (result.success) return { ok: result.data };
  // As the admin handler words it.
  return {
    error: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
  };
}

export async function validationAnswers(): Promise<Cases> {
  return {
    chat: chatBodies.map((input) => [input, jsonBody(chatRequestSchema, input)]),
    feedback: feedbackBodies.map((input) => [input, jsonBody(feedbackRequestSchema, input)]),
    sync: syncBodies.map((input) => [input, jsonBody(syncRequestSchema, input)]),
    jobsQuery: jobQueries.map((input) => [input, queryAnswer(input)]),
    config: environments.map((env) => [env, answerOf(() => parseConfig(env))]),
    slackConfig: slackEnvironments.map((env) => [env, answerOf(() => parseSlackConfig(env))]),
    corsConfig: corsEnvironments.map((env) => [env, answerOf(() => parseCorsConfig(env))]),
    slackEnvelope: envelopes.map((raw) => [raw, answerOf(() => parseSlackEnvelope(raw))]),
    slackJob: jobs.map((raw) => [raw, answerOf(() => parseSlackJob(raw))]),
    s3Change: s3Bodies.map((raw) => [
      raw,
      answerOf(() => parseS3Change({ messageId: 'm', body: raw } as SQSRecord)),
    ]),
    scheduledSync: scheduled.map((event) => [event, answerOf(() => parseScheduledEvent(event))]),
    slackSecret: await Promise.all(secrets.map(async (s): Promise<Case> => [s, await secretAnswer(s)])),
  };
}

/** JSON as it is recorded: `undefined` members dropped. */
export const asRecorded = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  process.stdout.write(`${JSON.stringify(asRecorded(await validationAnswers()), null, 1)}\n`);
}
