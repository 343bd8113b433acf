import { createHash } from 'node:crypto';
import { CfnGuardrail, CfnGuardrailVersion } from 'aws-cdk-lib/aws-bedrock';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { type GuardrailPolicy, guardrailPolicy, withContextualGrounding } from '../../config/guardrail.ts';

/** Props of {@link LanternGuardrail}. */
export interface LanternGuardrailProps {
  /** The policy to deploy. @default `guardrailPolicy` from `config/guardrail.ts` */
  readonly policy?: GuardrailPolicy;
  /**
   * The guardrail's name, unique per account and region (`^[0-9a-zA-Z-_]+$`, ≤ 50 characters).
   * @default the policy's name
   */
  readonly guardrailName?: string;
  /** Customer-managed key that encrypts the guardrail. @default an AWS-owned key */
  readonly kmsKey?: IKey;
  /**
   * Add `config/guardrail.ts`'s contextual grounding checks to the policy. AWS documents that they do
   * not support conversational QA / chatbot use cases, and on a stream an irrelevant answer is flagged
   * only after it was sent, so they are off unless asked for.
   * @default false
   */
  readonly contextualGrounding?: boolean;
}

/**
 * A Bedrock guardrail built from Lantern's policy (`config/guardrail.ts`, which the local emulator
 * enforces too), with a numbered version to attach at runtime.
 *
 * The policy maps 1:1 onto `AWS::Bedrock::Guardrail`; nothing is added or dropped here. The
 * `AWS::Bedrock::GuardrailVersion` snapshots the guardrail's working draft when it is created, and
 * CloudFormation only creates a new one when its properties change, so its description carries a
 * digest of the policy: any policy change publishes a new version, and callers pinned to
 * {@link guardrailVersion} move to it in the same deployment.
 */
export class LanternGuardrail extends Construct {
  public readonly guardrailId: string;
  public readonly guardrailArn: string;
  /** The numbered version (e.g. `"1"`) published from the current policy. */
  public readonly guardrailVersion: string;
  /** The policy this guardrail enforces. */
  public readonly policy: GuardrailPolicy;

  constructor(scope: Construct, id: string, props: LanternGuardrailProps = {}) {
    super(scope, id);
    const basePolicy = props.policy ?? guardrailPolicy;
    const policy = props.contextualGrounding ? withContextualGrounding(basePolicy) : basePolicy;
    this.policy = policy;

    const guardrail = new CfnGuardrail(this, 'Resource', {
      ...toCfnGuardrailProps(policy),
      name: props.guardrailName ?? policy.name,
      kmsKeyArn: props.kmsKey?.keyArn,
    });
    const version = new CfnGuardrailVersion(this, 'Version', {
      guardrailIdentifier: guardrail.attrGuardrailId,
      description: `Lantern guardrail policy ${policyDigest(policy)}`,
    });

    this.guardrailId = guardrail.attrGuardrailId;
    this.guardrailArn = guardrail.attrGuardrailArn;
    this.guardrailVersion = version.attrVersion;
  }

  /**
   * Lets the grantee apply this guardrail: `bedrock:ApplyGuardrail` on its ARN, which both the
   * ApplyGuardrail API and RetrieveAndGenerate with a `guardrailConfiguration` require.
   */
  public grantApply(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['bedrock:ApplyGuardrail'],
      resourceArns: [this.guardrailArn],
    });
  }
}

/** The policy as L1 props: the same names, with readonly arrays copied into the mutable ones CDK types ask for. */
function toCfnGuardrailProps(policy: GuardrailPolicy) {
  const content = policy.contentPolicyConfig;
  const topics = policy.topicPolicyConfig;
  const words = policy.wordPolicyConfig;
  const sensitive = policy.sensitiveInformationPolicyConfig;
  const grounding = policy.contextualGroundingPolicyConfig;
  return {
    description: policy.description,
    blockedInputMessaging: policy.blockedInputMessaging,
    blockedOutputsMessaging: policy.blockedOutputsMessaging,
    contentPolicyConfig: content && { filtersConfig: content.filtersConfig.map((filter) => ({ ...filter })) },
    topicPolicyConfig: topics && {
      topicsConfig: topics.topicsConfig.map((topic) => ({
        ...topic,
        examples: topic.examples && [...topic.examples],
      })),
    },
    wordPolicyConfig: words && {
      wordsConfig: words.wordsConfig?.map((word) => ({ ...word })),
      managedWordListsConfig: words.managedWordListsConfig?.map((list) => ({ ...list })),
    },
    sensitiveInformationPolicyConfig: sensitive && {
      piiEntitiesConfig: sensitive.piiEntitiesConfig?.map((entity) => ({ ...entity })),
      regexesConfig: sensitive.regexesConfig?.map((regex) => ({ ...regex })),
    },
    contextualGroundingPolicyConfig: grounding && {
      filtersConfig: grounding.filtersConfig.map((filter) => ({ ...filter })),
    },
  };
}

/** A short, stable digest of the policy: a new one publishes a new guardrail version. */
function policyDigest(policy: GuardrailPolicy): string {
  return createHash('sha256').update(JSON.stringify(policy)).digest('hex').slice(0, 12);
}
