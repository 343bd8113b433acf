import { describe, expect, it } from 'vitest';
import { toServiceError } from '../../../shared/aws/service-errors.ts';
import { ServiceUnavailableError, UpstreamError } from '../../../shared/errors.ts';

/** An error as the SDK raises it after a service answered: with `$metadata` and `$fault`. */
function serviceError(name: string, message: string, fault: 'client' | 'server', status: number): Error {
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

describe('AWS failures as the caller sees them', () => {
  it('reports a missing permission as a misconfiguration, even when the action it names streams', () => {
    const denied = serviceError(
      'AccessDeniedException',
      'User: arn:aws:sts::123456789012:assumed-role/chat/fn is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0',
      'client',
      403,
    );
    expect(toServiceError(denied, 'The knowledge base')).toBeInstanceOf(UpstreamError);
  });

  it('reports throttling, server faults and a connection closed mid-stream as temporary', () => {
    const temporary = [
      serviceError('ThrottlingException', 'Too many requests', 'client', 429),
      serviceError('InternalServerException', 'Internal error', 'server', 500),
      Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }),
      Object.assign(new Error('read ECONNRESET'), { $metadata: {} }),
    ];
    for (const error of temporary) {
      expect(toServiceError(error, 'The knowledge base'), error.message).toBeInstanceOf(
        ServiceUnavailableError,
      );
    }
  });
});
