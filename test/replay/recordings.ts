import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

/** The team's folder of responses captured from the live services, beside the project. */
export const TEAM_RECORDINGS_DIR = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'aws-recordings');

/** The copy kept in the repository, so a fresh clone replays them too. */
export const VENDORED_RECORDINGS_DIR = resolve(import.meta.dirname, 'recordings');

/**
 * The team's folder when it is beside the project (a recording dropped in there is replayed at once),
 * the repository's copy otherwise.
 */
export const RECORDINGS_DIR = existsSync(TEAM_RECORDINGS_DIR) ? TEAM_RECORDINGS_DIR : VENDORED_RECORDINGS_DIR;

/** One recording: `{service, operation, source, kind, notes, payload}` as the folder's README describes. */
export interface Recording {
  readonly file: string;
  readonly service: string;
  readonly operation: string;
  readonly kind: string;
  readonly notes: Record<string, unknown>;
  /** The recorded body, without what boto3 adds when a notebook printed it (`ResponseMetadata`). */
  readonly payload: Record<string, unknown>;
}

/** Every `*.json` at the folder's top level (not `supplementary/`), in name order. */
export function loadRecordings(dir = RECORDINGS_DIR): Recording[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => entry.name)
    .sort()
    .map((name) => parseRecording(join(dir, name)));
}

function parseRecording(path: string): Recording {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const payload = { ...(raw.payload as Record<string, unknown>) };
  delete payload.ResponseMetadata;
  return {
    file: basename(path),
    service: String(raw.service ?? ''),
    operation: String(raw.operation ?? ''),
    kind: String(raw.kind ?? ''),
    notes: (raw.notes as Record<string, unknown> | undefined) ?? {},
    payload,
  };
}

/**
 * What a recording is a response of, as `service:Operation`: the service's first word and the
 * operation's first word (`GetIngestionJob (response.ingestionJob)` is a `GetIngestionJob`).
 */
export function operationKey(recording: Pick<Recording, 'service' | 'operation'>): string {
  const service = recording.service.trim().split(/\s+/)[0] ?? '';
  const operation = recording.operation.trim().split(/[\s(/]+/)[0] ?? '';
  return `${service}:${operation}`;
}
