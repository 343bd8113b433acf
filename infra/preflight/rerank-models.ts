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
  const elsewhere = `Rerank with ${rerankModelsIn(region).join(' or ') || 'no model (none is offered here)'} in ${region}, or deploy to a region AWS lists (${RERANK_MODELS_SOURCE.url}).`;
  const facts = rerankModel(modelId);
  if (facts && !facts.regions.includes(region)) {
    return { problem: `${modelId} is not offered for reranking in ${region}`, fix: elsewhere };
  }
  const { status, error } = await foundationModelLifecycle(context, modelId);
  if (error) {
    return { problem: `${modelId}: ${error.name}: ${error.message}`, fix: elsewhere };
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
