import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../../../shared/errors.ts';
import { restHandler } from '../../../shared/http/handler.ts';
import { countMetric, metricsInUse } from '../../../shared/observability.ts';

const event = { headers: {}, requestContext: { requestId: 'r-1' } } as unknown as APIGatewayProxyEvent;
const context = {
  awsRequestId: 'a-1',
  functionName: 'lantern-test',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

describe('metrics of a REST invocation', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    metricsInUse().clearMetrics();
  });

  it('are flushed once when the invocation counted something, on success and on error', async () => {
    const publish = vi.spyOn(metricsInUse(), 'publishStoredMetrics');
    const counted = restHandler(async () => {
      countMetric('ChatTurn');
      return { statusCode: 200, body: '{}' };
    });
    await counted(event, context);
    expect(publish).toHaveBeenCalledTimes(1);
    expect(metricsInUse().hasStoredMetrics()).toBe(false);

    const failing = restHandler(async () => {
      countMetric('ChatError');
      throw new NotFoundError('Session not found');
    });
    const response = await failing(event, context);
    expect(response.statusCode).toBe(404);
    expect(publish).toHaveBeenCalledTimes(2);
  });

  it('are not flushed when nothing was counted, so the log gets no empty-metrics warning', async () => {
    const publish = vi.spyOn(metricsInUse(), 'publishStoredMetrics');
    const quiet = restHandler(async () => ({ statusCode: 200, body: '{}' }));
    await quiet(event, context);
    expect(publish).not.toHaveBeenCalled();
  });
});
