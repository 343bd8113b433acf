import {
  GetFoundationModelAvailabilityCommand,
  GetUseCaseForModelAccessCommand,
} from '@aws-sdk/client-bedrock';
import { lookupModel, parseModelReference } from '../../config/bedrock-models.ts';
import { type Check, type CheckResult, describeError } from './check.ts';

const MODEL_ACCESS_DOC = 'https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html';

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
  try {
    const availability = await context.bedrock.send(new GetFoundationModelAvailabilityCommand({ modelId }));
    if (availability.regionAvailability !== 'AVAILABLE') problems.push(`not offered in ${region}`);
    if (availability.authorizationStatus !== 'AUTHORIZED') {
      problems.push('not authorized (an IAM or SCP policy denies it)');
      fixes.push('Allow bedrock:InvokeModel on the model for this account (check SCPs).');
    }
    const agreement = availability.agreementAvailability?.status;
    if (agreement !== 'AVAILABLE' || availability.entitlementAvailability !== 'AVAILABLE') {
      problems.push(
        `Marketplace subscription ${agreement === 'PENDING' ? 'pending' : 'missing'} (agreement ${agreement ?? 'unknown'}, entitlement ${availability.entitlementAvailability ?? 'unknown'})`,
      );
      fixes.push(
        `Invoke the model once as an identity allowed aws-marketplace:Subscribe, Unsubscribe and ViewSubscriptions (e.g. in the Bedrock playground); the subscription completes within about 15 minutes. The Lambda roles are not granted Marketplace actions. ${MODEL_ACCESS_DOC}`,
      );
    }
  } catch (error) {
    const { name, message } = describeError(error);
    problems.push(`availability: ${name}: ${message}`);
    fixes.push(`Allow the checking identity bedrock:GetFoundationModelAvailability. ${MODEL_ACCESS_DOC}`);
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
