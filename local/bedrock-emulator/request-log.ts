/**
 * The last requests the emulator was sent, so a test can assert what a client sent (the settings
 * of a RetrieveAndGenerate call, a filter, a guardrail) rather than infer it from the answers.
 * Bounded and in memory. It keeps what the operation reads, and nothing of the transport: no
 * headers (the signature and credentials live there), only the URI labels and the parsed body.
 */

export interface LoggedRequest {
  /** The operation's name in AWS's model, e.g. `RetrieveAndGenerate`. */
  readonly operation: string;
  /** When the request arrived, ISO 8601. */
  readonly receivedAt: string;
  /** URI labels, e.g. `{ knowledgeBaseId }` for Retrieve. */
  readonly params: Readonly<Record<string, string>>;
  /** The JSON body as parsed (`{}` for none). */
  readonly body: unknown;
  /** The HTTP status answered (200 for a stream that started). */
  readonly status: number;
}

export const DEFAULT_REQUEST_LOG_SIZE = 200;

export class RequestLog {
  readonly #size: number;
  #entries: LoggedRequest[] = [];

  constructor(size = DEFAULT_REQUEST_LOG_SIZE) {
    this.#size = Math.max(0, size);
  }

  add(entry: LoggedRequest): void {
    if (this.#size === 0) return;
    this.#entries.push(deepFreeze(entry));
    if (this.#entries.length > this.#size) this.#entries.splice(0, this.#entries.length - this.#size);
  }

  /** Oldest first. A copy: later requests do not change it. */
  entries(): readonly LoggedRequest[] {
    return [...this.#entries];
  }

  clear(): void {
    this.#entries = [];
  }
}

/** Entries are shared with every caller of `entries()`: none may change what another reads. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
