/**
 * Kept only for test/eval, whose owner moves its imports to `./chat/types.ts`; delete this file then.
 */
export type * from './chat/types.ts';
