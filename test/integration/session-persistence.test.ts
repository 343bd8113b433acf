import { describe, expect, it } from 'vitest';
import { apiClient, bootStack, tempDir } from '../helpers/local-stack.ts';

describe('sessions across a restart of the local stack', () => {
  it('keeps sessions in --data-dir and recovers when Bedrock no longer knows the session', async () => {
    const dataDir = tempDir('restart');
    const first = await bootStack({ dataDir });
    const before = await apiClient(first.url).chat('How do I connect my support email inbox?');
    expect(before.status).toBe(200);
    await first.close();

    // The emulator keeps Bedrock sessions in memory, so after a restart it rejects the stored
    // Bedrock session id: the engine must retry in a new Bedrock session with the history condensed.
    const second = await bootStack({ dataDir });
    try {
      const client = apiClient(second.url);
      const followUp = await client.chat('and how long does it take to sync?', before.body.sessionId);
      expect(followUp.status).toBe(200);
      expect(followUp.body.sessionId).toBe(before.body.sessionId);
      expect(followUp.body.citations.length).toBeGreaterThan(0);

      const transcript = await client.request('GET', `/v1/sessions/${before.body.sessionId}`);
      expect(transcript.body.messages).toHaveLength(4);
      expect(transcript.body.messages[1].messageId).toBe(before.body.messageId);
    } finally {
      await second.close();
    }
  });
});
