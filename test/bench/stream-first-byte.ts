import {
  BedrockAgentRuntimeClient,
  RetrieveAndGenerateStreamCommand,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { LOCAL_KNOWLEDGE_BASE_ID, LOCAL_MODEL_ARN } from '../../local/stack.ts';
import { postSse } from '../helpers/sse.ts';
import { median } from './stats.ts';

export interface FirstByte {
  readonly lanternP50: number;
  readonly directP50: number;
  /** Median over runs of (Lantern first `text` − direct first `output`), paired run by run. */
  readonly overheadP50: number;
}

/**
 * Time to the first `text` event of `POST /v1/chat/stream`, against the time to the first `output`
 * event of a direct SDK `RetrieveAndGenerateStream` call to the same emulator, alternating the two.
 */
export async function benchStreamFirstByte(
  stack: { readonly url: string; readonly emulatorUrl: string },
  apiKey: string,
  questions: readonly string[],
  runs: number,
): Promise<FirstByte> {
  const client = new BedrockAgentRuntimeClient({
    endpoint: stack.emulatorUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const direct = async (text: string) => {
    const started = performance.now();
    const response = await client.send(
      new RetrieveAndGenerateStreamCommand({
        input: { text },
        retrieveAndGenerateConfiguration: {
          type: 'KNOWLEDGE_BASE',
          knowledgeBaseConfiguration: { knowledgeBaseId: LOCAL_KNOWLEDGE_BASE_ID, modelArn: LOCAL_MODEL_ARN },
        },
      }),
    );
    let first = Number.NaN;
    for await (const event of response.stream ?? []) {
      if (event.output && Number.isNaN(first)) first = performance.now() - started;
    }
    return first;
  };
  const lantern = async (text: string) => {
    const res = await postSse(`${stack.url}/v1/chat/stream`, { message: text }, { 'x-api-key': apiKey });
    return res.events.find((e) => e.event === 'text')?.at ?? Number.NaN;
  };

  try {
    for (let i = 0; i < 10; i++) {
      await direct(questions[i % questions.length] ?? 'hello');
      await lantern(questions[i % questions.length] ?? 'hello');
    }
    const lanternTimes: number[] = [];
    const directTimes: number[] = [];
    const differences: number[] = [];
    for (let i = 0; i < runs; i++) {
      const question = questions[i % questions.length] ?? 'hello';
      const d = await direct(question);
      const l = await lantern(question);
      if (Number.isNaN(d) || Number.isNaN(l)) continue; // a declined question streams no text
      directTimes.push(d);
      lanternTimes.push(l);
      differences.push(l - d);
    }
    return {
      lanternP50: median(lanternTimes),
      directP50: median(directTimes),
      overheadP50: median(differences),
    };
  } finally {
    client.destroy();
  }
}
