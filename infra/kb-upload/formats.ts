/**
 * What Bedrock knowledge bases ingest from an S3 data source lives in `config/document-formats.ts`
 * (the emulator ingests the same types); a file outside them would only fail the ingestion job,
 * so `kb:upload` skips it with the reason instead. The content types objects are uploaded with are
 * `kb:upload`'s own.
 */
import { extname } from 'node:path';

export {
  hasFrontMatter,
  isSidecar,
  isSupported,
  MAX_FILE_BYTES,
  SIDECAR_SUFFIX,
  SUPPORTED_EXTENSIONS,
} from '../../config/document-formats.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.csv': 'text/csv; charset=utf-8',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pdf': 'application/pdf',
  '.json': 'application/json',
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}
