import { GetFoundationModelAvailabilityCommand } from '@aws-sdk/client-bedrock';
import { RERANK_MODELS_SOURCE, rerankModel, rerankModelsIn } from '../../config/rerank-models.ts';
import { type Check, type CheckResult, describeError, type PreflightContext } from './check.ts';
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
  try {
    const availability = await context.bedrock.send(new GetFoundationModelAvailabilityCommand({ modelId }));
    if (availability.authorizationStatus !== 'AUTHORIZED') {
      return {
        problem: `${modelId} is not authorized (an IAM or SCP policy denies it)`,
        fix: 'Allow bedrock:InvokeModel and bedrock:Rerank on the rerank model for this account (check SCPs).',
      };
    }
    const agreement = availability.agreementAvailability?.status;
    if (
      facts?.marketplace &&
      (agreement !== 'AVAILABLE' || availability.entitlementAvailability !== 'AVAILABLE')
    ) {
      return {
        problem: `${modelId}: Marketplace subscription ${agreement === 'PENDING' ? 'pending' : 'missing'} (agreement ${agreement ?? 'unknown'}, entitlement ${availability.entitlementAvailability ?? 'unknown'})`,
        fix: 'Invoke the rerank model once as an identity allowed aws-marketplace:Subscribe, Unsubscribe and ViewSubscriptions (e.g. Rerank in the Bedrock console); the Lambda roles are not granted Marketplace actions.',
      };
    }
  } catch (error) {
    const { name, message } = describeError(error);
    return {
      problem: `${modelId} availability: ${name}: ${message}`,
      fix: 'Allow the checking identity bedrock:GetFoundationModelAvailability.',
    };
  }
  return {};
}
