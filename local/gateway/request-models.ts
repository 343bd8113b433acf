import { Ajv, type ValidateFunction } from 'ajv';
import type { RequestModel } from '../../config/request-models.ts';

const ajv = new Ajv();
const validators = new WeakMap<RequestModel, ValidateFunction>();

/**
 * Whether a body passes its method's request model, as API Gateway's `body-and-parameters`
 * validator judges it. The model is the one mapped to `application/json`, which is also assumed
 * when no content type is sent; a body of another type has no model, so it is not checked ("If no
 * matching content type is found, request validation is not performed": the developer guide's
 * "Request validation for REST APIs").
 */
export function passesRequestModel(
  model: RequestModel,
  body: string,
  contentType: string | undefined,
): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type && type !== 'application/json') return true;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return false;
  }
  let validate = validators.get(model);
  if (!validate) {
    validate = ajv.compile(model);
    validators.set(model, validate);
  }
  return validate(json);
}
