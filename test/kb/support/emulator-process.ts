/**
 * Runs the Bedrock emulator in a process of its own, for tests that need it to run as another user
 * (root reads every file whatever its mode). Argument: the JSON `StartEmulatorOptions` (port
 * aside). Prints `{"url"}` on one line once the start-up ingestion is done; closes when stdin ends.
 */
import { type StartEmulatorOptions, startBedrockEmulator } from '../../../local/bedrock-emulator/index.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as StartEmulatorOptions;
const emulator = await startBedrockEmulator({ ...options, port: 0 });
await emulator.ingest();
process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void emulator.close().finally(() => process.exit(0));
});
