/**
 * The one AWS account the emulator answers as, in the ARNs it builds (AWS puts the caller's own
 * account there; offline there is no caller account, so every local ARN names this one).
 */
export const EMULATOR_ACCOUNT_ID = '000000000000';
