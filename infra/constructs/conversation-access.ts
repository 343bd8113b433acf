import { createHash } from 'node:crypto';
import { Stack, Validations } from 'aws-cdk-lib';
import { CfnGuardrailVersion } from 'aws-cdk-lib/aws-bedrock';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { LanternEnvironment } from '../../config/environment.ts';
import { foundationModelArn, type GenerationModel } from '../lib/bedrock-arns.ts';
import type { LanternGuardrail } from './guardrail.ts';
import type { LanternFunction } from './lantern-function.ts';

/** Props of {@link ConversationAccess}. */
export interface ConversationAccessProps {
  /** The sessions table the conversation engine reads and writes. */
  readonly table: ITable;
  readonly knowledgeBaseArn: string;
  /** The generation model, as `resolveGenerationModel` resolved it. */
  readonly model: GenerationModel;
  /**
   * Other models a request may choose (the answer profiles' allow-lists), granted like `model`.
   * @default none
   */
  readonly additionalModels?: readonly GenerationModel[];
  /** Rerank model ids (`amazon.rerank-v1:0`) the answer profiles use, in the stack's region. @default none */
  readonly rerankModelIds?: readonly string[];
  /** The guardrail that screens questions and answers. @default none */
  readonly guardrail?: LanternGuardrail;
}

/**
 * What answering a question takes, for every function that runs the conversation engine (chat,
 * chat-stream, the Slack worker): one IAM policy (the table, `bedrock:Retrieve` on the knowledge base,
 * every generation model the answer profiles allow, each through its inference profile when it is
 * one, `RetrieveAndGenerate`, and `Rerank` with the profiles' rerank models when any reranks),
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
    const models = distinctModels([model, ...(props.additionalModels ?? [])]);
    const rerankModelIds = [...new Set(props.rerankModelIds ?? [])];

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
        resources: models.map((each) => each.modelArn),
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
    const profiles = models.filter(
      (each) => each.kind === 'inference-profile' || each.kind === 'application-inference-profile',
    );
    if (profiles.length > 0) {
      statements.push(
        new PolicyStatement({
          sid: 'ReadTheInferenceProfile',
          actions: ['bedrock:GetInferenceProfile'],
          resources: profiles.map((each) => each.modelArn),
        }),
      );
    }
    // One statement per profile: a shared condition would let one profile's models run through another.
    profiles.forEach((profile, index) => {
      statements.push(
        new PolicyStatement({
          sid: `GenerateThroughTheInferenceProfile${index === 0 ? '' : index + 1}`,
          actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          resources: [...profile.routedFoundationModelArns],
          conditions: { StringEquals: { 'bedrock:InferenceProfileArn': profile.modelArn } },
        }),
      );
    });
    if (rerankModelIds.length > 0) {
      // RetrieveAndGenerate reranks with the caller's permissions: bedrock:Rerank, and InvokeModel on
      // the rerank model (AWS: "Permissions for reranking in Amazon Bedrock").
      statements.push(
        new PolicyStatement({
          sid: 'Rerank',
          actions: ['bedrock:Rerank'],
          resources: ['*'],
        }),
        new PolicyStatement({
          sid: 'InvokeTheRerankModels',
          actions: ['bedrock:InvokeModel'],
          resources: rerankModelIds.map((modelId) => foundationModelArn(this, modelId)),
        }),
      );
    }
    // One policy shared by the answering roles: a grant changes in one place, and the roles stay in step.
    this.policy = new Policy(this, 'Policy', { statements });
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `bedrock:RetrieveAndGenerate${rerankModelIds.length > 0 ? ' and bedrock:Rerank support' : ' supports'} no resource-level permissions (Service Authorization Reference); the knowledge base and models they reach are limited by bedrock:Retrieve and bedrock:InvokeModel, granted on their ARNs only.`,
    });
    for (const arn of new Set(profiles.flatMap((each) => each.routedFoundationModelArns))) {
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

/** The models once each, in order: two profiles may allow the same model. */
function distinctModels(models: readonly GenerationModel[]): GenerationModel[] {
  const seen = new Set<string>();
  return models.filter((model) => {
    if (seen.has(model.modelArn)) return false;
    seen.add(model.modelArn);
    return true;
  });
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
