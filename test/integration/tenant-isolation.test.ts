import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localGuardrail } from '../../config/guardrail.ts';
import { LOCAL_KNOWLEDGE_BASE_ID, LOCAL_MODEL_ARN, type LocalStack } from '../../local/stack.ts';
import { API_KEY, apiClient, bootStack, tempDir } from '../helpers/local-stack.ts';
import { postSse } from '../helpers/sse.ts';

/**
 * Two tenants on one knowledge base, offline: the same help topics written for each (so retrieval
 * without a filter finds both), each document tagged with its tenant (front matter for some,
 * Bedrock's metadata sidecar for the others), and a settings file giving each tenant's key a profile
 * whose filter is its own tenant. Whatever filter a request sends, a tenant's answers never cite the
 * other tenant's documents.
 */
const TENANTS = ['northwind', 'contoso'] as const;
type Tenant = (typeof TENANTS)[number];
const KEYS: Record<Tenant, string> = {
  northwind: 'northwind-local-key-00001',
  contoso: 'contoso-local-key-0000002',
};

const TOPICS = [
  [
    'reset a password',
    'Open Settings, choose Security, then Reset password. A link arrives by email within minutes.',
  ],
  [
    'export a workspace',
    'Go to Workspace settings, then Export. Pick CSV or JSON; the file is emailed when ready.',
  ],
  [
    'invite a teammate',
    'Open Members, press Invite, enter the email address and choose a role for the teammate.',
  ],
  [
    'change the billing plan',
    'Billing lists the plans. Choose Change plan; the new price applies from the next invoice.',
  ],
  [
    'turn on two-factor authentication',
    'In Security, enable two-factor authentication and scan the code with an authenticator app.',
  ],
  [
    'set up single sign-on',
    'Single sign-on is in Admin, Identity. Upload the SAML metadata of your identity provider.',
  ],
  ['create an API token', 'Developer settings has API tokens. Create one, copy it once, and keep it secret.'],
  [
    'delete an account',
    'Account deletion is in Settings, Danger zone. Deleting removes every workspace you own.',
  ],
  [
    'configure notifications',
    'Notification settings let you pick email or push alerts for mentions and comments.',
  ],
  [
    'restore a deleted page',
    'Deleted pages stay in Trash for 30 days. Open Trash and press Restore on the page.',
  ],
] as const;

const QUESTIONS = (topic: string): string[] => [
  `How do I ${topic}?`,
  `What are the steps to ${topic}?`,
  `Where can I ${topic}?`,
  `I need to ${topic}, how does it work?`,
  `Can you explain how to ${topic}?`,
];

/** What each request adds as its own filter, in turn: none, and four attempts to reach the other tenant. */
const ATTACKS: readonly ((own: Tenant, other: Tenant) => unknown)[] = [
  () => undefined,
  (_own, other) => ({ equals: { key: 'tenant', value: other } }),
  (own, other) => ({
    orAll: [{ equals: { key: 'tenant', value: own } }, { equals: { key: 'tenant', value: other } }],
  }),
  (own) => ({ notEquals: { key: 'tenant', value: own } }),
  (own, other) => ({ in: { key: 'tenant', value: [own, other] } }),
];

/** How each tenant shapes its answers, beyond its filter: what Bedrock must be sent for it. */
const PROMPT = 'You answer for Northwind only.\n$search_results$\n$output_format_instructions$';
const ORCHESTRATION = 'Split the question. $conversation_history$ $output_format_instructions$';
const SHAPING: Record<Tenant, Record<string, unknown>> = {
  northwind: {
    numberOfResults: 6,
    reranking: { modelId: 'cohere.rerank-v3-5:0', numberOfRerankedResults: 4 },
    generationPrompt: PROMPT,
    inference: { temperature: 0.2, maxTokens: 600 },
  },
  contoso: { numberOfResults: 3, queryDecomposition: true, orchestrationPrompt: ORCHESTRATION },
};

function writeCorpus(dir: string): void {
  for (const tenant of TENANTS) {
    const folder = join(dir, tenant);
    mkdirSync(folder, { recursive: true });
    TOPICS.forEach(([topic, steps], index) => {
      const name = `${topic.replaceAll(' ', '-')}.md`;
      const title = `How to ${topic}`;
      const body = `# ${title}\n\nTo ${topic} in the app: ${steps}\n\nIf you cannot ${topic}, contact support.\n`;
      if (index % 2 === 0) {
        writeFileSync(join(folder, name), `---\ntenant: ${tenant}\ntitle: ${title}\n---\n${body}`);
      } else {
        writeFileSync(join(folder, name), body);
        writeFileSync(
          join(folder, `${name}.metadata.json`),
          JSON.stringify({ metadataAttributes: { tenant } }),
        );
      }
    });
  }
}

function writeSettings(dir: string): string {
  const file = join(dir, 'answer-settings.json');
  writeFileSync(
    file,
    JSON.stringify({
      attributes: [{ name: 'tenant', type: 'string' }],
      profiles: Object.fromEntries(
        TENANTS.map((tenant) => [
          tenant,
          {
            filter: { equals: { key: 'tenant', value: tenant } },
            localApiKey: KEYS[tenant],
            ...SHAPING[tenant],
          },
        ]),
      ),
    }),
  );
  return file;
}

/** The tenant folder each cited document lives in. */
function citedTenants(citations: readonly { references: readonly { sourceUri: string }[] }[]): string[] {
  return citations.flatMap((citation) =>
    citation.references.map((reference) => {
      const tenant = TENANTS.find((name) => reference.sourceUri.includes(`/${name}/`));
      if (!tenant) throw new Error(`a citation outside both tenants: ${reference.sourceUri}`);
      return tenant;
    }),
  );
}

let stack: LocalStack;

beforeAll(async () => {
  const root = tempDir('tenants');
  const docsDir = join(root, 'docs');
  writeCorpus(docsDir);
  stack = await bootStack({ docsDir, answerSettingsFile: writeSettings(root), watchDocs: false });
});
afterAll(() => stack?.close());

describe('two tenants on one knowledge base', () => {
  it("reaches either tenant's articles with a key that no profile confines", async () => {
    const client = apiClient(stack.url, API_KEY);
    const cited = new Set<string>();
    for (const [topic] of TOPICS) {
      for (const tenant of TENANTS) {
        const res = await client.request('POST', '/v1/chat', {
          message: `How do I ${topic}?`,
          filter: { equals: { key: 'tenant', value: tenant } },
        });
        expect(res.status).toBe(200);
        for (const name of citedTenants(res.body.citations)) cited.add(name);
      }
    }
    // The attacks below would work without the profiles' filters: the isolation is their doing.
    expect([...cited].sort()).toEqual(['contoso', 'northwind']);
  });

  for (const tenant of TENANTS) {
    const other = TENANTS.find((name) => name !== tenant) as Tenant;

    it(`never cites ${other} to ${tenant}'s key across 50 questions, whatever filter is sent`, async () => {
      const client = apiClient(stack.url, KEYS[tenant]);
      const questions = TOPICS.flatMap(([topic]) => QUESTIONS(topic));
      expect(questions).toHaveLength(50);
      const tally = { answered: 0, ownCitations: 0, otherCitations: 0, statuses: new Set<number>() };
      for (const [index, message] of questions.entries()) {
        const filter = ATTACKS[index % ATTACKS.length]?.(tenant, other);
        const res = await client.request('POST', '/v1/chat', { message, ...(filter ? { filter } : {}) });
        tally.statuses.add(res.status);
        const cited = citedTenants(res.body.citations);
        tally.answered += cited.length > 0 ? 1 : 0;
        tally.ownCitations += cited.filter((name) => name === tenant).length;
        tally.otherCitations += cited.filter((name) => name === other).length;
      }
      expect(tally.otherCitations).toBe(0);
      expect([...tally.statuses]).toEqual([200]);
      // The unfiltered fifth and the own-or-other fifths still find the tenant's own articles.
      expect(tally.answered).toBeGreaterThanOrEqual(20);
      expect(tally.ownCitations).toBeGreaterThan(0);
    });

    it(`finds nothing for ${tenant} when its request filter asks only for ${other}`, async () => {
      const res = await apiClient(stack.url, KEYS[tenant]).request('POST', '/v1/chat', {
        message: `How do I ${TOPICS[0][0]}?`,
        filter: { equals: { key: 'tenant', value: other } },
      });
      expect(res.status).toBe(200);
      expect(res.body.citations).toEqual([]);
    });
  }

  it('confines the streamed answers the same way', async () => {
    for (const tenant of TENANTS) {
      const other = TENANTS.find((name) => name !== tenant) as Tenant;
      for (const attack of ATTACKS) {
        const filter = attack(tenant, other);
        const res = await postSse(
          `${stack.url}/v1/chat/stream`,
          { message: `How do I ${TOPICS[1][0]}?`, ...(filter ? { filter } : {}) },
          { 'x-api-key': KEYS[tenant] },
        );
        expect(res.status).toBe(200);
        const citations = res.events
          .filter((event) => event.event === 'citation')
          .map((event) => event.data.citation);
        expect(citedTenants(citations).filter((name) => name === other)).toEqual([]);
      }
    }
  });
});

describe('what Lantern sends Bedrock for each profile', () => {
  const tenantFilter = (tenant: Tenant) => ({ equals: { key: 'tenant', value: tenant } });
  const stillEveryone = { notEquals: { key: 'tenant', value: 'nobody' } };
  const common = {
    knowledgeBaseId: LOCAL_KNOWLEDGE_BASE_ID,
    modelArn: LOCAL_MODEL_ARN,
  };
  const guardrailConfiguration = { guardrailId: localGuardrail.id, guardrailVersion: localGuardrail.version };
  const expected: Record<Tenant, unknown> = {
    northwind: {
      type: 'KNOWLEDGE_BASE',
      knowledgeBaseConfiguration: {
        ...common,
        retrievalConfiguration: {
          vectorSearchConfiguration: {
            numberOfResults: 6,
            filter: { andAll: [tenantFilter('northwind'), stillEveryone] },
            rerankingConfiguration: {
              type: 'BEDROCK_RERANKING_MODEL',
              bedrockRerankingConfiguration: {
                modelConfiguration: {
                  modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/cohere.rerank-v3-5:0',
                },
                numberOfRerankedResults: 4,
              },
            },
          },
        },
        generationConfiguration: {
          promptTemplate: { textPromptTemplate: PROMPT },
          inferenceConfig: { textInferenceConfig: { temperature: 0.2, maxTokens: 600 } },
          guardrailConfiguration,
        },
      },
    },
    contoso: {
      type: 'KNOWLEDGE_BASE',
      knowledgeBaseConfiguration: {
        ...common,
        retrievalConfiguration: {
          vectorSearchConfiguration: {
            numberOfResults: 3,
            filter: { andAll: [tenantFilter('contoso'), stillEveryone] },
          },
        },
        generationConfiguration: { guardrailConfiguration },
        orchestrationConfiguration: {
          promptTemplate: { textPromptTemplate: ORCHESTRATION },
          queryTransformationConfiguration: { type: 'QUERY_DECOMPOSITION' },
        },
      },
    },
  };

  for (const tenant of TENANTS) {
    it(`carries exactly ${tenant}'s settings, its filter ANDed with the request's`, async () => {
      stack.emulator.clearRequests();
      const res = await apiClient(stack.url, KEYS[tenant]).request('POST', '/v1/chat', {
        message: 'How do I export a workspace?',
        filter: stillEveryone,
      });
      expect(res.status).toBe(200);
      const sent = stack.emulator.requests().filter((request) => request.operation === 'RetrieveAndGenerate');
      expect(
        sent.map(
          (request) =>
            (request.body as { retrieveAndGenerateConfiguration: unknown }).retrieveAndGenerateConfiguration,
        ),
      ).toEqual([expected[tenant]]);
    });
  }
});

describe('a bad answer settings file', () => {
  it('stops the local stack from starting, naming the file and the problem', async () => {
    const file = join(tempDir('bad-settings'), 'answer-settings.json');
    writeFileSync(file, JSON.stringify({ profiles: { acme: { generationPrompt: 'No placeholders.' } } }));
    const { startLocalStack } = await import('../../local/stack.ts');
    await expect(
      startLocalStack({ docsDir: tempDir('unused'), apiKeys: [API_KEY], port: 0, answerSettingsFile: file }),
    ).rejects.toThrow(
      `${file}: profiles.acme.generationPrompt: is missing the placeholder(s) $search_results$, $output_format_instructions$`,
    );
  });

  it('stops it too for a profile filter S3 Vectors, which the local knowledge base stands in for, cannot evaluate', async () => {
    const file = join(tempDir('bad-settings'), 'answer-settings.json');
    writeFileSync(
      file,
      JSON.stringify({
        attributes: [{ name: 'tenant', type: 'string' }],
        profiles: { acme: { filter: { stringContains: { key: 'tenant', value: 'ac' } } } },
      }),
    );
    const { startLocalStack } = await import('../../local/stack.ts');
    await expect(
      startLocalStack({ docsDir: tempDir('unused'), apiKeys: [API_KEY], port: 0, answerSettingsFile: file }),
    ).rejects.toThrow(
      `${file}: profiles.acme.filter.stringContains: this knowledge base keeps its vectors in S3 Vectors`,
    );
  });
});
