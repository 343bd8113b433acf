/**
 * `npm run bench:authorizer`: what the Lambda authorizer adds to a request, as one Markdown table.
 * In-process: the authorizer function with the issuer's keys cached (every request after the first
 * in a container) and uncached (a cold container: the JWKS fetched from the issuer on loopback, the
 * key imported). Through the local gateway: the same request to a route taking an API key and to one
 * taking a token, whose difference is the authorizer's share. Nothing here asserts a time.
 */
import { installLambdaRuntime } from '../../local/gateway/lambda-runtime.ts';

installLambdaRuntime('SILENT');

const { makeAuthorizerHandler } = await import('../../functions/authorizer/authorizer-handler.ts');
const { LOCAL_AUDIENCE, LocalIssuer } = await import('../../local/identity/local-issuer.ts');
const { parseIdentityConfig } = await import('../../shared/auth/identity-config.ts');
const { createTokenVerifier } = await import('../../shared/auth/token-verifier.ts');
const { API_KEY, bootStack } = await import('../helpers/local-stack.ts');
const { mean, percentileOf } = await import('./stats.ts');

/** Two decimals: the warm authorizer takes a fraction of a millisecond. */
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : '—');

const WARM_RUNS = 500;
const COLD_RUNS = 100;
const HTTP_RUNS = 300;
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:111122223333:abc123/prod/GET/v1/sessions';

interface Row {
  readonly what: string;
  readonly samples: readonly number[];
}

const time = async (fn: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};

async function authorizerInProcess(): Promise<Row[]> {
  const issuer = await LocalIssuer.start();
  try {
    const config = parseIdentityConfig({
      USER_TOKEN_ISSUER: issuer.url,
      USER_TOKEN_AUDIENCE: LOCAL_AUDIENCE,
    });
    const token = `Bearer ${issuer.mint('alice')}`;
    const event = { type: 'TOKEN', authorizationToken: token, methodArn: METHOD_ARN };
    const invoke = (handler: ReturnType<typeof makeAuthorizerHandler>) =>
      (handler as unknown as (e: unknown) => Promise<unknown>)(event);

    const warmHandler = makeAuthorizerHandler(createTokenVerifier(config), () => undefined);
    await invoke(warmHandler);
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await time(() => invoke(warmHandler)));

    const cold: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      // A new verifier is a new container's: an empty JWKS cache and no imported key.
      const handler = makeAuthorizerHandler(createTokenVerifier(config), () => undefined);
      cold.push(await time(() => invoke(handler)));
    }
    return [
      { what: 'authorizer function, keys cached (warm container)', samples: warm },
      { what: 'authorizer function, uncached (JWKS fetched on loopback, key imported)', samples: cold },
    ];
  } finally {
    await issuer.close();
  }
}

async function throughGateway(): Promise<Row[]> {
  const keyed = await bootStack();
  const tokened = await bootStack({ auth: { sessions: 'jwt' } });
  try {
    const token = tokened.identity.issuer.mint('alice');
    // A session nobody has: both routes answer 404 from the same handler after the same table read.
    const path = '/v1/sessions/00000000-0000-4000-8000-000000000000';
    const get = (url: string, headers: Record<string, string>) =>
      time(async () => {
        const response = await fetch(`${url}${path}`, { headers });
        await response.arrayBuffer();
        if (response.status !== 404) throw new Error(`expected 404, got ${response.status}`);
      });
    // Warm both paths (connections, the JWKS, the handlers' clients) before measuring.
    for (let i = 0; i < 20; i++) {
      await get(keyed.url, { 'x-api-key': API_KEY });
      await get(tokened.url, { authorization: `Bearer ${token}` });
    }
    const withKey: number[] = [];
    const withToken: number[] = [];
    // Alternating, so drift in the machine's load falls on both alike.
    for (let i = 0; i < HTTP_RUNS; i++) {
      withKey.push(await get(keyed.url, { 'x-api-key': API_KEY }));
      withToken.push(await get(tokened.url, { authorization: `Bearer ${token}` }));
    }
    return [
      { what: 'GET /v1/sessions/{id} through the local gateway, API key', samples: withKey },
      { what: 'GET /v1/sessions/{id} through the local gateway, token (authorizer run)', samples: withToken },
    ];
  } finally {
    await tokened.close();
    await keyed.close();
  }
}

const rows = [...(await authorizerInProcess()), ...(await throughGateway())];
const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const out = [
  line(['', 'runs', 'p50', 'p95', 'mean']),
  line(['---', '---:', '---:', '---:', '---:']),
  ...rows.map((row) =>
    line([
      row.what,
      String(row.samples.length),
      ms(percentileOf(row.samples, 0.5)),
      ms(percentileOf(row.samples, 0.95)),
      ms(mean(row.samples)),
    ]),
  ),
];
const [keyRow, tokenRow] = rows.slice(2);
if (keyRow && tokenRow) {
  out.push(
    '',
    `Added by the authorizer through the gateway (p50 token − p50 key): ${ms(
      percentileOf(tokenRow.samples, 0.5) - percentileOf(keyRow.samples, 0.5),
    )}. On AWS, API Gateway's result cache (one minute) skips the function for a repeated token.`,
  );
}
console.log(out.join('\n'));
process.exit(0);
