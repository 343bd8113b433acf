import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, parseSlackConfig } from '../../shared/config.ts';
import { createSlackWorkerDeps } from '../../shared/slack/worker-wiring.ts';
import { tempDir } from '../helpers/local-stack.ts';
import {
  bundledFilePath,
  type DeployedBackends,
  logicalIdOf,
  resolveValue,
  startDeployedBackends,
  synthesizeLantern,
} from './support/lantern-app.ts';

/**
 * Slack answers as an API key of the default profile does: with answer profiles, synth gives
 * slack-worker the defaults' model as its MODEL_ARN and bundles the rest of what the chat functions
 * would send Bedrock; the worker, run with the environment and file the template gives it, sends
 * exactly that (read back from the Bedrock emulator's request log).
 */
const ACCOUNT = '111122223333';
const NOVA_PRO = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0';
const COHERE_RERANK = 'arn:aws:bedrock:us-east-1::foundation-model/cohere.rerank-v3-5:0';
const PROMPT =
  'Answer for the help desk, from these results only:\n$search_results$\n$output_format_instructions$';

const settingsFile = join(tempDir('slack-preset'), 'profiles.json');
writeFileSync(
  settingsFile,
  JSON.stringify({
    attributes: [{ name: 'tenant', type: 'string' }],
    defaults: {
      models: ['amazon.nova-pro-v1:0'],
      numberOfResults: 7,
      filter: { equals: { key: 'tenant', value: 'northwind' } },
      reranking: { modelId: 'cohere.rerank-v3-5:0', numberOfRerankedResults: 3 },
      generationPrompt: PROMPT,
      inference: { temperature: 0.1, maxTokens: 600 },
    },
    profiles: { other: { models: ['amazon.nova-pro-v1:0'] } },
  }),
);
const lantern = synthesizeLantern({ context: { profiles: settingsFile, guardrail: 'false' } });
afterAll(lantern.cleanUp);
const template = lantern.statelessTemplate;
const resources = template.toJSON().Resources;
const workerId = logicalIdOf(template, 'AWS::Lambda::Function', {
  Description: Match.stringLikeRegexp('^Answers queued Slack questions'),
});
const workerVariables = resources[workerId].Properties.Environment.Variables as Record<string, unknown>;
/** A template value as CloudFormation resolves it in account ACCOUNT of us-east-1. */
const resolved = (value: unknown) =>
  resolveValue(value, { 'AWS::Partition': 'aws', 'AWS::AccountId': ACCOUNT, 'AWS::Region': 'us-east-1' });
const bundledPreset = bundledFilePath(lantern, workerId, 'slack-answer-preset.json');

describe('slack-worker with answer profiles', () => {
  it("is given the defaults' model and their preset, bundled beside its handler", () => {
    expect(resolved(workerVariables.MODEL_ARN)).toBe(NOVA_PRO);
    expect(workerVariables.SLACK_ANSWER_PRESET_FILE).toBe('/var/task/slack-answer-preset.json');
    // The worker answers every turn with the defaults: it needs neither the settings nor the key map.
    expect(workerVariables).not.toHaveProperty('ANSWER_SETTINGS_FILE');
    expect(workerVariables).not.toHaveProperty('API_KEY_PROFILES');
  });

  describe('run with the environment and file the template gives it', () => {
    const TABLE = 'lantern-slack-preset-test';
    const KNOWLEDGE_BASE = 'KBSLACK001';
    let backends: DeployedBackends;

    beforeAll(async () => {
      backends = await startDeployedBackends(KNOWLEDGE_BASE, TABLE);
    }, 120_000);
    afterAll(async () => {
      await backends?.close();
    });

    it('sends Bedrock the default profile: its model, filter, number of results, reranking, prompt and inference', async () => {
      const { emulator } = backends;
      const env = {
        ...backends.environment,
        MODEL_ARN: resolved(workerVariables.MODEL_ARN),
        SLACK_ANSWER_PRESET_FILE: bundledPreset,
        SLACK_BOT_TOKEN: 'xoxb-test',
      };
      const deps = createSlackWorkerDeps(parseConfig(env), parseSlackConfig(env));
      emulator.clearRequests();
      const events = [];
      for await (const event of deps.answers.stream({
        owner: 'slack:T0TEST',
        message: 'How do I reset my password?',
        sessionId: 'slack-preset-session-1',
        createSessionIfMissing: true,
        clientMessageId: 'Ev0PRESET01',
        leaseMs: 30_000,
      })) {
        events.push(event);
      }
      expect(events.at(-1)).toMatchObject({ type: 'done' });
      const sent = emulator.requests().filter((request) => request.operation === 'RetrieveAndGenerateStream');
      expect(sent).toHaveLength(1);
      const body = sent[0]?.body as { retrieveAndGenerateConfiguration: unknown } | undefined;
      expect(body?.retrieveAndGenerateConfiguration).toEqual({
        type: 'KNOWLEDGE_BASE',
        knowledgeBaseConfiguration: {
          knowledgeBaseId: KNOWLEDGE_BASE,
          modelArn: NOVA_PRO,
          retrievalConfiguration: {
            vectorSearchConfiguration: {
              numberOfResults: 7,
              filter: { equals: { key: 'tenant', value: 'northwind' } },
              rerankingConfiguration: {
                type: 'BEDROCK_RERANKING_MODEL',
                bedrockRerankingConfiguration: {
                  modelConfiguration: { modelArn: COHERE_RERANK },
                  numberOfRerankedResults: 3,
                },
              },
            },
          },
          generationConfiguration: {
            promptTemplate: { textPromptTemplate: PROMPT },
            inferenceConfig: { textInferenceConfig: { temperature: 0.1, maxTokens: 600 } },
          },
        },
      });
      expect(JSON.parse(readFileSync(bundledPreset, 'utf8'))).not.toHaveProperty('modelArn');
    });
  });
});
