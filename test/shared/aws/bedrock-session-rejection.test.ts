import {
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { describe, expect, it } from 'vitest';
import { translateBedrockError } from '../../../shared/aws/bedrock-rag.ts';
import { SessionRejectedError } from '../../../shared/chat/ports.ts';

/** The one RetrieveAndGenerate validation wording on record, which names no session. */
const GENERIC =
  'Invalid input or configuration provided. Check the input and Knowledge Base configuration and try your request again.';

describe('a Bedrock error on a call that carried a session', () => {
  it('means "start a new session" when it is a validation or not-found error, whatever it says', () => {
    for (const error of [
      new ValidationException({ message: GENERIC, $metadata: {} }),
      new ResourceNotFoundException({ message: 'Not found', $metadata: {} }),
      new ValidationException({ message: 'Session with Id abc is not valid', $metadata: {} }),
    ]) {
      expect(translateBedrockError(error, true)).toBeInstanceOf(SessionRejectedError);
    }
  });

  it('is passed on as a service error without a session, or when Bedrock is only busy', () => {
    expect(
      translateBedrockError(new ValidationException({ message: GENERIC, $metadata: {} }), false),
    ).not.toBeInstanceOf(SessionRejectedError);
    expect(
      translateBedrockError(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }), true),
    ).not.toBeInstanceOf(SessionRejectedError);
  });
});
