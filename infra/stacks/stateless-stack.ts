import {
  CfnOutput,
  CrossStackReferences,
  Duration,
  ReferenceStrength,
  Stack,
  type StackProps,
  Stage,
} from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { LanternEnvironment } from '../../config/environment.ts';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
// biome-ignore lint/style/noRestrictedImports: Slack's preset is built by the code the chat functions answer with, so the two cannot drift apart.
import { defaultAnswerPreset } from '../../shared/answers/answer-preset.ts';
import { ChatApi, DEFAULT_USAGE_PLAN } from '../constructs/chat-api.ts';
import { ChatFunctions } from '../constructs/chat-functions.ts';
import { ConversationAccess } from '../constructs/conversation-access.ts';
import type { LanternGuardrail } from '../constructs/guardrail.ts';
import { KnowledgeBaseReload } from '../constructs/knowledge-base-reload.ts';
import type { LanternFunction } from '../constructs/lantern-function.ts';
import { ModelInvocationLogging } from '../constructs/model-invocation-logging.ts';
import { LanternMonitoring } from '../constructs/monitoring.ts';
import { SlackIntegration } from '../constructs/slack-integration.ts';
import { UserAuthorizer } from '../constructs/user-authorizer.ts';
import {
  allowedModels,
  BUNDLED_PRESET_NAME,
  BUNDLED_SETTINGS_NAME,
  type DeployedAnswerSettings,
  LAMBDA_PRESET_PATH,
  LAMBDA_SETTINGS_PATH,
  profileTier,
  rerankModels,
  stageSettingsFile,
} from '../lib/answer-profiles.ts';
import { type GenerationModel, resolveGenerationModel } from '../lib/bedrock-arns.ts';
import type { BundledFile } from '../lib/bundled-file.ts';
import type { IdentitySettings, UsagePlanSettings } from '../lib/settings.ts';

export { REST_FUNCTION_TIMEOUT } from '../constructs/chat-functions.ts';

/** Props of {@link StatelessStack}: the stateful resources it uses, and its settings. */
export interface StatelessStackProps extends StackProps {
  /** The sessions table (from the stateful stack). */
  readonly table: ITable;
  readonly knowledgeBaseId: string;
  readonly knowledgeBaseArn: string;
  /** The documents bucket, whose changes (EventBridge events) trigger a knowledge-base sync. */
  readonly documentsBucketName: string;
  /** The knowledge base's data sources: the documents bucket's, then Confluence's when configured. */
  readonly dataSourceIds: readonly string[];
  /** When to sync the crawled data sources (Confluence), as a schedule expression. @default no schedule */
  readonly crawlSchedule?: string;
  /** The guardrail that screens questions and answers. @default none */
  readonly guardrail?: LanternGuardrail;
  /** The Slack app's secret; the Slack route, queue and functions exist only with it. @default no Slack */
  readonly slackSecret?: ISecret;
  /** Generation model: model id, inference profile id, or model/profile ARN. @default config/knowledge-base.ts */
  readonly model?: string;
  /** Days a session lives after its last message (`SESSION_TTL_DAYS`). @default 30 */
  readonly sessionTtlDays?: number;
  /** Origins browsers may call the API from (`CORS_ALLOW_ORIGINS`). @default all origins */
  readonly corsAllowOrigins?: readonly string[];
  /** Per-API-key limits of the default usage plan. @default 10 req/s, burst 20, 100,000 requests a month */
  readonly usagePlan?: UsagePlanSettings;
  /** How long function, API access and invocation logs are kept. @default one month */
  readonly logRetention?: RetentionDays;
  /** Put an AWS WAF web ACL in front of the API. @default false */
  readonly waf?: boolean;
  /** Turn on Bedrock model invocation logging for the account and region. @default false */
  readonly modelInvocationLogging?: boolean;
  /** Subscribed to the alarm topic. @default none */
  readonly alarmEmail?: string;
  /** Token authentication of end users (route groups, issuers, visitor tokens). @default API keys only */
  readonly identity?: IdentitySettings;
  /**
   * Answer profiles (`-c profiles=FILE`): an API key and usage plan per profile, every model they
   * allow and their rerank models granted, the settings file bundled into chat and chat-stream.
   * @default none: one default key, the built-in answer settings
   */
  readonly answers?: DeployedAnswerSettings;
}

/**
 * The request path, composed of Lantern's constructs: {@link ConversationAccess} (what answering takes,
 * and the published guardrail version), {@link ChatFunctions}, {@link SlackIntegration} (with the Slack
 * secret), {@link KnowledgeBaseReload}, the {@link ChatApi} in front of them, optional
 * {@link ModelInvocationLogging}, and {@link LanternMonitoring}. The stack itself only wires them and
 * names the outputs.
 */
export class StatelessStack extends Stack {
  /** The generation model the functions call, and what they are granted on it. */
  public readonly model: GenerationModel;
  public readonly conversation: ConversationAccess;
  public readonly chat: ChatFunctions;
  /** The Slack path, when the stateful stack has a Slack secret. */
  public readonly slack?: SlackIntegration;
  /** kb-admin, kb-sync, the S3 change queue and the crawl schedule. */
  public readonly knowledgeBaseReload: KnowledgeBaseReload;
  public readonly chatApi: ChatApi;
  /** The Lambda authorizer of user and visitor tokens, with `identity`. */
  public readonly userAuthorizer?: UserAuthorizer;
  public readonly monitoring: LanternMonitoring;
  /** Model id → the ARN the functions call, for every model an answer profile allows. */
  public readonly answerModels: ReadonlyMap<string, GenerationModel>;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong references (Export/ImportValue): CloudFormation refuses to remove the table, the knowledge base,
    // the guardrail or the Slack secret from the stateful stack while this stack still uses them.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { table, slackSecret, logRetention } = props;
    this.model = resolveGenerationModel(this, props.model ?? knowledgeBaseSettings.generationModelId);

    // What every function reads (config/environment.ts, scope `all`), as the local stack sets it too.
    const environment: LanternEnvironment = {
      TABLE_NAME: table.tableName,
      KNOWLEDGE_BASE_ID: props.knowledgeBaseId,
      MODEL_ARN: this.model.modelArn,
      SESSION_TTL_DAYS: String(props.sessionTtlDays ?? 30),
    };

    const answers = props.answers;
    this.answerModels = new Map(
      (answers ? allowedModels(answers.settings) : []).map((id) => [id, resolveGenerationModel(this, id)]),
    );
    this.conversation = new ConversationAccess(this, 'Conversation', {
      table,
      knowledgeBaseArn: props.knowledgeBaseArn,
      model: this.model,
      additionalModels: [...this.answerModels.values()],
      rerankModelIds: answers ? rerankModels(answers.settings) : [],
      guardrail: props.guardrail,
    });
    const shared = { table, environment, logRetention };
    this.chat = new ChatFunctions(this, 'ChatFunctions', {
      ...shared,
      conversation: this.conversation,
      openApi: true,
      ...(answers
        ? {
            answerSettings: {
              stagedFile: stageSettingsFile(assemblyDirectory(this), answers.json),
              bundledName: BUNDLED_SETTINGS_NAME,
              runtimePath: LAMBDA_SETTINGS_PATH,
            },
          }
        : {}),
    });
    if (slackSecret) {
      this.slack = new SlackIntegration(this, 'Slack', {
        ...shared,
        secret: slackSecret,
        conversation: this.conversation,
        ...(answers ? { answerPreset: this.slackAnswerPreset(answers) } : {}),
      });
    }
    this.knowledgeBaseReload = new KnowledgeBaseReload(this, 'KnowledgeBaseReload', {
      ...shared,
      knowledgeBaseArn: props.knowledgeBaseArn,
      documentsBucketName: props.documentsBucketName,
      dataSourceIds: props.dataSourceIds,
      crawlSchedule: props.crawlSchedule,
    });

    if (props.identity) {
      this.userAuthorizer = new UserAuthorizer(this, 'UserAuthorizer', {
        users: props.identity.users,
        visitorTokens: props.identity.visitorTokens,
        ...(props.identity.visitorTokenTtlSeconds
          ? { visitorTokenTtl: Duration.seconds(props.identity.visitorTokenTtlSeconds) }
          : {}),
        logRetention,
      });
      if (props.identity.auth.sessions !== 'api-key') this.chat.grantSessionHistory();
    }

    const usagePlan = props.usagePlan ?? DEFAULT_USAGE_PLAN;
    this.chatApi = new ChatApi(this, 'ChatApi', {
      chatFunction: this.chat.chatFunction,
      chatStreamFunction: this.chat.chatStreamFunction,
      sessionsFunction: this.chat.sessionsFunction,
      healthFunction: this.chat.healthFunction,
      openApiFunction: this.chat.openApiFunction,
      slackEventsFunction: this.slack?.eventsFunction,
      knowledgeBaseAdminFunction: this.knowledgeBaseReload.adminFunction,
      corsAllowOrigins: props.corsAllowOrigins,
      usagePlan,
      logRetention,
      waf: props.waf,
      ...(this.userAuthorizer
        ? {
            userAuthorizer: this.userAuthorizer.authorizer,
            auth: props.identity?.auth,
            visitorTokensFunction: this.userAuthorizer.visitorTokensFunction,
          }
        : {}),
      ...(answers
        ? {
            profileKeys: answers.settings.profiles.map((profile) => {
              const tier = profileTier(profile, usagePlan);
              return { profile: profile.name, ...(tier ? { usagePlan: tier } : {}) };
            }),
          }
        : {}),
    });
    if (answers) {
      // Key ids exist only once CloudFormation creates the keys: the map is a template value.
      const keyProfiles = this.toJsonString(
        Object.fromEntries([...this.chatApi.profileApiKeys].map(([profile, key]) => [key.keyId, profile])),
      );
      const modelArns = this.toJsonString(Object.fromEntries(this.answerModelArns()));
      for (const fn of [this.chat.chatFunction, this.chat.chatStreamFunction]) {
        fn.setVariable('API_KEY_PROFILES', keyProfiles)
          .setVariable('MODEL_ARNS', modelArns)
          .setVariable('VECTOR_STORE', answers.vectorStore);
      }
      // A visitor token carries the profile of the key that minted it, so a tenant's visitors stay in it.
      this.userAuthorizer?.visitorTokensFunction?.setVariable('API_KEY_PROFILES', keyProfiles);
    }

    if (props.modelInvocationLogging) {
      new ModelInvocationLogging(this, 'ModelInvocationLogging', {
        retention: logRetention ?? RetentionDays.ONE_MONTH,
      });
    }

    const functions: Record<string, LanternFunction> = {
      chat: this.chat.chatFunction,
      'chat-stream': this.chat.chatStreamFunction,
      sessions: this.chat.sessionsFunction,
      health: this.chat.healthFunction,
      ...(this.slack
        ? { 'slack-events': this.slack.eventsFunction, 'slack-worker': this.slack.workerFunction }
        : {}),
      'kb-admin': this.knowledgeBaseReload.adminFunction,
      'kb-sync': this.knowledgeBaseReload.syncFunction,
      ...(this.userAuthorizer ? { authorizer: this.userAuthorizer.function } : {}),
      ...(this.userAuthorizer?.visitorTokensFunction
        ? { 'visitor-tokens': this.userAuthorizer.visitorTokensFunction }
        : {}),
    };
    this.monitoring = new LanternMonitoring(this, 'Monitoring', {
      api: this.chatApi.api,
      chatFunction: this.chat.chatFunction,
      functions,
      queues: {
        ...(this.slack ? { Slack: this.slack.queue } : {}),
        KbSync: this.knowledgeBaseReload.queue,
      },
      deadLetterQueues: {
        ...(this.slack ? { Slack: this.slack.deadLetterQueue } : {}),
        KbSync: this.knowledgeBaseReload.deadLetterQueue,
      },
      alarmEmail: props.alarmEmail,
      // The Slack path's own alarm (a question given up).
      otherAlarms: this.slack?.alarms ?? [],
    });

    // The outputs belong to the stack: operators and scripts read them by these names.
    new CfnOutput(this, 'ApiUrl', {
      value: this.chatApi.url,
      description: 'Base URL; routes start with v1/',
    });
    const keyId = this.chatApi.apiKey.keyId;
    new CfnOutput(this, 'ApiKeyId', { value: keyId, description: 'Id of the default API key' });
    new CfnOutput(this, 'ApiKeyValueCommand', {
      value: `aws apigateway get-api-key --api-key ${keyId} --include-value --query value --output text`,
      description: 'Prints the API key to send as x-api-key',
    });
    for (const [profile, key] of this.chatApi.profileApiKeys) {
      new CfnOutput(this, `ApiKeyId${outputSuffix(profile)}`, {
        value: key.keyId,
        description: `Id of the API key of answer profile "${profile}"; aws apigateway get-api-key --api-key <id> --include-value --query value --output text prints the key`,
      });
    }
    if (this.chatApi.slackRequestUrl) {
      new CfnOutput(this, 'SlackRequestUrl', {
        value: this.chatApi.slackRequestUrl,
        description: 'Event Subscriptions request URL of the Slack app',
      });
    }
    if (this.userAuthorizer?.userPool) {
      new CfnOutput(this, 'UserPoolId', {
        value: this.userAuthorizer.userPool.userPoolId,
        description: 'Cognito user pool whose ID tokens the chat and sessions routes accept',
      });
    }
    if (this.userAuthorizer?.userPoolClient) {
      new CfnOutput(this, 'UserPoolClientId', {
        value: this.userAuthorizer.userPoolClient.userPoolClientId,
        description: 'App client for the frontend (SRP sign-in, no secret)',
      });
    }
    if (this.userAuthorizer?.visitorTokensFunction) {
      new CfnOutput(this, 'VisitorTokensUrl', {
        value: `${this.chatApi.url}v1/visitor-tokens`,
        description:
          'POST with x-api-key: a short-lived token for an anonymous visitor (Authorization: Bearer)',
      });
    }
    new CfnOutput(this, 'AdminApiUrl', {
      value: this.chatApi.adminUrl,
      description:
        'Knowledge-base admin routes (sync, jobs): sign with SigV4; callers need execute-api:Invoke on them',
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards/dashboard/${this.monitoring.dashboard.dashboardName}`,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.alarmTopic.topicArn,
      description: 'Subscribe to be told when an alarm fires',
    });
  }

  /** Model id → the ARN the functions send for it (`MODEL_ARNS`). */
  private answerModelArns(): Map<string, string> {
    return new Map([...this.answerModels].map(([id, model]) => [id, model.modelArn]));
  }

  /**
   * The default profile as slack-worker answers with it: built by the chat functions' own code from
   * the settings (the model's ARN may be a template value, so it goes in the worker's `MODEL_ARN`,
   * the rest in a bundled file), so a Slack question is answered as an API question is.
   */
  private slackAnswerPreset(answers: DeployedAnswerSettings): {
    readonly modelArn: string;
    readonly file: BundledFile;
  } {
    const { modelArn, preset } = defaultAnswerPreset({
      settings: answers.settings,
      keyProfiles: new Map(),
      modelArns: this.answerModelArns(),
      defaultModelArn: this.model.modelArn,
      region: this.region,
    });
    return {
      modelArn,
      file: {
        stagedFile: stageSettingsFile(assemblyDirectory(this), `${JSON.stringify(preset, null, 2)}\n`),
        bundledName: BUNDLED_PRESET_NAME,
        runtimePath: LAMBDA_PRESET_PATH,
      },
    };
  }
}

/** The cloud assembly's folder, where synthesis may stage files for bundling. */
function assemblyDirectory(scope: Construct): string {
  const stage = Stage.of(scope);
  if (!stage) throw new Error('The stateless stack must belong to an App or Stage');
  return stage.outdir;
}

/** `acme-support` → `AcmeSupport`: an output id may hold only letters and digits. */
function outputSuffix(profile: string): string {
  return profile
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
