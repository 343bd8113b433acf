import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** Props of {@link ModelInvocationLogging}. */
export interface ModelInvocationLoggingProps {
  /** How long the invocation log group keeps events. */
  readonly retention: RetentionDays;
}

/**
 * Turns on Amazon Bedrock model invocation logging for the account and region, to a CloudWatch Logs
 * group of its own: every model call's prompt and completion (text only), including the calls
 * `RetrieveAndGenerate` makes for Lantern.
 *
 * Bedrock keeps one logging configuration per account and region and CloudFormation has no resource
 * for it, so a custom resource calls `PutModelInvocationLoggingConfiguration` on create and update and
 * `DeleteModelInvocationLoggingConfiguration` on delete: deploying replaces any configuration already
 * there, and deleting the stack turns logging off.
 */
export class ModelInvocationLogging extends Construct {
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ModelInvocationLoggingProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.logGroup = new LogGroup(this, 'LogGroup', { retention: props.retention });

    // The role Bedrock assumes to write the logs: only Bedrock in this account, only to this group.
    const deliveryRole = new Role(this, 'DeliveryRole', {
      description: 'Lets Amazon Bedrock write model invocation logs to the Lantern log group',
      assumedBy: new ServicePrincipal('bedrock.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:*` },
        },
      }),
    });
    this.logGroup.grantWrite(deliveryRole);

    // The custom resource's own function, with its own log group instead of an AWS-managed policy.
    const handlerLogs = new LogGroup(this, 'HandlerLogGroup', { retention: props.retention });
    const handlerRole = new Role(this, 'HandlerRole', {
      description: 'Lantern: sets the Bedrock model invocation logging configuration',
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    handlerLogs.grantWrite(handlerRole);
    handlerRole.addToPolicy(
      new PolicyStatement({
        sid: 'ConfigureModelInvocationLogging',
        actions: [
          'bedrock:PutModelInvocationLoggingConfiguration',
          'bedrock:DeleteModelInvocationLoggingConfiguration',
        ],
        resources: ['*'],
      }),
    );
    handlerRole.addToPolicy(
      new PolicyStatement({
        sid: 'HandTheDeliveryRoleToBedrock',
        actions: ['iam:PassRole'],
        resources: [deliveryRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
      }),
    );
    Validations.of(handlerRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'bedrock:PutModelInvocationLoggingConfiguration and DeleteModelInvocationLoggingConfiguration act on the account-wide setting and support no resource-level permissions.',
    });

    const loggingConfig = {
      cloudWatchConfig: { logGroupName: this.logGroup.logGroupName, roleArn: deliveryRole.roleArn },
      textDataDeliveryEnabled: true,
      imageDataDeliveryEnabled: false,
      embeddingDataDeliveryEnabled: false,
    };
    const configuration = new AwsCustomResource(this, 'Configuration', {
      resourceType: 'Custom::BedrockModelInvocationLogging',
      installLatestAwsSdk: false,
      role: handlerRole,
      logGroup: handlerLogs,
      onCreate: {
        service: 'Bedrock',
        action: 'PutModelInvocationLoggingConfiguration',
        parameters: { loggingConfig },
        physicalResourceId: PhysicalResourceId.of(`bedrock-invocation-logging-${stack.region}`),
      },
      onUpdate: {
        service: 'Bedrock',
        action: 'PutModelInvocationLoggingConfiguration',
        parameters: { loggingConfig },
        physicalResourceId: PhysicalResourceId.of(`bedrock-invocation-logging-${stack.region}`),
      },
      onDelete: { service: 'Bedrock', action: 'DeleteModelInvocationLoggingConfiguration' },
    });
    // Bedrock checks that it can assume the role and write to the group when the configuration is set.
    configuration.node.addDependency(deliveryRole);
  }
}
