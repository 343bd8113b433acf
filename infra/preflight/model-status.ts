import { GetFoundationModelCommand } from '@aws-sdk/client-bedrock';
import { type BedrockModelFacts, lifecycleOn } from '../../config/bedrock-models.ts';
import { describeError, type PreflightContext } from './check.ts';

/** What the dated file says about a model on the day of the check. */
export function fileVerdict(
  facts: BedrockModelFacts | undefined,
  context: PreflightContext,
): { readonly status: 'ok' | 'legacy' | 'eol' | 'unknown'; readonly note: string } {
  if (!facts) return { status: 'unknown', note: 'not in config/bedrock-models.json' };
  const lifecycle = lifecycleOn(facts, context.today, context.region);
  if (lifecycle === 'EOL') {
    return {
      status: 'eol',
      note: `end of life${facts.endOfLifeDate ? ` since ${facts.endOfLifeDate}` : ''} (${facts.source})`,
    };
  }
  if (lifecycle === 'LEGACY') {
    return {
      status: 'legacy',
      note: `Legacy${facts.endOfLifeDate ? `, end of life ${facts.endOfLifeDate}` : ''} (${facts.source})`,
    };
  }
  return { status: 'ok', note: 'Active per config/bedrock-models.json' };
}

/** `GetFoundationModel`'s lifecycle status in the region, or the error that stood for it. */
export async function foundationModelLifecycle(
  context: PreflightContext,
  modelId: string,
): Promise<{
  readonly status?: string;
  readonly error?: { readonly name: string; readonly message: string };
}> {
  try {
    const { modelDetails } = await context.bedrock.send(
      new GetFoundationModelCommand({ modelIdentifier: modelId }),
    );
    return { status: modelDetails?.modelLifecycle?.status ?? 'unknown' };
  } catch (error) {
    return { error: describeError(error) };
  }
}
