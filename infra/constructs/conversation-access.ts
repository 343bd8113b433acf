import { createHash } from 'node:crypto';
import { Stack, Validations } from 'aws-cdk-lib';
import { CfnGuardrailVersion } from 'aws-cdk-lib/aws-bedrock';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { LanternEnvironment } from '../../config/environment.ts';
import type { GenerationModel } from '../lib/bedrock-arns.ts';
import type { LanternGuardrail } from './guardrail.ts';
import type { LanternFunction } from './lantern-function.ts';

/** Props of {@link ConversationAccess}. */
export interface ConversationAccessProps {
  /** The sessions table the conversation engine reads and writes. */
  readonly table: ITable;
  readonly knowledgeBaseArn: string;
  /** The generation model, as `resolveGenerationModel` resolved it. */
  readonly model: GenerationModel;
  /** The guardrail that screens questions and answers. @default none */
  readonly guardrail?: LanternGuardrail;
}

/**
 * What answering a question takes, for every function that runs the conversation engine (chat,
 * chat-stream, the Slack worker): one IAM policy (the table, `bedrock:Retrieve` on the knowledge base,
 * the generation model, through its inference profile when it is one, and `RetrieveAndGenerate`),
 * `bedrock:ApplyGuardrail` on the guardrail, and a guardrail version published here, in the stack of
 * the functions that use it, with the variables that name it ({@link environment}).
 *
 * The version is published here rather than taken from the stateful stack: a policy change updates
 * the guardrail there, then this construct creates a new version (its description carries the policy
 * digest) and the functions move to it in the same update, before the old version is deleted. A
 * version exported by the stateful stack could not change while this stack imports it.
 */
export class ConversationAccess extends Construct {
  /** The policy attached to every answering function's role. */
  public readonly policy: Policy;
  /** The guardrail version the functions apply, when there is a guardrail. */
  public readonly guardrailVersion?: CfnGuardrailVersion;
  /** `GUARDRAIL_ID` and `GUARDRAIL_VERSION` when there is a guardrail; empty otherwise. */
  public readonly environment: LanternEnvironment;
  private readonly guardrail?: LanternGuardrail;

  constructor(scope: Construct, id: string, props: ConversationAccessProps) {
    super(scope, id);
    const { table, knowledgeBaseArn, model, guardrail } = props;
    this.guardrail = guardrail;

    if (guardrail) {
      const digest = createHash('sha256').update(JSON.stringify(guardrail.policy)).digest('hex').slice(0, 12);
      this.guardrailVersion = new CfnGuardrailVersion(this, 'GuardrailVersion', {
        guardrailIdentifier: guardrail.guardrailId,
        description: `Lantern guardrail policy ${digest}`,
      });
      this.environment = {
        GUARDRAIL_ID: guardrail.guardrailId,
        GUARDRAIL_VERSION: this.guardrailVersion.attrVersion,
      };
    } else {
      this.environment = {};
    }

    const statements = [
      // DeleteItem releases a client message id claimed for a turn that failed, so a retry can take it.
      new PolicyStatement({
        sid: 'ReadAndWriteSessions',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
          'dynamodb:DeleteItem',
        ],
        resources: [table.tableArn],
      }),
      new PolicyStatement({
        sid: 'RetrieveFromTheKnowledgeBase',
        actions: ['bedrock:Retrieve'],
        resources: [knowledgeBaseArn],
      }),
      // The streamed path (RetrieveAndGenerateStream) generates with InvokeModelWithResponseStream.
      new PolicyStatement({
        sid: 'GenerateWithTheModel',
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: [model.modelArn],
      }),
      // RetrieveAndGenerate has no resource type in IAM, so it can only be granted on "*". What it may reach
      // is still bounded: Bedrock authorizes the caller's bedrock:Retrieve on the knowledge base and
      // bedrock:InvokeModel on the model, granted here on their ARNs only.
      new PolicyStatement({
        sid: 'RetrieveAndGenerate',
        actions: ['bedrock:RetrieveAndGenerate'],
        resources: ['*'],
      }),
    ];
    if (model.kind === 'inference-profile' || model.kind === 'application-inference-profile') {
      statements.push(
        new PolicyStatement({
          sid: 'ReadTheInferenceProfile',
          actions: ['bedrock:GetInferenceProfile'],
          resources: [model.modelArn],
        }),
        new PolicyStatement({
          sid: 'GenerateThroughTheInferenceProfile',
          actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          resources: [...model.routedFoundationModelArns],
          conditions: { StringEquals: { 'bedrock:InferenceProfileArn': model.modelArn } },
        }),
      );
    }
    // One policy shared by the answering roles: a grant changes in one place, and the roles stay in step.
    this.policy = new Policy(this, 'Policy', { statements });
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'bedrock:RetrieveAndGenerate supports no resource-level permissions; the knowledge base and model it reaches are limited by bedrock:Retrieve and bedrock:InvokeModel, granted on their ARNs only.',
    });
    for (const arn of model.routedFoundationModelArns) {
      Validations.of(this.policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResource(Stack.of(this), arn)}]`,
        reason:
          'An inference profile routes each request to the model in one of several regions, so the model is allowed in every region, and only when called through this profile (bedrock:InferenceProfileArn condition).',
      });
    }
  }

  /** Lets `fn` answer questions: attaches the conversation policy and allows applying the guardrail. */
  public grantTo(fn: LanternFunction): void {
    fn.executionRole.attachInlinePolicy(this.policy);
    this.guardrail?.grantApply(fn);
  }
}

/** How cdk-nag prints a resource in a finding id: pseudo parameters become `<AWS::…>`. */
function nagResource(stack: Stack, arn: string): string {
  const resolved = stack.resolve(arn);
  if (typeof resolved === 'string') return resolved;
  const parts: unknown[] = resolved?.['Fn::Join']?.[1] ?? [];
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      return ref ? `<${ref}>` : JSON.stringify(part);
    })
    .join('');
}
