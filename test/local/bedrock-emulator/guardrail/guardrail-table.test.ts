import { ApplyGuardrailCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localGuardrail } from '../../../../config/guardrail.ts';
import { type GuardrailFixture, runtimeClient, startGuardrailEmulator } from './emulator-fixture.ts';
import { checkCase, guardrailTable } from './guardrail-table.ts';

describe('the local guardrail on the labelled table, through the real SDK', () => {
  let fixture: GuardrailFixture;
  let client: BedrockRuntimeClient;

  beforeAll(async () => {
    fixture = await startGuardrailEmulator();
    client = runtimeClient(fixture.emulator);
  });

  afterAll(async () => {
    client?.destroy();
    await fixture?.close();
  });

  it('has at least 60 rows, with positives and benign look-alikes', () => {
    expect(guardrailTable.length).toBeGreaterThanOrEqual(60);
    expect(guardrailTable.filter((row) => row.category === 'benign').length).toBeGreaterThanOrEqual(20);
  });

  it.each(guardrailTable.map((row) => [row.category, row.source ?? 'INPUT', row.text, row] as const))(
    '%s (%s): %j',
    async (_category, source, text, row) => {
      const response = await client.send(
        new ApplyGuardrailCommand({
          guardrailIdentifier: localGuardrail.id,
          guardrailVersion: localGuardrail.version,
          source,
          content: [{ text: { text } }],
        }),
      );
      expect(checkCase(row, response).problems).toEqual([]);
    },
  );
});
