/**
 * The conventions every Lantern command follows: a bad option or value prints the problem and the
 * usage and exits 2; `--help` prints the usage and exits 0.
 */
export function cliFail(usage: string, message: string): never {
  console.error(`error: ${message}\n\n${usage}`);
  process.exit(2);
}

/** Runs a `parseArgs` call (passed in, so its types flow through) under those conventions. */
export function parseCli<T extends { values: { help?: boolean | undefined } }>(
  usage: string,
  parse: () => T,
): T {
  let parsed: T;
  try {
    parsed = parse();
  } catch (error) {
    cliFail(usage, (error as Error).message);
  }
  if (parsed.values.help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
}
