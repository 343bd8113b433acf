import { describe, expect, it } from 'vitest';
import { ConfigError, parseCorsConfig } from '../../../shared/config.ts';
import { corsHeaders, requestOrigin, withCors } from '../../../shared/http/cors.ts';

const APP = 'https://app.example.com';

describe('parseCorsConfig', () => {
  it('reads a comma-separated list of origins, trimmed and without repeats', () => {
    expect(
      parseCorsConfig({ CORS_ALLOW_ORIGINS: ` ${APP}, http://localhost:5173,${APP}` }).allowOrigins,
    ).toEqual([APP, 'http://localhost:5173']);
  });

  it('allows no cross-origin reads when unset or empty', () => {
    expect(parseCorsConfig({}).allowOrigins).toEqual([]);
    expect(parseCorsConfig({ CORS_ALLOW_ORIGINS: '' }).allowOrigins).toEqual([]);
  });

  it('lets `*` stand for every origin', () => {
    expect(parseCorsConfig({ CORS_ALLOW_ORIGINS: `${APP},*` }).allowOrigins).toEqual(['*']);
  });

  it.each([
    'https://app.example.com/',
    'https://app.example.com/chat',
    'app.example.com',
    'ftp://app.example.com',
    'https://APP.example.com',
    'https://app.example.com:443',
  ])('refuses %s, which no browser sends as an Origin', (origin) => {
    expect(() => parseCorsConfig({ CORS_ALLOW_ORIGINS: origin })).toThrowError(ConfigError);
    expect(() => parseCorsConfig({ CORS_ALLOW_ORIGINS: origin })).toThrowError(/CORS_ALLOW_ORIGINS/);
  });
});

describe('corsHeaders', () => {
  it('echoes an origin on the list', () => {
    expect(corsHeaders(APP, [APP, 'http://localhost:5173'])).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': APP,
      'access-control-expose-headers': 'retry-after',
    });
  });

  it('gives an unlisted origin nothing but Vary', () => {
    expect(corsHeaders('https://evil.example', [APP])).toEqual({ vary: 'Origin' });
    // Origins are compared exactly: another scheme, host or port is another origin.
    expect(corsHeaders('http://app.example.com', [APP])).toEqual({ vary: 'Origin' });
    expect(corsHeaders(undefined, [APP])).toEqual({ vary: 'Origin' });
    expect(corsHeaders(APP, [])).toEqual({ vary: 'Origin' });
  });

  it('answers `*` to every origin when the list allows any', () => {
    expect(corsHeaders('https://anyone.example', ['*'])['access-control-allow-origin']).toBe('*');
    expect(corsHeaders(undefined, ['*'])['access-control-allow-origin']).toBe('*');
  });
});

describe('requestOrigin and withCors', () => {
  it('finds Origin whatever the case of the header name', () => {
    expect(requestOrigin({ headers: { Origin: APP } })).toBe(APP);
    expect(requestOrigin({ headers: { origin: APP } })).toBe(APP);
    expect(requestOrigin({ headers: {} })).toBeUndefined();
  });

  it('keeps an existing Vary and adds Origin to it once', () => {
    const response = { statusCode: 200, headers: { Vary: 'Accept-Encoding' }, body: '' };
    expect(withCors(response, { headers: {} }).headers).toEqual({ vary: 'Accept-Encoding, Origin' });
    const already = { statusCode: 200, headers: { vary: 'origin' }, body: '' };
    expect(withCors(already, { headers: {} }).headers).toEqual({ vary: 'origin' });
  });
});
