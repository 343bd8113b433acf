import { describe, expect, it } from 'vitest';
import { signSlackRequest, verifySlackSignature } from '../../shared/slack/signature.ts';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
// Slack's worked example (docs.slack.dev, "Verifying requests from Slack").
const body =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const timestamp = '1531420618';
const now = new Date(Number(timestamp) * 1000);

describe('verifySlackSignature', () => {
  it("matches Slack's documented example signature", () => {
    expect(signSlackRequest(secret, timestamp, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('accepts a correct signature within five minutes, in either direction', () => {
    const signature = signSlackRequest(secret, timestamp, body);
    for (const offset of [0, 299, -299, 300, -300]) {
      const at = new Date(now.getTime() + offset * 1000);
      expect(
        verifySlackSignature({ signingSecret: secret, timestamp, signature, rawBody: body, now: at }),
      ).toEqual({
        ok: true,
      });
    }
  });

  it('refuses a timestamp more than five minutes away (a replay)', () => {
    const signature = signSlackRequest(secret, timestamp, body);
    for (const offset of [301, -301, 86_400]) {
      const at = new Date(now.getTime() + offset * 1000);
      expect(
        verifySlackSignature({ signingSecret: secret, timestamp, signature, rawBody: body, now: at }),
      ).toEqual({
        ok: false,
        reason: 'stale',
      });
    }
  });

  it('refuses a changed body, another secret, or another timestamp', () => {
    const signature = signSlackRequest(secret, timestamp, body);
    const check = (overrides: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
      verifySlackSignature({ signingSecret: secret, timestamp, signature, rawBody: body, now, ...overrides });
    expect(check({ rawBody: `${body} ` })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ signingSecret: 'another-secret' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ timestamp: String(Number(timestamp) + 1) })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses missing and malformed headers without comparing anything', () => {
    const base = { signingSecret: secret, rawBody: body, now };
    expect(verifySlackSignature({ ...base, timestamp: undefined, signature: 'v0=ab' })).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
    expect(verifySlackSignature({ ...base, timestamp, signature: undefined })).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
    for (const [ts, signature] of [
      ['1531420618.5', signSlackRequest(secret, timestamp, body)],
      ['soon', signSlackRequest(secret, timestamp, body)],
      [timestamp, 'v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503'],
      [timestamp, 'v0=a2114d57'],
      [timestamp, 'v0=A2114D57B48EAC39B9AD189DD8316235A7B4A8D21A10BD27519666489C69B503'],
    ] as const) {
      expect(verifySlackSignature({ ...base, timestamp: ts, signature })).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });
});
