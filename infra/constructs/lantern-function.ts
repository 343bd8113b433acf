import { Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  LogLevel,
  NodejsFunction,
  type NodejsFunctionProps,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  type EnvironmentVariableName,
  type LanternEnvironment,
  toEnvironmentRecord,
} from '../../config/environment.ts';
import { fromRepoRoot } from '../lib/paths.ts';

/** Defines `require` inside the ESM bundle, for CommonJS dependencies that call it. */
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * Props of {@link LanternFunction}: any `NodejsFunction` prop, plus the entry file and log retention; the
 * environment in the names of `config/environment.ts`, the contract `shared/config.ts` validates.
 */
export interface LanternFunctionProps
  extends Omit<
    NodejsFunctionProps,
    'entry' | 'runtime' | 'architecture' | 'logGroup' | 'role' | 'environment'
  > {
  /** Handler entry file relative to the repository root, e.g. `functions/chat/handler.ts`; it exports `handler`. */
  readonly entry: string;
  /** How long the function's log group keeps events. @default one month */
  readonly logRetention?: RetentionDays;
  /** The contract's variables this function reads (`TABLE_NAME`, …); Powertools' settings are added. */
  readonly environment?: LanternEnvironment;
}

/**
 * A Lambda function with Lantern's defaults: Node.js 22 on arm64, 1024 MB, 30 s, an esbuild ESM bundle
 * that includes the AWS SDK (minified, with source maps), active X-Ray tracing (each invocation's
 * segment, recorded by Lambda; no tracing SDK in the bundle), Powertools settings (service
 * `lantern`, log level INFO), its own log group with a retention
 * period, and an execution role that may write only to that log group (no AWS-managed policy).
 *
 * Handler code is referenced by path only; `infra/` never imports it.
 */
export class LanternFunction extends NodejsFunction {
  /** The execution role: it may write to the function's log group and nothing else until granted more. */
  public readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: LanternFunctionProps) {
    const { entry, logRetention, environment, bundling, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: logRetention ?? RetentionDays.ONE_MONTH,
    });
    const role = new Role(scope, `${id}ServiceRole`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the Lantern ${id} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      ...rest,
      entry: fromRepoRoot(entry),
      handler: 'handler',
      projectRoot: fromRepoRoot('.'),
      depsLockFilePath: fromRepoRoot('package-lock.json'),
      logGroup,
      role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'lantern',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...toEnvironmentRecord(environment ?? {}),
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        minify: true,
        logLevel: LogLevel.WARNING,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the SDK instead of using the runtime's copy: pinned versions, faster cold starts.
        bundleAwsSDK: true,
        ...bundling,
      },
    });
    this.executionRole = role;

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: it matches the esbuild target and the Node versions the same handlers run on locally; upgrades happen here, in one place.',
    });
  }

  /** Sets one variable of the environment contract (`config/environment.ts`) after construction. */
  public setVariable(name: EnvironmentVariableName, value: string): this {
    this.addEnvironment(name, value);
    return this;
  }
}
