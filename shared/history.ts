/**
 * Kept only for `shared/api-schemas.ts`, which another change converts and will then import
 * `./chat/history.ts` itself; delete this file after that.
 */
export { RAG_INPUT_LIMIT } from './chat/history.ts';
