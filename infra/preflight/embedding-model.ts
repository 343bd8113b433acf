import { lookupModel } from '../../config/bedrock-models.ts';
import type { Check } from './check.ts';
import { fileVerdict, foundationModelLifecycle } from './model-status.ts';

/** The embedding model is offered in the region and ACTIVE (GetFoundationModel, and the dated file). */
export const embeddingModelCheck: Check = async (context) => {
  const { embeddingModel, region } = context;
  const verdict = fileVerdict(lookupModel(embeddingModel), context);
  const fix = `Choose an embedding model offered in ${region}: -c embeddingModel=<id> (with -c embeddingDimensions=<n> if Lantern does not know its size).`;
  if (verdict.status === 'eol') {
    return {
      id: 'embedding-model',
      status: 'fail',
      summary: `Embedding model ${embeddingModel}: ${verdict.note}`,
      fix,
    };
  }
  const { status, error } = await foundationModelLifecycle(context, embeddingModel);
  if (error) {
    return {
      id: 'embedding-model',
      status: 'fail',
      summary: `Embedding model ${embeddingModel} in ${region}: ${error.name}: ${error.message}`,
      fix,
    };
  }
  if (status !== 'ACTIVE' || verdict.status === 'legacy') {
    return {
      id: 'embedding-model',
      status: status === 'LEGACY' || verdict.status === 'legacy' ? 'warn' : 'fail',
      summary: `Embedding model ${embeddingModel} in ${region} is ${status === 'ACTIVE' ? verdict.note : status}`,
      fix,
    };
  }
  return {
    id: 'embedding-model',
    status: 'pass',
    summary: `Embedding model ${embeddingModel}: ACTIVE in ${region}`,
  };
};
