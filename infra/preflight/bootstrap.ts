import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { type Check, describeError } from './check.ts';

/** CloudFormation states a usable bootstrap stack can be in. */
const USABLE = /^(CREATE_COMPLETE|UPDATE_COMPLETE|UPDATE_ROLLBACK_COMPLETE|IMPORT_COMPLETE)$/;

/** The CDK bootstrap stack exists in the region and is in a usable state (DescribeStacks). */
export const bootstrapCheck: Check = async ({ cloudFormation, region, toolkitStackName }) => {
  const fix = `npx cdk bootstrap aws://<account>/${region}`;
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: toolkitStackName }));
    const stack = Stacks?.[0];
    const status = stack?.StackStatus ?? 'unknown';
    const version = stack?.Outputs?.find((output) => output.OutputKey === 'BootstrapVersion')?.OutputValue;
    if (!USABLE.test(status)) {
      return {
        id: 'bootstrap',
        status: 'fail',
        summary: `CDK bootstrap stack ${toolkitStackName} in ${region} is ${status}`,
        fix: `Fix or delete the stack in the CloudFormation console, then ${fix}`,
      };
    }
    return {
      id: 'bootstrap',
      status: 'pass',
      summary: `CDK bootstrap stack ${toolkitStackName} in ${region}: ${status}${version ? `, version ${version}` : ''}`,
    };
  } catch (error) {
    const { name, message } = describeError(error);
    const missing = /does not exist/.test(message);
    return {
      id: 'bootstrap',
      status: 'fail',
      summary: missing
        ? `CDK bootstrap stack ${toolkitStackName} does not exist in ${region}`
        : `CDK bootstrap stack ${toolkitStackName} in ${region}: ${name}: ${message}`,
      fix: missing
        ? fix
        : 'Allow the deploying identity cloudformation:DescribeStacks, then run the check again.',
    };
  }
};
