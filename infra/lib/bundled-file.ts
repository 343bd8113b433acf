import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** A file synth writes and bundles next to a handler, read by the function at cold start. */
export interface BundledFile {
  /** The file on the synthesizing machine (`stageSettingsFile`). */
  readonly stagedFile: string;
  /** Its name in the bundle; the function reads it from the task root. */
  readonly bundledName: string;
  /** Where the function finds it (`/var/task/<bundledName>` on Lambda), as its variable says. */
  readonly runtimePath: string;
}

/**
 * Copies the file into the bundle after esbuild: the function reads it at cold start from its own
 * code, so what it holds changes with the code, atomically, and costs no extra call.
 */
export function bundleFile(file: BundledFile): BundlingOptions {
  return {
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir: string, outputDir: string) => [
        `cp ${shellQuoted(file.stagedFile)} ${shellQuoted(`${outputDir}/${file.bundledName}`)}`,
      ],
    },
  };
}

/** A POSIX shell word for `text`, whatever it holds (`$`, spaces, quotes). */
function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
