/**
 * The request models API Gateway validates bodies against before a function runs (JSON Schema,
 * deployed as draft 4 by `ChatApi`): a body that breaks one never reaches the handler, and the
 * caller gets the gateway's `400 VALIDATION_ERROR` "Invalid request body". The local gateway checks
 * the same models. The handlers check bodies in full themselves; these catch only the gross cases.
 */

/** A JSON Schema object as both API Gateway and the local gateway read it. */
export interface RequestModel {
  readonly title: string;
  readonly type: 'object';
  readonly required: readonly string[];
  readonly properties: Readonly<Record<string, RequestModelProperty>>;
}

interface RequestModelProperty {
  readonly type: 'string' | 'object';
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly enum?: readonly string[];
}

export const chatRequestModel: RequestModel = {
  title: 'ChatRequest',
  type: 'object',
  required: ['message'],
  properties: {
    message: { type: 'string', minLength: 1, maxLength: 1000 },
    sessionId: { type: 'string', minLength: 1, maxLength: 128 },
    clientMessageId: { type: 'string', minLength: 1, maxLength: 128 },
    // Checked in full by the handler, against the declared attributes and the caller's profile.
    filter: { type: 'object' },
    model: { type: 'string', minLength: 1, maxLength: 2048 },
  },
};

export const feedbackRequestModel: RequestModel = {
  title: 'FeedbackRequest',
  type: 'object',
  required: ['messageId', 'rating'],
  properties: {
    messageId: { type: 'string', minLength: 1, maxLength: 128 },
    rating: { type: 'string', enum: ['up', 'down'] },
    comment: { type: 'string', maxLength: 1000 },
  },
};
