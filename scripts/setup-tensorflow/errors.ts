/**
 * Named errors of the TensorFlow backend setup. Each carries a stable `code` so CI logs and users can
 * tell "pip is missing" from "the compiler failed" without parsing prose (same pattern as nats.js
 * `errors.ts`).
 */

/** Stable codes, one per way the setup can fail. */
export const SetupErrorCode = {
  NpmFailed: 'TF_SETUP_NPM_FAILED',
  ManifestChanged: 'TF_SETUP_MANIFEST_CHANGED',
  PythonMissing: 'TF_SETUP_PIP_MISSING',
  WheelNotFound: 'TF_SETUP_WHEEL_NOT_FOUND',
  WheelCorrupt: 'TF_SETUP_WHEEL_CORRUPT',
  CompilerMissing: 'TF_SETUP_COMPILER_MISSING',
  BuildFailed: 'TF_SETUP_BUILD_FAILED',
  VerifyFailed: 'TF_SETUP_VERIFY_FAILED',
} as const;
export type SetupErrorCode = (typeof SetupErrorCode)[keyof typeof SetupErrorCode];

/** Any failure of the setup; `message` says what to do about it. */
export class SetupError extends Error {
  override readonly name = 'SetupError';
  constructor(
    /** Stable machine-readable code. */
    readonly code: SetupErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
