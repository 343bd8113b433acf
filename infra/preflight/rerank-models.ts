import { RERANK_MODELS_SOURCE, rerankModel, rerankModelsIn } from '../../config/rerank-models.ts';
import type { Check, CheckResult, PreflightContext } from './check.ts';
import { availabilityProblems } from './model-availability.ts';
import { foundationModelLifecycle } from './model-status.ts';

/**
 * Each rerank model the answer profiles use (`--profiles FILE`, `--rerank-model ID`) is offered in
 * the region and callable by this account: AWS's table of rerank regions, `GetFoundationModel`
 * (listed and ACTIVE here) and `GetFoundationModelAvailability` (authorized; for a Marketplace
 * model, subscribed). Reads only, like every check.
 */
export const rerankModelsCheck: Check = async (context) => {
  const { rerankModels, region } = context;
  if (rerankModels.length === 0) {
    return {
      id: 'rerank-models',
      status: 'skip',
      summary: 'Rerank models: none to check (pass --profiles FILE or --rerank-model ID)',
    };
  }
  const problems: string[] = [];
  const fixes = new Set<string>();
  const found: string[] = [];
  for (const modelId of rerankModels) {
    const outcome = await checkOne(context, modelId);
    if (outcome.problem) {
      problems.push(outcome.problem);
      if (outcome.fix) fixes.add(outcome.fix);
    } else {
      found.push(`${modelId} ACTIVE`);
    }
  }
  const result: CheckResult =
    problems.length === 0
      ? { id: 'rerank-models', status: 'pass', summary: `Rerank models in ${region}: ${found.join(', ')}` }
      : {
          id: 'rerank-models',
          status: 'fail',
          summary: `Rerank models in ${region}: ${problems.join('; ')}`,
          fix: [...fixes].join(' '),
        };
  return result;
};

async function checkOne(
  context: PreflightContext,
  modelId: string,
): Promise<{ readonly problem?: string; readonly fix?: string }> {
  const { region } = context;
  const facts = rerankModel(modelId);
  // The other models worth naming: telling an operator to use the very model that failed helps nobody.
  const others = rerankModelsIn(region).filter((other) => other !== modelId);
  const source = `${RERANK_MODELS_SOURCE.url}, read ${RERANK_MODELS_SOURCE.checkedOn}`;
  const listed = facts ? `AWS lists ${modelId} in ${facts.regions.join(', ')} (${source})` : undefined;
  const elsewhere = `${others.length > 0 ? `Rerank with ${others.join(' or ')} in ${region}, or deploy` : 'Deploy'} to a region AWS lists for ${modelId} (${facts ? `${facts.regions.join(', ')}; ` : ''}${source}).`;
  if (facts && !facts.regions.includes(region)) {
    return { problem: `${modelId} is not offered for reranking in ${region}`, fix: elsewhere };
  }
  const { status, error } = await foundationModelLifecycle(context, modelId);
  if (error) {
    const fix = listed
      ? `${listed}, so check that --region and the endpoint are the account's (the Bedrock emulator serves no rerank model: skip rerank-models against it).`
      : elsewhere;
    return { problem: `${modelId}: ${error.name}: ${error.message}`, fix };
  }
  if (status !== 'ACTIVE') {
    return { problem: `${modelId} is ${status} in ${region}`, fix: elsewhere };
  }
  const [blocking] = await availabilityProblems(context, modelId, {
    marketplace: facts?.marketplace ?? false,
    actions: 'bedrock:InvokeModel and bedrock:Rerank',
    firstCall: 'Call Rerank once with the model (e.g. in the Bedrock console)',
  });
  if (blocking) return { problem: `${modelId}: ${blocking.problem}`, fix: blocking.fix ?? elsewhere };
  return {};
}
