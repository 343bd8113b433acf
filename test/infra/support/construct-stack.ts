import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IConstruct } from 'constructs';
import { LanternFunction } from '../../../infra/constructs/lantern-function.ts';

/**
 * A small stack to build one construct in, without bundling handlers (the assets are placeholders),
 * in a fixed region so ARNs resolve to strings.
 */
export function constructStack(id = 'ConstructTest'): Stack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, id, { env: { account: '111122223333', region: 'us-east-1' } });
}

/** A table shaped like the sessions table, for constructs that are granted on it. */
export function sessionsTable(stack: Stack): Table {
  return new Table(stack, 'Table', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
  });
}

/** A Lantern function with the defaults, on a real handler entry (bundling is skipped). */
export function lanternFunction(stack: Stack, id: string, description = id): LanternFunction {
  return new LanternFunction(stack, id, { entry: 'functions/health/handler.ts', description });
}

/** The functions every ChatApi needs (chat, stream, sessions, health, knowledge-base admin), on `stack`. */
export function chatApiFunctions(stack: Stack) {
  const fn = (id: string) => lanternFunction(stack, id);
  return {
    chatFunction: fn('Chat'),
    chatStreamFunction: fn('ChatStream'),
    sessionsFunction: fn('Sessions'),
    healthFunction: fn('Health'),
    knowledgeBaseAdminFunction: fn('KbAdmin'),
  };
}

/** Every API Gateway method but CORS preflights, as `METHOD /path` with its properties. */
export function apiMethods(template: Template): { route: string; properties: Record<string, unknown> }[] {
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;
  const pathOf = (id: string | undefined): string => {
    const resource = id ? resources[id]?.Properties : undefined;
    if (!resource) return '';
    return `${pathOf((resource.ParentId as { Ref?: string }).Ref)}/${resource.PathPart as string}`;
  };
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::ApiGateway::Method' && r.Properties.HttpMethod !== 'OPTIONS')
    .map((r) => ({
      route: `${r.Properties.HttpMethod} ${pathOf((r.Properties.ResourceId as { Ref?: string }).Ref) || '/'}`,
      properties: r.Properties,
    }));
}

/** The properties of the only resource of `type` matching `props`. */
export function onlyResource(template: Template, type: string, props?: Record<string, unknown>) {
  const found = Object.entries(template.findResources(type, props ? { Properties: props } : undefined));
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}`);
  const [id, resource] = found[0] as [string, { Properties: Record<string, unknown> }];
  return { id, properties: resource.Properties };
}

/** The logical id of a construct's CloudFormation resource (its default child, or itself). */
export function idOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

export { Template };
