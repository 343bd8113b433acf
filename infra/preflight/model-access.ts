import { GetUseCaseForModelAccessCommand } from '@aws-sdk/client-bedrock';
import { lookupModel, parseModelReference } from '../../config/bedrock-models.ts';
import { type Check, type CheckResult, describeError } from './check.ts';
import { availabilityProblems } from './model-availability.ts';

/**
 * The one-time steps before a third-party model answers: Anthropic's use-case form
 * (GetUseCaseForModelAccess) and the Marketplace subscription that the first invocation starts
 * (GetFoundationModelAvailability: agreement, authorization, entitlement, region). Amazon's own
 * models need neither. Reads only: preflight never submits the form nor subscribes.
 */
export const modelAccessCheck: Check = async (context) => {
  const { model, region } = context;
  const modelId = parseModelReference(model).modelId;
  if (modelId === undefined) {
    return {
      id: 'model-access',
      status: 'skip',
      summary: `Model access: ${model} does not name its foundation model`,
    };
  }
  const facts = lookupModel(modelId);
  const thirdParty = facts ? facts.marketplace || facts.firstUseForm : !modelId.startsWith('amazon.');
  if (!thirdParty) {
    return {
      id: 'model-access',
      status: 'pass',
      summary: `Model access: ${modelId} is Amazon's; no first-use step`,
    };
  }
  const problems: string[] = [];
  const fixes: string[] = [];
  const anthropic = facts?.firstUseForm ?? modelId.startsWith('anthropic.');
  if (anthropic) {
    try {
      await context.bedrock.send(new GetUseCaseForModelAccessCommand({}));
    } catch (error) {
      const { name, message } = describeError(error);
      problems.push(
        name === 'ResourceNotFoundException'
          ? "Anthropic's use-case form not submitted"
          : `use-case form: ${name}: ${message}`,
      );
      fixes.push(
        'Submit the use-case details once: Bedrock console > Model catalog > an Anthropic model > submit use case details (an organization can submit it from the management account).',
      );
    }
  }
  for (const { problem, fix } of await availabilityProblems(context, modelId, {
    marketplace: true,
    actions: 'bedrock:InvokeModel',
    firstCall: 'Invoke the model once (e.g. in the Bedrock playground)',
  })) {
    problems.push(problem);
    if (fix) fixes.push(fix);
  }
  const result: CheckResult =
    problems.length === 0
      ? {
          id: 'model-access',
          status: 'pass',
          summary: `Model access: ${modelId} subscribed and authorized in ${region}`,
        }
      : {
          id: 'model-access',
          status: 'fail',
          summary: `Model access to ${modelId}: ${problems.join('; ')}`,
          fix: fixes.join(' '),
        };
  return result;
};
