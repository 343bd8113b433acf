import http from 'node:http';
import {
  BedrockAgentRuntimeClient,
  RetrieveAndGenerateStreamCommand,
  type RetrieveAndGenerateStreamCommandInput,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { createParser } from 'eventsource-parser';
import { localGuardrail } from '../../config/guardrail.ts';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { LOCAL_KNOWLEDGE_BASE_ID, LOCAL_MODEL_ARN } from '../../local/stack.ts';
import { BedrockRag } from '../../shared/aws/bedrock-rag.ts';
import { keptAliveConnection } from '../../shared/aws/clients.ts';
import { median } from './stats.ts';

export interface FirstByte {
  readonly lanternP50: number;
  /** The direct call sending the very request Lantern sends (with the output guardrail). */
  readonly directP50: number;
  /** Median over runs of (Lantern first `text` − direct first `output`), paired run by run. */
  readonly overheadP50: number;
  /** The same against a bare request (no guardrail riding along, default retrieval settings). */
  readonly bareDirectP50: number;
  readonly bareOverheadP50: number;
  /**
   * The same against a direct call over Lantern's own transport (HTTP/1.1 kept alive, where the
   * SDK's default HTTP/2 handler opens a connection per event stream): what Lantern adds when
   * connection handling is left out of the comparison.
   */
  readonly sameTransportDirectP50: number;
  readonly sameTransportOverheadP50: number;
}

/**
 * Time to the first `text` event of `POST /v1/chat/stream`, against the time to the first `output`
 * event of a direct SDK `RetrieveAndGenerateStream` call to the same emulator, the calls taking
 * turns. The direct call sends the request Lantern's RAG adapter builds, output guardrail included,
 * from a default SDK client, so the difference is what Lantern adds on the way: the gateway, the
 * handler, the input check (ApplyGuardrail) it must make before asking the knowledge base, and the
 * SSE path back, less what its kept-alive transport saves. A bare request (no guardrail) is timed
 * too, since the emulator's output screening costs time of its own, and so is Lantern's request
 * over Lantern's transport.
 */
export async function benchStreamFirstByte(
  stack: { readonly url: string; readonly emulatorUrl: string },
  apiKey: string,
  questions: readonly string[],
  runs: number,
): Promise<FirstByte> {
  const clientSettings = {
    endpoint: stack.emulatorUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const client = new BedrockAgentRuntimeClient(clientSettings);
  const keptAliveClient = new BedrockAgentRuntimeClient({
    ...clientSettings,
    requestHandler: keptAliveConnection(),
  });
  const lanternRag = new BedrockRag(client, {
    knowledgeBaseId: LOCAL_KNOWLEDGE_BASE_ID,
    modelArn: LOCAL_MODEL_ARN,
    numberOfResults: knowledgeBaseSettings.numberOfResults,
    guardrail: { guardrailId: localGuardrail.id, guardrailVersion: localGuardrail.version },
  });
  const lanternRequest = (text: string) => lanternRag.input({ text });
  const bareRequest = (text: string) => ({
    input: { text },
    retrieveAndGenerateConfiguration: {
      type: 'KNOWLEDGE_BASE' as const,
      knowledgeBaseConfiguration: { knowledgeBaseId: LOCAL_KNOWLEDGE_BASE_ID, modelArn: LOCAL_MODEL_ARN },
    },
  });
  const direct = async (request: RetrieveAndGenerateStreamCommandInput, via = client) => {
    const started = performance.now();
    const response = await via.send(new RetrieveAndGenerateStreamCommand(request));
    let first = Number.NaN;
    for await (const event of response.stream ?? []) {
      if (event.output && Number.isNaN(first)) first = performance.now() - started;
    }
    return first;
  };
  const sseAgent = new http.Agent({ keepAlive: true });
  const lantern = (text: string) =>
    firstTextEvent(`${stack.url}/v1/chat/stream`, { message: text }, { 'x-api-key': apiKey }, sseAgent);

  try {
    const question = (i: number) => questions[i % questions.length] ?? 'hello';
    /** Run `i`'s calls, in the order the result arrays keep: direct, bare, same transport, Lantern. */
    const callsFor = (i: number) => [
      () => direct(lanternRequest(question(i))),
      () => direct(bareRequest(question(i))),
      () => direct(lanternRequest(question(i)), keptAliveClient),
      () => lantern(question(i)),
    ];
    for (let i = 0; i < 10; i++) for (const call of callsFor(i)) await call();
    const times = {
      direct: [] as number[],
      bare: [] as number[],
      same: [] as number[],
      lantern: [] as number[],
    };
    for (let i = 0; i < runs; i++) {
      // Each call can leave work behind for the next (a closing connection, a stored turn), so
      // the calls take turns at going first.
      const calls = callsFor(i);
      const results: number[] = [];
      for (let k = 0; k < calls.length; k++) {
        const at = (k + i) % calls.length;
        results[at] = await (calls[at] as () => Promise<number>)();
      }
      const [d, b, s, l] = results as [number, number, number, number];
      if ([d, b, s, l].some(Number.isNaN)) continue; // a declined question streams no text
      times.direct.push(d);
      times.bare.push(b);
      times.same.push(s);
      times.lantern.push(l);
    }
    /** Median over runs of Lantern's time minus the other call's, paired run by run. */
    const overheadOver = (other: readonly number[]) =>
      median(times.lantern.map((l, k) => l - (other[k] ?? Number.NaN)));
    return {
      lanternP50: median(times.lantern),
      directP50: median(times.direct),
      overheadP50: overheadOver(times.direct),
      bareDirectP50: median(times.bare),
      bareOverheadP50: overheadOver(times.bare),
      sameTransportDirectP50: median(times.same),
      sameTransportOverheadP50: overheadOver(times.same),
    };
  } finally {
    client.destroy();
    keptAliveClient.destroy();
    sseAgent.destroy();
  }
}

/**
 * Milliseconds from sending the request to the first `text` event, reading the whole stream. Read
 * over `node:http` (kept alive), the stack the SDK's direct calls sit on, rather than `fetch` (the
 * tests' `postSse`), whose WHATWG streams cost 0.9 ms more per answer here (paired p50): the
 * client's own cost is not Lantern's.
 */
function firstTextEvent(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  agent: http.Agent,
): Promise<number> {
  const payload = JSON.stringify(body);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let first = Number.NaN;
    const parser = createParser({
      onEvent: (message) => {
        if (message.event === 'text' && Number.isNaN(first)) first = performance.now() - started;
      },
    });
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...headers,
        },
      },
      (response) => {
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => parser.feed(chunk));
        response.on('end', () => resolve(first));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
