import { describe, expect, it } from 'vitest';
import { ChatFunctions, REST_FUNCTION_TIMEOUT } from '../../../infra/constructs/chat-functions.ts';
import { ConversationAccess } from '../../../infra/constructs/conversation-access.ts';
import { LanternGuardrail } from '../../../infra/constructs/guardrail.ts';
import { resolveGenerationModel } from '../../../infra/lib/bedrock-arns.ts';
import { constructStack, idOf, sessionsTable, Template } from '../support/construct-stack.ts';
import { grantsByAction, statementsOfRole } from '../support/lantern-app.ts';

const stack = constructStack();
const table = sessionsTable(stack);
const conversation = new ConversationAccess(stack, 'Conversation', {
  table,
  knowledgeBaseArn: 'arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB12345678',
  model: resolveGenerationModel(stack, 'amazon.nova-lite-v1:0'),
  guardrail: new LanternGuardrail(stack, 'Guardrail'),
});
const chat = new ChatFunctions(stack, 'ChatFunctions', {
  table,
  conversation,
  environment: { TABLE_NAME: table.tableName, KNOWLEDGE_BASE_ID: 'KB12345678', SESSION_TTL_DAYS: '30' },
  openApi: true,
});
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources;
type Fn = typeof chat.chatFunction;
const propertiesOf = (fn: Fn) => resources[idOf(fn)].Properties;
const grantsOf = (fn: Fn) => grantsByAction(statementsOfRole(template, idOf(fn.executionRole)));
const ownActions = (fn: Fn) =>
  [...grantsOf(fn).keys()].filter((action) => !action.startsWith('logs:') && !action.startsWith('xray:'));

describe('ChatFunctions', () => {
  it('stops chat before the 29 s REST integration, and gives the stream minutes', () => {
    expect(propertiesOf(chat.chatFunction).Timeout).toBe(REST_FUNCTION_TIMEOUT.toSeconds());
    expect(REST_FUNCTION_TIMEOUT.toSeconds()).toBeLessThan(29);
    expect(propertiesOf(chat.chatStreamFunction).Timeout).toBe(300);
    expect(propertiesOf(chat.healthFunction).MemorySize).toBe(512);
  });

  it('names the guardrail version to chat and chat-stream only', () => {
    for (const fn of [chat.chatFunction, chat.chatStreamFunction]) {
      expect(Object.keys(propertiesOf(fn).Environment.Variables)).toEqual(
        expect.arrayContaining(['TABLE_NAME', 'KNOWLEDGE_BASE_ID', 'GUARDRAIL_ID', 'GUARDRAIL_VERSION']),
      );
    }
    for (const fn of [chat.sessionsFunction, chat.healthFunction]) {
      expect(propertiesOf(fn).Environment.Variables).toMatchObject({ SESSION_TTL_DAYS: '30' });
      expect(propertiesOf(fn).Environment.Variables).not.toHaveProperty('GUARDRAIL_ID');
    }
  });

  it('lets chat and chat-stream answer through the conversation policy and apply the guardrail', () => {
    const policyRoles = resources[idOf(conversation.policy)].Properties.Roles;
    expect(policyRoles).toEqual([
      { Ref: idOf(chat.chatFunction.executionRole) },
      { Ref: idOf(chat.chatStreamFunction.executionRole) },
    ]);
    for (const fn of [chat.chatFunction, chat.chatStreamFunction]) {
      expect(grantsOf(fn).has('bedrock:ApplyGuardrail')).toBe(true);
    }
  });

  it('lets sessions read, rate and delete items of the table only, and health nothing at all', () => {
    expect(ownActions(chat.sessionsFunction).sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(grantsOf(chat.sessionsFunction).get('dynamodb:Query')).toEqual([stack.resolve(table.tableArn)]);
    expect(ownActions(chat.healthFunction)).toEqual([]);
  });

  it('serves the OpenAPI description from a small function with no grants and no guardrail', () => {
    if (!chat.openApiFunction) throw new Error('openApi: true deploys the openapi function');
    const props = propertiesOf(chat.openApiFunction);
    expect(props.Description).toMatch(/^GET \/v1\/openapi\.json: /);
    expect(props.MemorySize).toBe(512);
    expect(props.Timeout).toBe(10);
    expect(props.Environment.Variables).not.toHaveProperty('GUARDRAIL_ID');
    expect(ownActions(chat.openApiFunction)).toEqual([]);
  });
});
