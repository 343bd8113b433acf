/**
 * The local Bedrock emulator: a stand-in for the Bedrock services Lantern calls, served on one
 * loopback port to the real AWS SDK v3 clients (only their `endpoint` changes). See README.md.
 *
 * It imports nothing of Lantern's domain (`shared/`, `functions/`); only the knowledge-base
 * settings in `config/`, which the deployed knowledge base uses too.
 */

import type { VectorStore } from '../../config/answer-settings-core.ts';
import { agentRoutes } from './agent-operations.ts';
import { createFaultPolicy, type FaultPolicy, type FaultSettings } from './fault-policy.ts';
import type { FaultHook } from './faults.ts';
import {
  type GuardrailOptions,
  guardrailRuntimeRoutes,
  serveGuardrail,
} from './guardrail/served-guardrail.ts';
import type { DataSourceConfig } from './ingestion/data-sources.ts';
import { IngestionJobs, type IngestionLimits, type IngestionPacing } from './ingestion/jobs.ts';
import { KnowledgeBase } from './knowledge-base.ts';
import { agentRuntimeRoutes } from './operations.ts';
import { controlPlaneRoutes } from './protocol/control-plane-operations.ts';
import { RequestLog } from './request-log.ts';
import { rerankRoutes } from './rerank-operation.ts';
import { createRouter } from './router.ts';
import { RagSessions } from './sessions.ts';
import { type StreamFaults, type StreamPacing, streamRoutes } from './stream-operation.ts';

export { type FaultPolicy, type FaultSettings, parseFaults } from './fault-policy.ts';
export type { StreamFaults } from './stream-operation.ts';

import type { LoggedRequest } from './request-log.ts';
import { listenDualProtocol } from './transport.ts';

export { AwsServiceError } from './errors.ts';
export type { FaultContext, FaultHook } from './faults.ts';
export type { GuardrailOptions } from './guardrail/served-guardrail.ts';
export type { ConfluenceDataSourceConfig, S3DataSourceConfig } from './ingestion/data-sources.ts';
export type { IngestionLimits, IngestionPacing } from './ingestion/jobs.ts';
export type { LoggedRequest } from './request-log.ts';

/**
 * `S3`: a folder standing for the bucket (`s3://<bucketName>/<relative path>` URIs). `CONFLUENCE`: a
 * folder of exported pages with a `pages.json` manifest of their URLs (see data-sources.ts).
 */
export type EmulatorDataSource = DataSourceConfig;

export interface EmulatorKnowledgeBase {
  knowledgeBaseId: string;
  dataSources: EmulatorDataSource[];
  /**
   * The metadata keys the vector store keeps non-filterable, as the deployed S3 Vectors index
   * declares them (`config/vector-metadata.ts`): a filter naming one matches as if it were absent.
   * Default: none (every key filterable, as on a store without such a list).
   */
  nonFilterableMetadataKeys?: readonly string[];
  /**
   * Where the knowledge base keeps its vectors, which bounds the filters it evaluates: on S3 Vectors,
   * `startsWith` and `stringContains` are refused (see retrieval/metadata-filter.ts). Default: a store
   * that evaluates every operator (OpenSearch Serverless).
   */
  vectorStore?: VectorStore;
}

export interface StartEmulatorOptions {
  /** 0 (the default) picks any free port. */
  port?: number;
  knowledgeBases: EmulatorKnowledgeBase[];
  /** How long a RetrieveAndGenerate session lasts from its creation. Default 24 h, as on AWS. */
  sessionLifetimeMs?: number;
  /** How `RetrieveAndGenerateStream` paces its `output` events (default: a few words every 12 ms). */
  streamPacing?: StreamPacing;
  /** Faults to inject from the start (`npm start -- --faults …`); see `fault-policy.ts`. */
  faultSettings?: FaultSettings;
  /** Consulted once per request before the operation runs; see `faults.ts`. */
  faults?: FaultHook;
  /** Stream-only faults, read per request: a test may change this object while the emulator runs. */
  streamFaults?: StreamFaults;
  /**
   * The one guardrail served to ApplyGuardrail and to RetrieveAndGenerate's `guardrailConfiguration`.
   * Default: id `lanternlocal`, version `1` (and `DRAFT`), the policy in `config/guardrail.ts`.
   */
  guardrail?: GuardrailOptions;
  /** Concurrent ingestion jobs allowed (AWS: 1 per data source, 1 per knowledge base, 5 per account). */
  ingestionLimits?: IngestionLimits;
  /** Slows jobs started with StartIngestionJob, so tests can watch STARTING and IN_PROGRESS. */
  ingestionPacing?: IngestionPacing;
  /** How many requests `requests()` keeps, the most recent. @default 200 */
  requestLogSize?: number;
  /**
   * The day model lifecycles (`config/bedrock-models.json`) are judged on: a generation model past
   * its end of life is refused, and the control-plane reads report its status. @default the current time
   */
  now?: () => Date;
}

export interface BedrockEmulator {
  /** e.g. `http://127.0.0.1:PORT`: the `endpoint` for the SDK clients. */
  readonly url: string;
  /**
   * (Re)ingests every data source incrementally, one ingestion job per data source (unchanged
   * documents are skipped; removed ones leave the index). Rejects when a data source cannot be read.
   */
  ingest(onProgress?: (p: { done: number; total: number; file: string }) => void): Promise<{
    documents: number;
    chunks: number;
  }>;
  /** Injected faults (throttling, errors, latency, cut streams); `faults.set()` changes them live. */
  readonly faults: FaultPolicy;
  /**
   * The requests served to a modeled operation (refused ones included), oldest first, at most
   * `requestLogSize`: operation, arrival time, URI labels, parsed body, status. No headers.
   */
  requests(): readonly LoggedRequest[];
  /** Empties `requests()`, e.g. between the cases of a test. */
  clearRequests(): void;
  close(): Promise<void>;
}

export async function startBedrockEmulator(options: StartEmulatorOptions): Promise<BedrockEmulator> {
  const knowledgeBases = new Map<string, KnowledgeBase>();
  for (const config of options.knowledgeBases) {
    if (knowledgeBases.has(config.knowledgeBaseId)) {
      throw new Error(`Knowledge base ${config.knowledgeBaseId} is configured twice.`);
    }
    knowledgeBases.set(
      config.knowledgeBaseId,
      new KnowledgeBase(config.knowledgeBaseId, config.dataSources, config),
    );
  }
  const sessions = new RagSessions(
    options.sessionLifetimeMs === undefined ? {} : { lifetimeMs: options.sessionLifetimeMs },
  );
  const guardrail = serveGuardrail(options.guardrail);
  const now = options.now ?? (() => new Date());
  const context = { knowledgeBases, sessions, guardrail, now };
  const streamFaults: StreamFaults = options.streamFaults ?? {};
  const routes = [
    ...agentRuntimeRoutes(context),
    ...streamRoutes(context, options.streamPacing, streamFaults),
    ...rerankRoutes(),
    ...guardrailRuntimeRoutes(guardrail),
    ...controlPlaneRoutes({ now }),
  ];
  const faults = createFaultPolicy(streamFaults, options.faultSettings);
  const custom = options.faults;
  const ingestionJobs = new IngestionJobs(knowledgeBases, {
    ...(options.ingestionLimits === undefined ? {} : { limits: options.ingestionLimits }),
    ...(options.ingestionPacing === undefined ? {} : { pacing: options.ingestionPacing }),
  });
  routes.push(...agentRoutes(ingestionJobs));
  const log = new RequestLog(options.requestLogSize);
  const router = createRouter(routes, {
    faults: async (request) => {
      await custom?.(request);
      await faults.hook(request);
    },
    log,
  });
  // Loopback only: the emulator has no authentication and must not be reachable from the network.
  const server = await listenDualProtocol(router, { host: '127.0.0.1', port: options.port ?? 0 });

  // Ingestions run one after another: a second call waits for the first instead of interleaving.
  let ingesting: Promise<unknown> = Promise.resolve();
  return {
    url: `http://127.0.0.1:${server.port}`,
    faults,
    requests: () => log.entries(),
    clearRequests: () => log.clear(),
    ingest(onProgress) {
      const run = ingesting.then(() => ingestionJobs.ingestAll(onProgress));
      ingesting = run.catch(() => undefined);
      return run;
    },
    close: async () => {
      await ingestionJobs.close();
      await server.close();
    },
  };
}
