import { ListKnowledgeBasesCommand } from '@aws-sdk/client-bedrock-agent';
import { type Check, describeError, isAccessDenied, isUnreachable } from './check.ts';

/** Bedrock Knowledge Bases answers in the region: one ListKnowledgeBases call, one result at most. */
export const knowledgeBasesCheck: Check = async ({ bedrockAgent, region }) => {
  try {
    await bedrockAgent.send(new ListKnowledgeBasesCommand({ maxResults: 1 }));
    return { id: 'knowledge-bases', status: 'pass', summary: `Bedrock Knowledge Bases answers in ${region}` };
  } catch (error) {
    const { name, message } = describeError(error);
    return {
      id: 'knowledge-bases',
      status: 'fail',
      summary: `Bedrock Knowledge Bases in ${region}: ${name}: ${message}`,
      fix: isUnreachable(error)
        ? `Knowledge Bases is not offered in ${region}; deploy to a region listed on https://docs.aws.amazon.com/bedrock/latest/userguide/knowledge-base-supported.html (-c region=…).`
        : isAccessDenied(error)
          ? 'Allow the deploying identity bedrock:ListKnowledgeBases (and the CDK deploy role the bedrock:* actions the stack needs).'
          : 'Retry; if it persists, check the service health dashboard for Amazon Bedrock in this region.',
    };
  }
};
