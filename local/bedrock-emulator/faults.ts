/**
 * The seam for fault injection (throttling, 5xx, latency, cut streams). The emulator consults the
 * hook once per request, after routing and before the operation runs: the hook may wait (latency),
 * throw an `AwsServiceError` (throttling, 5xx), or return nothing to let the request through.
 * Keeping the decision outside the emulator lets a test or a CLI swap policies without the
 * operations knowing.
 */
export interface FaultContext {
  /** The operation name as AWS models it, e.g. `RetrieveAndGenerate`. */
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  /** The JSON request body, already parsed. */
  readonly body: unknown;
}

export type FaultHook = (context: FaultContext) => void | Promise<void>;
