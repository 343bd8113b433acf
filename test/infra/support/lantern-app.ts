import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll } from 'vitest';
import { composeLanternApp, type LanternStacks } from '../../../infra/lantern-app.ts';
import { type BedrockEmulator, startBedrockEmulator } from '../../../local/bedrock-emulator/index.ts';
import { startTestTable, type TestTable } from '../../helpers/dynamodb.ts';
import { SAMPLE_KB } from '../../helpers/local-stack.ts';

/** A synthesized Lantern app: its stacks, their templates and the cloud assembly. */
export interface SynthesizedLantern extends LanternStacks {
  readonly app: App;
  readonly assembly: CloudAssembly;
  readonly statefulTemplate: Template;
  readonly statelessTemplate: Template;
  /** Deletes the temporary cloud assembly (call it in `afterAll`). */
  readonly cleanUp: () => void;
}

export interface SynthesizeOptions {
  /** Extra CDK context, as `-c key=value` would set it. */
  readonly context?: Record<string, unknown>;
  /** Bundle the handlers with esbuild (slower); otherwise the assets are placeholders. @default true */
  readonly bundle?: boolean;
}

/** Composes the app exactly as `infra/bin/app.ts` does and synthesizes it once, into a temporary folder. */
export function synthesizeLantern(options: SynthesizeOptions = {}): SynthesizedLantern {
  const outdir = mkdtempSync(join(tmpdir(), 'lantern-cdk-'));
  const app = new App({
    outdir,
    context: {
      // Synthesis needs a chosen region; tests that are about the region pass their own.
      region: 'us-east-1',
      ...options.context,
      ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
    },
  });
  const stacks = composeLanternApp(app);
  const assembly = app.synth();
  return {
    app,
    assembly,
    ...stacks,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
    cleanUp: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** An IAM policy statement as it appears in a template. */
/**
 * Synthesizes without bundling (no test here needs the bundled handlers) and removes every
 * synthesized folder once the calling test file is done.
 */
export function unbundledSynthesizer(): (context?: Record<string, unknown>) => SynthesizedLantern {
  const synthesized: SynthesizedLantern[] = [];
  afterAll(() => {
    for (const lantern of synthesized) lantern.cleanUp();
  });
  return (context) => {
    const lantern = synthesizeLantern({ bundle: false, ...(context ? { context } : {}) });
    synthesized.push(lantern);
    return lantern;
  };
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of every `AWS::IAM::Policy` attached to the role, plus the role's inline policies. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const statements: Statement[] = [];
  const role = template.toJSON().Resources[roleLogicalId];
  for (const policy of role?.Properties?.Policies ?? []) {
    statements.push(...policy.PolicyDocument.Statement);
  }
  const policies = template.findResources('AWS::IAM::Policy');
  for (const policy of Object.values(policies)) {
    const roles: unknown[] = policy.Properties.Roles ?? [];
    if (roles.some((ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleLogicalId }))) {
      statements.push(...policy.Properties.PolicyDocument.Statement);
    }
  }
  return statements;
}

/** Allowed action → the resources it is granted on, across all the statements. */
export function grantsByAction(statements: readonly Statement[]): Map<string, unknown[]> {
  const grants = new Map<string, unknown[]>();
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') continue;
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const action of actions) {
      grants.set(action, [...(grants.get(action) ?? []), ...resources]);
    }
  }
  return grants;
}

/** The logical id of the only resource of `type` whose properties match, failing otherwise. */
export function logicalIdOf(template: Template, type: string, props?: Record<string, unknown>): string {
  const ids = Object.keys(template.findResources(type, props ? { Properties: props } : undefined));
  if (ids.length !== 1) {
    throw new Error(`Expected one ${type}, found ${ids.length}: ${ids.join(', ')}`);
  }
  return ids[0] as string;
}

/** A Confluence Cloud data source, as the acceptance criteria configure it. */
export const CONFLUENCE_CONTEXT = {
  confluenceHostUrl: 'https://example.atlassian.net',
  confluenceSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:conf-AbCdEf',
} as const;

/** Every optional feature on at once (OpenSearch Serverless, so Confluence raises no warning). */
export const EVERYTHING_CONTEXT = {
  ...CONFLUENCE_CONTEXT,
  confluenceAuthType: 'OAUTH2_CLIENT_CREDENTIALS',
  confluenceFilters:
    '[{"objectType":"Page","inclusionFilters":["^Support/.*"],"exclusionFilters":[".*Archive.*"]}]',
  vectorStore: 'opensearch-serverless',
  waf: 'true',
  modelInvocationLogging: 'true',
  contextualGrounding: 'true',
  confluenceKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  alarmEmail: 'ops@example.com',
  logRetentionDays: '90',
  corsAllowOrigins: 'https://app.example.com',
  sessionTtlDays: '7',
  apiRateLimit: '5',
  apiBurstLimit: '8',
  apiMonthlyQuota: '5000',
} as const;

/** Everything optional off. */
export const MINIMAL_CONTEXT = { slack: 'false', guardrail: 'false' } as const;

/** The template of each stack of a synthesized app. */
export function templatesOf(lantern: SynthesizedLantern): Template[] {
  return [lantern.statefulTemplate, lantern.statelessTemplate];
}

/** Resolves `Ref` and `Fn::Join` as CloudFormation would, from the values given for each reference. */
export function resolveValue(value: unknown, refs: Readonly<Record<string, string>>): string {
  if (typeof value === 'string') return value;
  const object = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  if (object.Ref !== undefined) {
    const resolved = refs[object.Ref];
    if (resolved === undefined) throw new Error(`No value for Ref ${object.Ref}`);
    return resolved;
  }
  if (object['Fn::Join']) {
    const [separator, parts] = object['Fn::Join'];
    return parts.map((part) => resolveValue(part, refs)).join(separator);
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value)}`);
}

/** A file bundled beside a function's handler, in the cloud assembly's copy of its asset (it must exist). */
export function bundledFilePath(
  lantern: SynthesizedLantern,
  functionLogicalId: string,
  name: string,
): string {
  const resources = lantern.statelessTemplate.toJSON().Resources;
  const hash = String(resources[functionLogicalId].Properties.Code.S3Key).replace(/\.zip$/, '');
  const path = join(lantern.assembly.directory, `asset.${hash}`, name);
  if (!existsSync(path)) throw new Error(`${path} was not bundled`);
  return path;
}

/** What a deployed function reaches, offline: the sample knowledge base in the Bedrock emulator, and a table. */
export interface DeployedBackends {
  readonly emulator: BedrockEmulator;
  readonly table: TestTable;
  /** The variables that point a function at them, as AWS would fill in the imported table and knowledge base. */
  readonly environment: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export async function startDeployedBackends(
  knowledgeBaseId: string,
  tableName: string,
): Promise<DeployedBackends> {
  const emulator = await startBedrockEmulator({
    knowledgeBases: [
      {
        knowledgeBaseId,
        dataSources: [{ dataSourceId: 'DSSAMPLE01', type: 'S3', folder: SAMPLE_KB, bucketName: 'docs' }],
      },
    ],
    now: () => new Date('2026-12-07T00:00:00Z'),
  });
  await emulator.ingest();
  const table = await startTestTable(tableName);
  return {
    emulator,
    table,
    environment: {
      TABLE_NAME: tableName,
      KNOWLEDGE_BASE_ID: knowledgeBaseId,
      AWS_REGION: 'us-east-1',
      DYNAMODB_ENDPOINT: table.endpoint,
      BEDROCK_AGENT_RUNTIME_ENDPOINT: emulator.url,
      BEDROCK_RUNTIME_ENDPOINT: emulator.url,
    },
    close: async () => {
      await emulator.close();
      await table.close();
    },
  };
}
