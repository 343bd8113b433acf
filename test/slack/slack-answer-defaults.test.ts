import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlackApi, startFakeSlackApi } from '../../local/slack/fake-slack-api.ts';
import { appMentionEnvelope, sendSignedEvent } from '../../local/slack/signed-event.ts';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, bootStack, tempDir } from '../helpers/local-stack.ts';

/**
 * `npm start -- --profiles FILE` with Slack: a Slack question is answered with the settings'
 * defaults, as a question from an API key of the default profile is. The defaults here keep the
 * search to one team's documents, so a Slack answer that ignored them would reach the other's.
 */
const SECRET = 'defaults-signing-secret';
const TOKEN = 'xoxb-defaults-token';
const PROMPT = 'Answer for the support team only.\n$search_results$\n$output_format_instructions$';
const TEAMS = ['support', 'internal'] as const;
const ARTICLES = [
  ['reset a password', 'Open Settings, choose Security, then Reset password; a link arrives by email.'],
  ['export a workspace', 'Go to Workspace settings, then Export, and pick CSV or JSON.'],
  ['invite a teammate', 'Open Members, press Invite and enter the email address of the teammate.'],
] as const;

let slack: FakeSlackApi;
let stack: LocalStack;

beforeAll(async () => {
  slack = await startFakeSlackApi({ token: TOKEN });
  const dir = tempDir('slack-defaults');
  for (const team of TEAMS) {
    mkdirSync(join(dir, 'docs', team), { recursive: true });
    for (const [topic, steps] of ARTICLES) {
      writeFileSync(
        join(dir, 'docs', team, `${topic.replaceAll(' ', '-')}.md`),
        `---\nteam: ${team}\n---\n# How to ${topic}\n\nTo ${topic}: ${steps}\n`,
      );
    }
  }
  const settings = join(dir, 'answer-settings.json');
  writeFileSync(
    settings,
    JSON.stringify({
      attributes: [{ name: 'team', type: 'string' }],
      defaults: {
        filter: { equals: { key: 'team', value: 'support' } },
        numberOfResults: 3,
        generationPrompt: PROMPT,
        inference: { temperature: 0.2 },
      },
    }),
  );
  stack = await bootStack({
    docsDir: join(dir, 'docs'),
    answerSettingsFile: settings,
    slack: { signingSecret: SECRET, botToken: TOKEN, apiUrl: slack.url, retryDelayMs: 50 },
  });
});
afterAll(async () => {
  await stack?.close();
  await slack?.close();
});

/** The knowledge-base configuration of the one RetrieveAndGenerate call (buffered or streamed) since the last clear. */
function sentConfiguration(): unknown {
  const calls = stack.emulator
    .requests()
    .filter((request) => request.operation.startsWith('RetrieveAndGenerate'));
  expect(calls).toHaveLength(1);
  return (calls[0]?.body as { retrieveAndGenerateConfiguration?: unknown } | undefined)
    ?.retrieveAndGenerateConfiguration;
}

describe('Slack on a local stack with answer settings', () => {
  it("sends Bedrock what the API sends for the default profile: the defaults' filter, results, prompt and inference", async () => {
    stack.emulator.clearRequests();
    const viaApi = await apiClient(stack.url).chat('How do I reset a password?');
    expect(viaApi.status).toBe(200);
    const apiConfiguration = sentConfiguration();
    expect(apiConfiguration).toMatchObject({
      knowledgeBaseConfiguration: {
        retrievalConfiguration: {
          vectorSearchConfiguration: {
            numberOfResults: 3,
            filter: { equals: { key: 'team', value: 'support' } },
          },
        },
        generationConfiguration: {
          promptTemplate: { textPromptTemplate: PROMPT },
          inferenceConfig: { textInferenceConfig: { temperature: 0.2 } },
        },
      },
    });

    stack.emulator.clearRequests();
    const envelope = appMentionEnvelope(
      { teamId: 'T0DEFAULTS', botUserId: slack.botUserId },
      { text: 'How do I reset a password?', channel: 'C0DEFAULTS' },
    );
    const ack = await sendSignedEvent(`${stack.url}/v1/slack/events`, SECRET, envelope);
    expect(ack.status).toBe(200);
    const [reply] = await slack.waitForReplies(1, { threadTs: envelope.event.ts, timeoutMs: 20_000 });
    await stack.slack.queue.idle(10_000);
    expect(reply?.text).toMatch(/Reset password/);
    expect(sentConfiguration()).toEqual(apiConfiguration);
    expect(JSON.stringify(reply?.blocks ?? [])).not.toMatch(/internal/);
  });
});
