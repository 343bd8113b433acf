import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * ARN of an on-demand foundation model in the scope's own region, e.g.
 * `arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0`.
 * Foundation-model ARNs carry no account id.
 */
export function foundationModelArn(scope: IConstruct, modelId: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:bedrock:${stack.region}::foundation-model/${modelId}`;
}
