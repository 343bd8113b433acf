import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEAM_RECORDINGS_DIR, VENDORED_RECORDINGS_DIR } from './recordings.ts';

const recordingsIn = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => entry.name)
    .sort();

/**
 * The one place the repository's README differs from the team's: the team's folder has a
 * `supplementary/` subfolder the repository does not copy, so its sentence about it is reworded.
 */
const SUPPLEMENTARY = {
  team: [
    '- `supplementary/` holds two files that are not captures (key names only, unattributed error',
    '  strings): useful hints, not ground truth.',
  ].join('\n'),
  repository: [
    "- Only captures and documentation examples are copied here. The team's collection these came from",
    "  (`aws-recordings/` in the team's shared folder, outside the repository) also keeps, in its",
    '  `supplementary/` folder, two files that are not captures (key names only, unattributed error',
    '  strings): useful hints, not ground truth, and not in this repository.',
  ].join('\n'),
};

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
      for (const file of files) {
        const vendored = readFileSync(join(VENDORED_RECORDINGS_DIR, file));
        expect(vendored.equals(readFileSync(join(TEAM_RECORDINGS_DIR, file))), file).toBe(true);
      }
    },
  );

  it.skipIf(!existsSync(TEAM_RECORDINGS_DIR))(
    "keep the team's README but for the sentence on its supplementary/ folder, which is not copied",
    () => {
      const team = readFileSync(join(TEAM_RECORDINGS_DIR, 'README.md'), 'utf8');
      expect(team).toContain(SUPPLEMENTARY.team);
      expect(existsSync(join(VENDORED_RECORDINGS_DIR, 'supplementary'))).toBe(false);
      expect(readFileSync(join(VENDORED_RECORDINGS_DIR, 'README.md'), 'utf8')).toBe(
        team.replace(SUPPLEMENTARY.team, SUPPLEMENTARY.repository),
      );
    },
  );
});
