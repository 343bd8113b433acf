import {
  ApplyGuardrailCommand,
  type ApplyGuardrailCommandInput,
  BedrockRuntimeClient,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardrailPolicy, withContextualGrounding } from '../../../../config/guardrail.ts';
import { rejection } from '../../../helpers/rejection.ts';
import {
  credentials,
  type GuardrailFixture,
  runtimeClient,
  startGuardrailEmulator,
} from './emulator-fixture.ts';

describe('ApplyGuardrail over the real SDK client', () => {
  let fixture: GuardrailFixture;
  let client: BedrockRuntimeClient;
  const apply = (input: Partial<ApplyGuardrailCommandInput>) =>
    client.send(
      new ApplyGuardrailCommand({
        guardrailIdentifier: 'lanternlocal',
        guardrailVersion: '1',
        source: 'INPUT',
        content: [{ text: { text: 'hello' } }],
        ...input,
      } as ApplyGuardrailCommandInput),
    );

  beforeAll(async () => {
    fixture = await startGuardrailEmulator();
    client = runtimeClient(fixture.emulator);
  });

  afterAll(async () => {
    client?.destroy();
    await fixture?.close();
  });

  it('masks PII in input and answers in the model shape', async () => {
    const response = await apply({ content: [{ text: { text: 'Reach me at jane@example.com' } }] });
    const { $metadata, ...body } = response;
    expect($metadata.httpStatusCode).toBe(200);
    expect(body).toEqual({
      usage: {
        topicPolicyUnits: 1,
        contentPolicyUnits: 1,
        wordPolicyUnits: 1,
        sensitiveInformationPolicyUnits: 1,
        sensitiveInformationPolicyFreeUnits: 0,
        contextualGroundingPolicyUnits: 0,
        contentPolicyImageUnits: 0,
      },
      action: 'GUARDRAIL_INTERVENED',
      actionReason: 'Guardrail masked.',
      outputs: [{ text: 'Reach me at {EMAIL}' }],
      assessments: [
        {
          sensitiveInformationPolicy: {
            piiEntities: [{ match: 'jane@example.com', type: 'EMAIL', action: 'ANONYMIZED', detected: true }],
            regexes: [],
          },
          invocationMetrics: {
            guardrailProcessingLatency: expect.any(Number),
            usage: body.usage,
            guardrailCoverage: { textCharacters: { guarded: 28, total: 28 } },
          },
          appliedGuardrailDetails: {
            guardrailId: 'lanternlocal',
            guardrailVersion: '1',
            guardrailArn: 'arn:aws:bedrock:us-east-1:000000000000:guardrail/lanternlocal',
            guardrailOrigin: ['REQUEST'],
            guardrailOwnership: 'SELF',
          },
        },
      ],
      guardrailCoverage: { textCharacters: { guarded: 28, total: 28 } },
    });
  });

  it('blocks a card number in output with the blocked-outputs message', async () => {
    const response = await apply({
      source: 'OUTPUT',
      content: [{ text: { text: 'Card: 4111 1111 1111 1111' } }],
    });
    expect(response.action).toBe('GUARDRAIL_INTERVENED');
    expect(response.actionReason).toBe('Guardrail blocked.');
    expect(response.outputs).toEqual([{ text: guardrailPolicy.blockedOutputsMessaging }]);
  });

  it('accepts the guardrail ARN and the DRAFT version', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:guardrail/lanternlocal';
    const response = await apply({ guardrailIdentifier: arn, guardrailVersion: 'DRAFT' });
    expect(response.action).toBe('NONE');
    expect(response.outputs).toEqual([]);
    expect(response.assessments?.[0]?.appliedGuardrailDetails).toMatchObject({
      guardrailArn: arn,
      guardrailVersion: 'DRAFT',
    });
  });

  it("names the guardrail's ARN when called by id, in the region the request was signed for", async () => {
    const europe = new BedrockRuntimeClient({
      endpoint: fixture.emulator.url,
      region: 'eu-west-1',
      credentials,
      maxAttempts: 1,
    });
    try {
      const response = await europe.send(
        new ApplyGuardrailCommand({
          guardrailIdentifier: 'lanternlocal',
          guardrailVersion: 'DRAFT',
          source: 'INPUT',
          content: [{ text: { text: 'hello' } }],
        }),
      );
      expect(response.assessments?.[0]?.appliedGuardrailDetails).toEqual({
        guardrailId: 'lanternlocal',
        guardrailVersion: 'DRAFT',
        guardrailArn: 'arn:aws:bedrock:eu-west-1:000000000000:guardrail/lanternlocal',
        guardrailOrigin: ['REQUEST'],
        guardrailOwnership: 'SELF',
      });
    } finally {
      europe.destroy();
    }
  });

  it('lists every configured PII type with outputScope FULL, those found nowhere with no match and action NONE', async () => {
    const response = await apply({
      content: [{ text: { text: 'Reach me at jane@example.com' } }],
      outputScope: 'FULL',
    });
    const configured = guardrailPolicy.sensitiveInformationPolicyConfig.piiEntitiesConfig.map((e) => e.type);
    expect(response.assessments?.[0]?.sensitiveInformationPolicy?.piiEntities).toEqual([
      { match: 'jane@example.com', type: 'EMAIL', action: 'ANONYMIZED', detected: true },
      ...configured
        .filter((type) => type !== 'EMAIL')
        .map((type) => ({ match: '', type, action: 'NONE', detected: false })),
    ]);
    // The default scope still lists only what was found.
    const interventions = await apply({ content: [{ text: { text: 'Reach me at jane@example.com' } }] });
    expect(interventions.assessments?.[0]?.sensitiveInformationPolicy?.piiEntities).toEqual([
      { match: 'jane@example.com', type: 'EMAIL', action: 'ANONYMIZED', detected: true },
    ]);
  });

  it('checks no grounding under the default policy, which leaves contextual grounding out', async () => {
    const response = await apply({
      source: 'OUTPUT',
      content: [
        { text: { text: 'Exports run nightly at 02:00 UTC.', qualifiers: ['grounding_source'] } },
        { text: { text: 'When do exports run?', qualifiers: ['query'] } },
        { text: { text: 'Exports run weekly.', qualifiers: ['guard_content'] } },
      ],
    });
    expect(response.action).toBe('NONE');
    expect(response.assessments?.[0]?.contextualGroundingPolicy).toBeUndefined();
  });

  it('screens guard_content and checks grounding against grounding_source and query, once turned on', async () => {
    const grounded = await startGuardrailEmulator(undefined, {
      policy: withContextualGrounding(guardrailPolicy),
    });
    const groundedClient = runtimeClient(grounded.emulator);
    const response = await groundedClient.send(
      new ApplyGuardrailCommand({
        guardrailIdentifier: 'lanternlocal',
        guardrailVersion: '1',
        source: 'OUTPUT',
        content: [
          { text: { text: 'Exports run nightly at 02:00 UTC.', qualifiers: ['grounding_source'] } },
          { text: { text: 'When do exports run?', qualifiers: ['query'] } },
          { text: { text: 'Exports run nightly at 02:00 UTC.', qualifiers: ['guard_content'] } },
        ],
      }),
    );
    groundedClient.destroy();
    await grounded.close();
    expect(response.action).toBe('NONE');
    expect(response.assessments?.[0]?.contextualGroundingPolicy?.filters).toEqual([
      { type: 'GROUNDING', threshold: 0.7, score: 1, action: 'NONE', detected: false },
      { type: 'RELEVANCE', threshold: 0.5, score: 1, action: 'NONE', detected: false },
    ]);
    expect(response.usage?.contextualGroundingPolicyUnits).toBe(1);
  });

  it('is a ResourceNotFoundException for another guardrail or version', async () => {
    // The model's patterns for both allow any value (an empty alternative, not anchored): AWS finds no such guardrail.
    const inputs = [
      { guardrailIdentifier: 'someother' },
      { guardrailVersion: '2' },
      { guardrailVersion: 'latest' },
      { guardrailIdentifier: 'Not_An_Id' },
    ];
    for (const input of inputs) {
      const error = await rejection(apply(input));
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect((error as Error).message).toBe(
        'The guardrail identifier or version provided in the request does not exist.',
      );
    }
  });

  it('validates the request like AWS', async () => {
    const cases: [Partial<ApplyGuardrailCommandInput>, RegExp][] = [
      [
        { source: 'SIDEWAYS' as 'INPUT' },
        /Value 'SIDEWAYS' at 'source' failed to satisfy constraint: Member must satisfy enum value set: \[INPUT, OUTPUT\]/,
      ],
      [
        { content: [{ image: { format: 'png', source: { bytes: new Uint8Array([1]) } } }] },
        /evaluates text only/,
      ],
    ];
    for (const [input, message] of cases) {
      const error = await rejection(apply(input));
      expect(error, JSON.stringify(input)).toBeInstanceOf(ValidationException);
      expect((error as Error).message).toMatch(message);
    }
  });
});
