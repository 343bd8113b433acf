import { GetInferenceProfileCommand } from '@aws-sdk/client-bedrock';
import { lookupModel, parseModelReference } from '../../config/bedrock-models.ts';
import { type Check, type CheckResult, describeError } from './check.ts';
import { fileVerdict, foundationModelLifecycle } from './model-status.ts';

const ACTIVE_MODELS =
  'Choose an Active model: -c model=<id> (config/bedrock-models.json lists the known ones).';

/**
 * The generation model exists in the region and is ACTIVE: the inference profile (GetInferenceProfile)
 * when the setting names one, the foundation model behind it (GetFoundationModel), and the dated
 * file's lifecycle, which knows end-of-life dates AWS's API only reports once they have passed.
 */
export const generationModelCheck: Check = async (context) => {
  const { model, region } = context;
  const reference = parseModelReference(model);
  const verdict = fileVerdict(lookupModel(model), context);
  const fail = (summary: string, fix: string): CheckResult => ({
    id: 'generation-model',
    status: 'fail',
    summary,
    fix,
  });
  if (verdict.status === 'eol') return fail(`Generation model ${model}: ${verdict.note}`, ACTIVE_MODELS);

  const found: string[] = [];
  if (reference.kind === 'inference-profile' || reference.kind === 'application-inference-profile') {
    try {
      const profile = await context.bedrock.send(
        new GetInferenceProfileCommand({ inferenceProfileIdentifier: model }),
      );
      if (profile.status !== 'ACTIVE') {
        return fail(
          `Inference profile ${model} in ${region} is ${profile.status ?? 'unknown'}`,
          ACTIVE_MODELS,
        );
      }
      found.push(`inference profile ACTIVE (${profile.models?.length ?? 0} regional models)`);
    } catch (error) {
      const { name, message } = describeError(error);
      return fail(
        `Inference profile ${model} in ${region}: ${name}: ${message}`,
        `Use a profile offered in ${region}: aws bedrock list-inference-profiles --region ${region}; a us./eu./apac. profile is callable only from its own geography.`,
      );
    }
  }
  if (reference.modelId !== undefined) {
    const { status, error } = await foundationModelLifecycle(context, reference.modelId);
    if (error) {
      // A model reached only through a profile need not be listed in the source region.
      if (reference.kind !== 'inference-profile') {
        return fail(
          `Foundation model ${reference.modelId} in ${region}: ${error.name}: ${error.message}`,
          `It is not offered (or no longer) in ${region}. ${ACTIVE_MODELS}`,
        );
      }
      found.push(`foundation model not listed in ${region} (${error.name})`);
    } else if (status === 'LEGACY') {
      return {
        id: 'generation-model',
        status: 'warn',
        summary: `Generation model ${reference.modelId} is LEGACY in ${region}`,
        fix: `New accounts may be refused it and it will reach end of life. ${ACTIVE_MODELS}`,
      };
    } else if (status !== 'ACTIVE') {
      return fail(`Generation model ${reference.modelId} in ${region} is ${status}`, ACTIVE_MODELS);
    } else {
      found.push('foundation model ACTIVE');
    }
  }
  if (verdict.status === 'legacy') {
    return {
      id: 'generation-model',
      status: 'warn',
      summary: `Generation model ${model}: ${found.join(', ')}; ${verdict.note}`,
      fix: ACTIVE_MODELS,
    };
  }
  return {
    id: 'generation-model',
    status: verdict.status === 'unknown' ? 'warn' : 'pass',
    summary: `Generation model ${model}: ${[...found, verdict.note].join(', ')}`,
    ...(verdict.status === 'unknown'
      ? {
          fix: 'Add the model to config/bedrock-models.json from its AWS model card, so synth can judge its end of life.',
        }
      : {}),
  };
};
