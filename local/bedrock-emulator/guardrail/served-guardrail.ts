/**
 * The one guardrail the emulator serves (an id, a version and the policy from
 * `config/guardrail.ts`), how requests name it, and the bedrock-runtime ApplyGuardrail operation.
 */
import { type GuardrailPolicy, guardrailPolicy, localGuardrail } from '../../../config/guardrail.ts';
import { EMULATOR_ACCOUNT_ID, signedRegion } from '../account.ts';
import { resourceNotFoundError, validationError } from '../errors.ts';
import { awsJsonResponse, type EmulatorRoute } from '../router.ts';
import { type CompiledGuardrail, compileGuardrail, evaluateGuardrail } from './engine.ts';

export interface GuardrailOptions {
  /** `^[a-z0-9]+$`, like Bedrock's guardrail ids. @default 'lanternlocal' */
  readonly id?: string;
  /** A published version number. `DRAFT` is served too, with the same policy. @default '1' */
  readonly version?: string;
  /** @default `guardrailPolicy` from `config/guardrail.ts` */
  readonly policy?: GuardrailPolicy;
}

export interface ServedGuardrail {
  readonly id: string;
  readonly version: string;
  readonly compiled: CompiledGuardrail;
}

const GUARDRAIL_ID = /^[a-z0-9]+$/;

export function serveGuardrail(options: GuardrailOptions = {}): ServedGuardrail {
  const id = options.id ?? localGuardrail.id;
  const version = options.version ?? localGuardrail.version;
  if (!GUARDRAIL_ID.test(id) || id.length > 64) throw new Error(`Guardrail id ${id} must match ^[a-z0-9]+$.`);
  if (!/^[1-9][0-9]{0,7}$/.test(version))
    throw new Error(`Guardrail version ${version} must be a version number.`);
  return { id, version, compiled: compileGuardrail(options.policy ?? guardrailPolicy) };
}

const NOT_FOUND = 'The guardrail identifier or version provided in the request does not exist.';

/**
 * The served guardrail when `identifier` (an id or an ARN ending in it) and `version` (its number
 * or `DRAFT`) name it; a ResourceNotFoundException otherwise.
 */
export function resolveGuardrail(
  served: ServedGuardrail | undefined,
  identifier: string,
  version: string,
): ServedGuardrail {
  const id = identifier.startsWith('arn:') ? identifier.slice(identifier.lastIndexOf('/') + 1) : identifier;
  if (served === undefined || id !== served.id || (version !== served.version && version !== 'DRAFT')) {
    throw resourceNotFoundError(NOT_FOUND);
  }
  return served;
}

type Qualifier = 'grounding_source' | 'query' | 'guard_content';

/** The members ApplyGuardrail reads; the router has checked the request against AWS's model. */
interface ApplyGuardrailRequest {
  readonly source: 'INPUT' | 'OUTPUT';
  readonly content: readonly {
    readonly text?: { readonly text: string; readonly qualifiers?: readonly Qualifier[] };
    readonly image?: unknown;
  }[];
  readonly outputScope?: 'INTERVENTIONS' | 'FULL';
}

/** bedrock-runtime's ApplyGuardrail, on the served guardrail. */
export function guardrailRuntimeRoutes(served: ServedGuardrail | undefined): EmulatorRoute[] {
  return [
    {
      operation: 'ApplyGuardrail',
      method: 'POST',
      path: '/guardrail/{guardrailIdentifier}/version/{guardrailVersion}/apply',
      handler: ({ params, body, request: wire }) => {
        const path = {
          guardrailIdentifier: String(params.guardrailIdentifier),
          guardrailVersion: String(params.guardrailVersion),
        };
        const request = body as ApplyGuardrailRequest;
        const blocks = request.content.map((block, i) => {
          if (block.image !== undefined) {
            throw validationError(
              `content[${i}]: the local guardrail evaluates text only; image content is not supported.`,
            );
          }
          if (block.text === undefined) {
            throw validationError(
              `content[${i}] must set exactly one member of GuardrailContentBlock (text or image).`,
            );
          }
          return block.text.qualifiers === undefined
            ? { text: block.text.text }
            : { text: block.text.text, qualifiers: block.text.qualifiers };
        });
        const guardrail = resolveGuardrail(served, path.guardrailIdentifier, path.guardrailVersion);
        const { result } = evaluateGuardrail(guardrail.compiled, request.source, blocks, {
          ...(request.outputScope === undefined ? {} : { outputScope: request.outputScope }),
          applied: {
            guardrailId: guardrail.id,
            guardrailVersion: path.guardrailVersion,
            // Every recorded response carries the ARN, called by id or by ARN alike.
            guardrailArn: path.guardrailIdentifier.startsWith('arn:')
              ? path.guardrailIdentifier
              : `arn:aws:bedrock:${signedRegion(wire.headers)}:${EMULATOR_ACCOUNT_ID}:guardrail/${guardrail.id}`,
          },
        });
        return awsJsonResponse(result);
      },
    },
  ];
}
