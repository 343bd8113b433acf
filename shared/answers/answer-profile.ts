import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type AnswerProfile, findProfile } from '../../config/answer-settings-core.ts';
import { principalOf } from '../auth/owner.ts';
import { ForbiddenError } from '../errors.ts';
import type { AnswerEnvironment } from './answer-environment.ts';

/**
 * Which answer profile a request is answered with:
 * - an API key's caller: the key's profile (`API_KEY_PROFILES`), the defaults for a key not listed;
 * - an anonymous visitor: the profile its token was minted for (the minting key's), so a tenant's
 *   widget visitors are confined to the tenant's filter; the defaults for a token minted by a key
 *   without one;
 * - a signed-in user (a user pool's or OIDC token): the defaults, unless the route also takes an API
 *   key (`both`), whose profile then applies.
 * A visitor token sent with another profile's key, or naming a profile the settings no longer hold,
 * is refused rather than answered with a wider profile.
 */
export function answerProfileOf(event: APIGatewayProxyEvent, answers: AnswerEnvironment): AnswerProfile {
  const { settings } = answers;
  const apiKeyId = event.requestContext?.identity?.apiKeyId;
  const keyProfile = apiKeyId ? (answers.keyProfiles.get(apiKeyId) ?? settings.defaults.name) : undefined;
  const principal = principalOf(event.requestContext?.authorizer);
  const tokenProfile =
    principal?.kind === 'visitor' ? (principal.profile ?? settings.defaults.name) : undefined;
  if (tokenProfile !== undefined && keyProfile !== undefined && tokenProfile !== keyProfile) {
    throw new ForbiddenError('This visitor token was issued with another API key');
  }
  const name = tokenProfile ?? keyProfile ?? settings.defaults.name;
  const profile = findProfile(settings, name);
  if (!profile) throw new ForbiddenError('The answer profile of this token is no longer configured');
  return profile;
}
