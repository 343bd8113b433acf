import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { LanternEnvironment } from '../../config/environment.ts';
import { functionTimeoutSeconds } from '../../config/function-timeouts.ts';
import { sessionTable } from '../../config/table.ts';
import { type BundledFile, bundleFile } from '../lib/bundled-file.ts';
import type { ConversationAccess } from './conversation-access.ts';
import { LanternFunction } from './lantern-function.ts';

/** Stops before the buffered integration's limit (`config/function-timeouts.ts`). */
export const REST_FUNCTION_TIMEOUT = Duration.seconds(functionTimeoutSeconds.chat);

/** Props of {@link ChatFunctions}. */
export interface ChatFunctionsProps {
  /** The sessions table: `sessions` reads, rates and deletes its items. */
  readonly table: ITable;
  /** The variables every Lantern function gets (`TABLE_NAME`, `KNOWLEDGE_BASE_ID`, …). */
  readonly environment: LanternEnvironment;
  /** What chat and chat-stream need to answer: the conversation policy, the guardrail and its variables. */
  readonly conversation: ConversationAccess;
  readonly logRetention?: RetentionDays;
  /** Deploy `openapi`, which serves the API's OpenAPI description (`GET /v1/openapi.json`). @default false */
  readonly openApi?: boolean;
  /** The answer profiles' settings file, bundled into chat and chat-stream. @default none: built-in defaults */
  readonly answerSettings?: BundledFile;
}

/**
 * The functions of the chat API: `chat` (a grounded answer with citations), `chat-stream` (the same
 * as Server-Sent Events, through Lambda response streaming), `sessions` (read, rate and delete a
 * session), `health` and, with `openApi`, `openapi` (the API's description). chat and chat-stream
 * answer through {@link ConversationAccess}; sessions may touch the table and nothing else; health and
 * openapi get nothing beyond their logs and traces. The API in front of them is `ChatApi`'s.
 */
export class ChatFunctions extends Construct {
  public readonly chatFunction: LanternFunction;
  public readonly chatStreamFunction: LanternFunction;
  public readonly sessionsFunction: LanternFunction;
  public readonly healthFunction: LanternFunction;
  private readonly table: ITable;
  private historyGranted = false;
  /** `GET /v1/openapi.json`, with `openApi`: serves the committed OpenAPI document, and nothing else. */
  public readonly openApiFunction?: LanternFunction;

  constructor(scope: Construct, id: string, props: ChatFunctionsProps) {
    super(scope, id);
    const { table, environment, conversation, logRetention } = props;
    const settings = props.answerSettings;
    const answering: LanternEnvironment = {
      ...environment,
      ...conversation.environment,
      ...(settings ? { ANSWER_SETTINGS_FILE: settings.runtimePath } : {}),
    };
    const bundling = settings ? bundleFile(settings) : undefined;

    this.chatFunction = new LanternFunction(this, 'Chat', {
      entry: 'functions/chat/handler.ts',
      description: 'POST /v1/chat: grounded answer with citations',
      timeout: REST_FUNCTION_TIMEOUT,
      logRetention,
      environment: answering,
      ...(bundling ? { bundling } : {}),
    });
    this.chatStreamFunction = new LanternFunction(this, 'ChatStream', {
      entry: 'functions/chat-stream/handler.ts',
      description: 'POST /v1/chat/stream: the answer as Server-Sent Events (Lambda response streaming)',
      timeout: Duration.seconds(functionTimeoutSeconds.chatStream),
      logRetention,
      environment: answering,
      ...(bundling ? { bundling } : {}),
    });
    conversation.grantTo(this.chatFunction);
    conversation.grantTo(this.chatStreamFunction);

    this.sessionsFunction = new LanternFunction(this, 'Sessions', {
      entry: 'functions/sessions/handler.ts',
      description: 'GET and DELETE /v1/sessions/{id}, POST /v1/sessions/{id}/feedback',
      timeout: Duration.seconds(functionTimeoutSeconds.sessions),
      logRetention,
      environment,
    });
    this.sessionsFunction.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadRateAndDeleteSessions',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
        ],
        resources: [table.tableArn],
      }),
    );

    this.table = table;
    this.healthFunction = new LanternFunction(this, 'Health', {
      entry: 'functions/health/handler.ts',
      description: 'GET /v1/health',
      memorySize: 512,
      timeout: Duration.seconds(functionTimeoutSeconds.health),
      logRetention,
      environment,
    });

    if (props.openApi) {
      this.openApiFunction = new LanternFunction(this, 'OpenApi', {
        entry: 'functions/openapi/handler.ts',
        description: 'GET /v1/openapi.json: the OpenAPI 3.1 description of the API',
        memorySize: 512,
        timeout: Duration.seconds(functionTimeoutSeconds.openApi),
        logRetention,
        environment,
      });
    }
  }

  /**
   * Lets `sessions` list a caller's own sessions (`GET /v1/sessions`, on token routes) through the
   * owner index, and nothing more of the index.
   */
  public grantSessionHistory(): void {
    if (this.historyGranted) return;
    this.historyGranted = true;
    this.sessionsFunction.addToRolePolicy(
      new PolicyStatement({
        sid: 'ListOwnSessions',
        actions: ['dynamodb:Query'],
        resources: [`${this.table.tableArn}/index/${sessionTable.ownerIndex.name}`],
      }),
    );
  }
}
