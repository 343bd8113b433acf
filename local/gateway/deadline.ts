/**
 * The two clocks an API Gateway → Lambda call runs under: the function's timeout (Lambda ends the
 * invocation with an error) and the integration's (API Gateway stops waiting). Locally the handler
 * cannot be frozen as Lambda freezes it, so the gateway answers at the deadline and drops whatever
 * the invocation produces later.
 */
export type Overrun = 'function-timeout' | 'integration-timeout';

type Outcome<T> = { readonly value: T } | { readonly overrun: Overrun };

/** The invocation's result, or which deadline passed first; a rejection passes through. */
export async function withinDeadlines<T>(
  invocation: Promise<T>,
  deadlines: { readonly functionMs: number; readonly integrationMs: number },
): Promise<Outcome<T>> {
  const timers: NodeJS.Timeout[] = [];
  const after = (ms: number, overrun: Overrun) =>
    new Promise<Outcome<T>>((resolve) => timers.push(setTimeout(() => resolve({ overrun }), ms)));
  // An invocation that fails after its deadline has no one left to tell.
  invocation.catch(() => undefined);
  try {
    return await Promise.race([
      invocation.then((value) => ({ value })),
      after(deadlines.functionMs, 'function-timeout'),
      after(deadlines.integrationMs, 'integration-timeout'),
    ]);
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}
