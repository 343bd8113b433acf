import { describe, expect, it } from 'vitest';
import { type ProxyRequest, toProxyEvent } from '../../../local/gateway/proxy-event.ts';

function request(query: string, headers: ProxyRequest['headers'] = {}): ProxyRequest {
  return {
    method: 'GET',
    path: '/v1/health',
    query: new URLSearchParams(query),
    headers,
    body: '',
    sourceIp: '127.0.0.1',
    resource: '/v1/health',
    pathParameters: null,
  };
}

describe('toProxyEvent', () => {
  it('passes query names that shadow Object.prototype as plain keys, as API Gateway does', () => {
    const event = toProxyEvent(
      request('__proto__=x&constructor=1&toString&hasOwnProperty=a&hasOwnProperty=b'),
    );
    // API Gateway's event is JSON, so JSON.parse gives the same own keys.
    const expected = JSON.parse(
      '{"__proto__":"x","constructor":"1","toString":"","hasOwnProperty":"b"}',
    ) as Record<string, string>;
    expect(event.queryStringParameters).toEqual(expected);
    expect(Object.keys(event.queryStringParameters ?? {})).toEqual([
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
    ]);
    expect(Object.getPrototypeOf(event.queryStringParameters)).toBe(Object.prototype);
    expect(event.multiValueQueryStringParameters?.hasOwnProperty).toEqual(['a', 'b']);
    expect(Object.hasOwn(event.multiValueQueryStringParameters ?? {}, '__proto__')).toBe(true);
  });

  it('keeps every value of a repeated name and the last one in the single-value map', () => {
    const event = toProxyEvent(
      request('limit=2&limit=3', { 'x-api-key': 'k', 'x-forwarded-for': ['a', 'b'] }),
    );
    expect(event.queryStringParameters).toEqual({ limit: '3' });
    expect(event.multiValueQueryStringParameters).toEqual({ limit: ['2', '3'] });
    expect(event.headers).toEqual({ 'x-api-key': 'k', 'x-forwarded-for': 'b' });
    expect(event.multiValueHeaders).toEqual({ 'x-api-key': ['k'], 'x-forwarded-for': ['a', 'b'] });
  });

  it('gives null query maps when there is no query', () => {
    const event = toProxyEvent(request(''));
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
  });
});
