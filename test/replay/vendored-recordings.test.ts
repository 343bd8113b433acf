import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEAM_RECORDINGS_DIR, VENDORED_RECORDINGS_DIR } from './recordings.ts';

const recordingsIn = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => entry.name)
    .sort();

describe('the recordings kept in the repository', () => {
  it('hold captured responses, each with its source', () => {
    const files = recordingsIn(VENDORED_RECORDINGS_DIR);
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const recording = JSON.parse(readFileSync(join(VENDORED_RECORDINGS_DIR, file), 'utf8'));
      expect(recording.source, file).toBeTruthy();
      expect(recording.payload, file).toBeTruthy();
    }
  });

  it.skipIf(!existsSync(TEAM_RECORDINGS_DIR))(
    "are the team's recordings byte for byte, none missing (skipped: no ../shared/aws-recordings beside the project)",
    () => {
      const files = recordingsIn(TEAM_RECORDINGS_DIR);
      expect(recordingsIn(VENDORED_RECORDINGS_DIR)).toEqual(files);
      for (const file of [...files, 'README.md']) {
        const vendored = readFileSync(join(VENDORED_RECORDINGS_DIR, file));
        expect(vendored.equals(readFileSync(join(TEAM_RECORDINGS_DIR, file))), file).toBe(true);
      }
    },
  );
});
