import { getAnswerEnvironment } from '../../shared/answers/answer-environment.ts';
import { defaultRetrieval } from '../../shared/answers/chat-answering.ts';
import { configureFromSettings } from '../../shared/aws/bedrock-rag-settings.ts';
import { createConversationEngine } from '../../shared/chat/wiring.ts';
import { getConfig, getCorsConfig } from '../../shared/config.ts';
import { makeChatStreamHandler } from './chat-stream-handler.ts';

const config = getConfig();
const answers = getAnswerEnvironment();

export const handler = awslambda.streamifyResponse(
  makeChatStreamHandler(
    createConversationEngine(config, undefined, {
      retrieval: defaultRetrieval(answers),
      configure: configureFromSettings,
    }),
    getCorsConfig(),
    answers,
  ),
);
