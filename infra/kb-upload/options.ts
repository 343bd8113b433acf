import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { checkUrlTemplate, DEFAULT_URL_KEYS, URL_PLACEHOLDERS, UrlTemplateError } from './public-url.ts';

export type UploadDestination =
  | { readonly kind: 'bucket'; readonly bucket: string }
  | { readonly kind: 'stack'; readonly stackName: string }
  | { readonly kind: 'folder'; readonly folder: string };

export interface UploadOptions {
  readonly source: string;
  readonly destination: UploadDestination;
  readonly prefix: string | undefined;
  /** Needed for a bucket or a stack; a folder target has none. */
  readonly region: string | undefined;
  readonly settingsFile: string | undefined;
  readonly urlTemplate: string | undefined;
  readonly urlKeys: readonly string[];
  readonly dryRun: boolean;
  readonly deleteMissing: boolean;
  readonly endpoints: { readonly s3?: string; readonly cloudFormation?: string };
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
}

export const USAGE = `npm run kb:upload -- DIR (--bucket NAME | --stack NAME | --to FOLDER) [--prefix P]
                        [--settings FILE] [--url-template TEMPLATE] [--url-key KEY]
                        [--dry-run] [--no-delete] [--region REGION]
                        [--endpoint URL] [--cloudformation-endpoint URL] [--help]

Uploads the documents in DIR to Lantern's documents bucket and writes Bedrock's
<file>.metadata.json beside each one: title, description and tags from its front matter (YAML ---
or TOML +++), every attribute the answer settings (--settings) declare filterable, typed as
declared, and its public URL (the "url" key citations link to). A <file>.metadata.json already in
DIR wins, key by key. Only changed files are uploaded; objects under the prefix that DIR no longer
has are deleted (not with --no-delete). Unsupported, oversized and ill-typed documents are skipped
with the reason. --dry-run lists what would change and changes nothing.

  --bucket NAME          the bucket; or --stack NAME reads it from the stack's DocumentsBucketName
                         output (Lantern-Stateful); or --to FOLDER writes a folder for
                         npm start -- --docs FOLDER, the same files the bucket would hold
  --prefix P             key prefix in the bucket (or subfolder of --to)
  --settings FILE        answer settings (config/answer-settings.example.json): declared attributes
  --url-template T       public URL of each document, with ${Object.entries(URL_PLACEHOLDERS)
    .map(([name, what]) => `{${name}} (${what})`)
    .join(',\n                         ')}
  --url-key KEY          the front-matter key holding a page's own URL (default: the first of
                         ${DEFAULT_URL_KEYS.join(', ')}); it wins over the template
  --region REGION        AWS region (else AWS_REGION or AWS_DEFAULT_REGION)
  --endpoint URL         S3 endpoint (a local stand-in); --cloudformation-endpoint likewise`;

const OPTIONS = {
  bucket: { type: 'string' },
  stack: { type: 'string' },
  to: { type: 'string' },
  prefix: { type: 'string' },
  settings: { type: 'string' },
  'url-template': { type: 'string' },
  'url-key': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'no-delete': { type: 'boolean' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  'cloudformation-endpoint': { type: 'string' },
  help: { type: 'boolean' },
} as const;

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): UploadOptions {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new HelpRequested(USAGE);
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? 'name the folder to upload' : `one folder, not ${positionals.join(' ')}`,
    );
  }
  const source = resolve(positionals[0] as string);
  if (!existsSync(source) || !statSync(source).isDirectory())
    throw new UsageError(`${positionals[0]} is not a folder`);
  const destinations = (['bucket', 'stack', 'to'] as const).filter((name) => values[name] !== undefined);
  if (destinations.length !== 1) {
    throw new UsageError(
      destinations.length === 0
        ? 'say where to upload: --bucket NAME, --stack NAME or --to FOLDER'
        : `--${destinations.join(' and --')} both name a target; give one`,
    );
  }
  const destination = destinationOf(values, source);
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (destination.kind !== 'folder' && !region)
    throw new UsageError('No region: pass --region or set AWS_REGION');
  const template = values['url-template'];
  if (template !== undefined) {
    try {
      checkUrlTemplate(template);
    } catch (error) {
      if (error instanceof UrlTemplateError) throw new UsageError(error.message);
      throw error;
    }
  }
  const urlKey = values['url-key'];
  if (urlKey !== undefined && !urlKey.trim()) throw new UsageError('--url-key needs a front-matter key');
  if (values.settings !== undefined && !existsSync(values.settings)) {
    throw new UsageError(`--settings: ${values.settings} does not exist`);
  }
  return {
    source,
    destination,
    prefix: values.prefix,
    region,
    settingsFile: values.settings,
    urlTemplate: template,
    urlKeys: urlKey === undefined ? DEFAULT_URL_KEYS : [urlKey.trim()],
    dryRun: values['dry-run'] ?? false,
    deleteMissing: !values['no-delete'],
    endpoints: {
      ...(values.endpoint ? { s3: values.endpoint } : {}),
      ...(values['cloudformation-endpoint'] ? { cloudFormation: values['cloudformation-endpoint'] } : {}),
    },
  };
}

function destinationOf(
  values: { bucket?: string | undefined; stack?: string | undefined; to?: string | undefined },
  source: string,
): UploadDestination {
  if (values.bucket !== undefined) {
    // S3's bucket naming rules: 3-63 lower-case letters, digits, dots and hyphens.
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(values.bucket)) {
      throw new UsageError(`--bucket ${values.bucket} is not an S3 bucket name`);
    }
    return { kind: 'bucket', bucket: values.bucket };
  }
  if (values.stack !== undefined) {
    if (!values.stack.trim()) throw new UsageError('--stack needs a stack name, such as Lantern-Stateful');
    return { kind: 'stack', stackName: values.stack };
  }
  const folder = resolve(values.to ?? '');
  if (isWithin(folder, source) || isWithin(source, folder)) {
    throw new UsageError(
      '--to must be a folder outside DIR (and DIR not inside it): the sync would delete its own source',
    );
  }
  if (existsSync(folder) && !statSync(folder).isDirectory())
    throw new UsageError(`--to ${values.to} is not a folder`);
  return { kind: 'folder', folder };
}

function isWithin(path: string, folder: string): boolean {
  const below = relative(folder, path);
  return below === '' || (below !== '..' && !below.startsWith(`..${sep}`) && !isAbsolute(below));
}
