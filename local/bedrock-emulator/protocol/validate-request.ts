/**
 * Every served request is checked against its operation's input shape before the operation runs,
 * and a broken constraint is answered as AWS answers it: 400, `x-amzn-errortype:
 * ValidationException`, a message naming each member and constraint.
 */
import { validationError } from '../errors.ts';
import { bindMessage, type WireMessage } from './bind.ts';
import { findOperation, type ModeledOperation } from './service-model.ts';
import { checkShape, validationMessage } from './validate.ts';

export interface RouteIdentity {
  readonly operation: string;
  readonly method: string;
  readonly path: string;
}

export type RequestValidator = (message: WireMessage) => void;

/** Throws at startup for a route the models do not describe: every served operation is judged. */
export function requestValidator(route: RouteIdentity): RequestValidator {
  const modeled = findOperation(route.operation, route.method, route.path);
  if (modeled === undefined) {
    throw new Error(
      `No AWS service model describes ${route.operation} at ${route.method} ${route.path}; the emulator serves modeled operations only.`,
    );
  }
  return (message) => validateRequest(modeled, message);
}

export function validateRequest(modeled: ModeledOperation, message: WireMessage): void {
  const inputShape = modeled.operation.input?.shape;
  if (inputShape === undefined) return;
  const input = bindMessage(modeled.model, inputShape, message);
  const violations = checkShape(modeled.model, inputShape, input);
  if (violations.length > 0) throw validationError(validationMessage(violations));
}
