import { GetFoundationModelAvailabilityCommand } from '@aws-sdk/client-bedrock';
import { describeError, type PreflightContext } from './check.ts';

const MODEL_ACCESS_DOC = 'https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html';

export interface AccessProblem {
  readonly problem: string;
  readonly fix?: string;
}

export interface AvailabilityOptions {
  /** Whether a Marketplace subscription (agreement and entitlement) must be in place. */
  readonly marketplace: boolean;
  /** The IAM actions the account must be allowed on the model, for the fix. */
  readonly actions: string;
  /** How an operator makes the first call that starts the subscription, for the fix. */
  readonly firstCall: string;
}

/**
 * What `GetFoundationModelAvailability` says stands between this account and calling the model in
 * the region: region, authorization (IAM or SCP) and, for a Marketplace model, the subscription.
 * Empty when nothing does.
 */
export async function availabilityProblems(
  context: PreflightContext,
  modelId: string,
  options: AvailabilityOptions,
): Promise<AccessProblem[]> {
  try {
    const availability = await context.bedrock.send(new GetFoundationModelAvailabilityCommand({ modelId }));
    const problems: AccessProblem[] = [];
    if (availability.regionAvailability !== 'AVAILABLE') {
      problems.push({ problem: `not offered in ${context.region}` });
    }
    if (availability.authorizationStatus !== 'AUTHORIZED') {
      problems.push({
        problem: 'not authorized (an IAM or SCP policy denies it)',
        fix: `Allow ${options.actions} on the model for this account (check SCPs).`,
      });
    }
    const agreement = availability.agreementAvailability?.status;
    const entitlement = availability.entitlementAvailability;
    if (options.marketplace && (agreement !== 'AVAILABLE' || entitlement !== 'AVAILABLE')) {
      problems.push({
        problem: `Marketplace subscription ${agreement === 'PENDING' ? 'pending' : 'missing'} (agreement ${agreement ?? 'unknown'}, entitlement ${entitlement ?? 'unknown'})`,
        fix: `${options.firstCall} as an identity allowed aws-marketplace:Subscribe, Unsubscribe and ViewSubscriptions; the subscription completes within about 15 minutes. The Lambda roles are not granted Marketplace actions. ${MODEL_ACCESS_DOC}`,
      });
    }
    return problems;
  } catch (error) {
    const { name, message } = describeError(error);
    return [
      {
        problem: `availability: ${name}: ${message}`,
        fix: `Allow the checking identity bedrock:GetFoundationModelAvailability. ${MODEL_ACCESS_DOC}`,
      },
    ];
  }
}
