/**
 * Bundle size and cold init of every Lambda function, beside a "floor" bundle that holds only the
 * AWS SDK clients the function uses. The bundles are built as `infra/constructs/lantern-function.ts`
 * builds them (esbuild, ESM, node22 target, minified, SDK bundled, source maps); cold init is the
 * time a fresh Node process takes to import the bundle, as Lambda's init phase does.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { localGuardrail } from '../../config/guardrail.ts';
import { LOCAL_KNOWLEDGE_BASE_ID, LOCAL_MODEL_ARN, LOCAL_TABLE_NAME } from '../../local/stack.ts';
import { median } from './stats.ts';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** The same banner as the CDK construct: `require` inside the ESM bundle for CommonJS dependencies. */
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** Each SDK package a handler may pull in, and how the floor bundle constructs its client. */
const CLIENT_CONSTRUCTORS: Record<string, { imports: string; create: string }> = {
  '@aws-sdk/client-dynamodb': {
    imports: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    create: 'new DynamoDBClient({})',
  },
  '@aws-sdk/lib-dynamodb': {
    imports:
      "import { DynamoDBClient as DocumentBase } from '@aws-sdk/client-dynamodb'; import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    create: 'DynamoDBDocumentClient.from(new DocumentBase({}))',
  },
  '@aws-sdk/client-bedrock-agent-runtime': {
    imports: "import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';",
    create: 'new BedrockAgentRuntimeClient({})',
  },
  '@aws-sdk/client-bedrock-runtime': {
    imports: "import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';",
    create: 'new BedrockRuntimeClient({})',
  },
  '@aws-sdk/client-bedrock-agent': {
    imports: "import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';",
    create: 'new BedrockAgentClient({})',
  },
  '@aws-sdk/client-secrets-manager': {
    imports: "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';",
    create: 'new SecretsManagerClient({})',
  },
  '@aws-sdk/client-sqs': {
    imports: "import { SQSClient } from '@aws-sdk/client-sqs';",
    create: 'new SQSClient({})',
  },
  '@aws-sdk/client-s3': {
    imports: "import { S3Client } from '@aws-sdk/client-s3';",
    create: 'new S3Client({})',
  },
};

export interface FunctionBundle {
  /** The folder under `functions/`. */
  readonly name: string;
  readonly bytes: number;
  /** SDK packages found in the bundle (`@aws-sdk/client-dynamodb`, …). */
  readonly clients: readonly string[];
  readonly floorBytes: number;
  /** Median import time of the bundle in a fresh process, ms. */
  readonly initMs: number;
  readonly floorInitMs: number;
  /** Median over runs of (bundle import ÷ floor import), each pair measured back to back. */
  readonly initRatio: number;
  /** Median wall time of the whole fresh process (Node start + import + exit), ms. */
  readonly processMs: number;
  /** The bundle and its floor, as built (for the first-request runs). */
  readonly outfile: string;
  readonly floorFile: string;
  /** Where the bench kept the bundle's esbuild metafile. */
  readonly metafilePath: string;
  /** The packages with the most bytes in the bundle, largest first. */
  readonly topPackages: readonly PackageBytes[];
}

export interface PackageBytes {
  /** An npm package (`zod`, `@aws-sdk/client-dynamodb`), or `lantern: <folder>` for our own code. */
  readonly name: string;
  readonly bytes: number;
}

/** Where the bench keeps one esbuild metafile per function (git-ignored with `.lantern/`). */
export const METAFILE_DIR = join(REPO_ROOT, '.lantern', 'bench', 'metafiles');

/** The package an esbuild input belongs to: the innermost `node_modules/<name>` of its path. */
export function packageOf(input: string): string {
  const parts = input.split('node_modules/');
  if (parts.length < 2) {
    const folder = input.replace(/^(\.\.\/)+/, '').split('/')[0] ?? input;
    return `lantern: ${folder}`;
  }
  const rest = (parts.at(-1) ?? '').split('/');
  return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? input);
}

/** Bytes in the output per package, largest first (from esbuild's metafile). */
export function packageBytes(metafile: Metafile): PackageBytes[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, use] of Object.entries(output.inputs)) {
      if (use.bytesInOutput <= 0) continue;
      const name = packageOf(input);
      totals.set(name, (totals.get(name) ?? 0) + use.bytesInOutput);
    }
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

/** The function folders that have a `handler.ts`, as `infra/` deploys them. */
export function functionEntries(): { name: string; entry: string }[] {
  const dir = join(REPO_ROOT, 'functions');
  return readdirSync(dir)
    .filter((name) => {
      try {
        return statSync(join(dir, name, 'handler.ts')).isFile();
      } catch {
        return false;
      }
    })
    .sort()
    .map((name) => ({ name, entry: join(dir, name, 'handler.ts') }));
}

export const esbuildOptions: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: { js: REQUIRE_SHIM },
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  metafile: true,
  logLevel: 'error',
};

/** SDK packages whose code made it into a bundle (not only parsed, then shaken off), from esbuild's metafile. */
export function sdkPackagesOf(metafile: Metafile): string[] {
  const found = new Set<string>();
  const inBundle = Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, use]) => use.bytesInOutput > 0)
      .map(([input]) => input),
  );
  for (const input of inBundle) {
    const match = /node_modules\/(@aws-sdk\/(?:client-[a-z0-9-]+|lib-dynamodb))\//.exec(input);
    if (match?.[1] && CLIENT_CONSTRUCTORS[match[1]]) found.add(match[1]);
  }
  return [...found].sort();
}

/** The floor entry: construct each client once, export them so nothing is tree-shaken away. */
export function floorSource(clients: readonly string[]): string {
  const parts = clients.map((c) => CLIENT_CONSTRUCTORS[c]).filter((p) => p !== undefined);
  return `${parts.map((p) => p.imports).join('\n')}\nexport const clients = [${parts.map((p) => p.create).join(', ')}];\n`;
}

/**
 * What the importing process gets: the Lambda runtime's streaming globals (stubbed, as Lambda
 * provides them), then the bundle, timed. Prints one marker line the parent reads.
 */
const PROBE = `const started = performance.now();
const runtime = (globalThis.awslambda ??= {});
runtime.streamifyResponse ??= (handler) => handler;
runtime.HttpResponseStream ??= { from: (stream) => stream };
await import(process.argv[2]);
process.stdout.write('\\nLANTERN_INIT_MS=' + (performance.now() - started) + '\\n');
process.exit(0);
`;

/**
 * The handlers' configuration, pointing every endpoint at a closed loopback port: importing a
 * handler builds clients but must not call anything.
 */
function handlerEnvironment(): Record<string, string> {
  const nowhere = 'http://127.0.0.1:9';
  return {
    PATH: process.env.PATH ?? '',
    NODE_OPTIONS: '--enable-source-maps',
    TABLE_NAME: LOCAL_TABLE_NAME,
    KNOWLEDGE_BASE_ID: LOCAL_KNOWLEDGE_BASE_ID,
    MODEL_ARN: LOCAL_MODEL_ARN,
    SESSION_TTL_DAYS: '30',
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: nowhere,
    BEDROCK_AGENT_RUNTIME_ENDPOINT: nowhere,
    BEDROCK_RUNTIME_ENDPOINT: nowhere,
    BEDROCK_AGENT_ENDPOINT: nowhere,
    GUARDRAIL_ID: localGuardrail.id,
    GUARDRAIL_VERSION: localGuardrail.version,
    SLACK_API_URL: `${nowhere}/api/`,
    // As deployed: the events function hands events to a queue and reads its secrets from Secrets Manager.
    SLACK_QUEUE_URL: `${nowhere}/000000000000/lantern-slack-jobs`,
    SLACK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:lantern-slack-AbCdEf',
    // The visitor-token route refuses to load without the secret its signing key comes from.
    VISITOR_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:lantern-visitor-AbCdEf',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: 'lantern',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
}

/** Imports `file` in a fresh Node process; returns the import time and the process's wall time. */
export function coldInit(probe: string, file: string): Promise<{ initMs: number; processMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [probe, pathToFileURL(file).href], {
      env: handlerEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const processMs = performance.now() - started;
      const match = /LANTERN_INIT_MS=([\d.]+)/.exec(out);
      if (code !== 0 || !match?.[1]) {
        reject(new Error(`importing ${file} failed (exit ${code}): ${err.slice(-800) || out.slice(-800)}`));
        return;
      }
      resolve({ initMs: Number(match[1]), processMs });
    });
  });
}

export interface BundleBenchOptions {
  /** Where bundles go (a temporary directory). */
  readonly outDir: string;
  /** Fresh-process imports per bundle (≥ 5); 0 builds the bundles and keeps the metafiles only. */
  readonly runs: number;
  readonly onProgress?: (message: string) => void;
}

export async function benchBundles(options: BundleBenchOptions): Promise<FunctionBundle[]> {
  mkdirSync(options.outDir, { recursive: true });
  const probe = join(options.outDir, 'probe.mjs');
  writeFileSync(probe, PROBE);
  const floors = new Map<string, { file: string; bytes: number }>();
  const results: FunctionBundle[] = [];
  for (const { name, entry } of functionEntries()) {
    options.onProgress?.(`bundling ${name}`);
    const outfile = join(options.outDir, name, 'index.mjs');
    const result = await build({
      ...esbuildOptions,
      entryPoints: [entry],
      outfile,
      absWorkingDir: REPO_ROOT,
    });
    if (!result.metafile) throw new Error(`esbuild gave no metafile for ${name}`);
    mkdirSync(METAFILE_DIR, { recursive: true });
    const metafilePath = join(METAFILE_DIR, `${name}.json`);
    writeFileSync(metafilePath, JSON.stringify(result.metafile));
    const clients = sdkPackagesOf(result.metafile);
    const key = clients.join(',') || '(none)';
    let floor = floors.get(key);
    if (!floor) {
      const file = join(options.outDir, `floor-${floors.size}`, 'index.mjs');
      await build({
        ...esbuildOptions,
        stdin: {
          contents: floorSource(clients),
          resolveDir: REPO_ROOT,
          sourcefile: `floor-${key}.ts`,
          loader: 'ts',
        },
        outfile: file,
      });
      floor = { file, bytes: statSync(file).size };
      floors.set(key, floor);
    }
    options.onProgress?.(`cold init of ${name} (${options.runs} runs)`);
    const initMs: number[] = [];
    const processMs: number[] = [];
    const floorInitMs: number[] = [];
    // Alternate bundle and floor, run by run, so drift in the machine's load hits both alike.
    for (let run = 0; run < options.runs; run++) {
      const own = await coldInit(probe, outfile);
      initMs.push(own.initMs);
      processMs.push(own.processMs);
      floorInitMs.push((await coldInit(probe, floor.file)).initMs);
    }
    results.push({
      name,
      bytes: statSync(outfile).size,
      clients,
      floorBytes: floor.bytes,
      initMs: median(initMs),
      floorInitMs: median(floorInitMs),
      initRatio: median(initMs.map((own, i) => own / (floorInitMs[i] ?? Number.NaN))),
      processMs: median(processMs),
      outfile,
      floorFile: floor.file,
      metafilePath,
      topPackages: packageBytes(result.metafile).slice(0, 5),
    });
  }
  return results;
}
