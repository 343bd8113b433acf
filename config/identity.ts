/**
 * How long API Gateway keeps a Lambda authorizer's policy for a token before asking again: the
 * deployed authorizer's `resultsCacheTtl`, and the local gateway's cache, so both behave alike.
 */
export const AUTHORIZER_RESULT_CACHE_SECONDS = 60;
