/** The documents bucket of a deployed Lantern, read from the stateful stack's outputs. */
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';

/** The output `Lantern-Stateful` declares for it (infra/stacks/stateful-stack.ts). */
export const BUCKET_OUTPUT = 'DocumentsBucketName';

export class StackOutputError extends Error {
  override readonly name = 'StackOutputError';
}

export async function documentsBucketOf(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<string> {
  let stacks: DescribeStacksCommandOutput['Stacks'];
  try {
    stacks = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks;
  } catch (error) {
    throw new StackOutputError(`Cannot read stack ${stackName}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const bucket = stacks?.[0]?.Outputs?.find((output) => output.OutputKey === BUCKET_OUTPUT)?.OutputValue;
  if (!bucket) {
    throw new StackOutputError(
      `Stack ${stackName} has no ${BUCKET_OUTPUT} output; name Lantern's stateful stack (Lantern-Stateful) or pass --bucket`,
    );
  }
  return bucket;
}
