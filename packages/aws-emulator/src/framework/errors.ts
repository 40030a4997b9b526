/**
 * The error a service handler throws to answer with an AWS error.
 */

/** Options of {@link AwsError}. */
export interface AwsErrorOptions {
  /** Extra fields: added to the JSON error body, or as elements of `<Error>` in XML protocols. */
  fields?: Record<string, unknown>;
  /** Extra HTTP response headers. */
  headers?: Record<string, string>;
  /** A complete response body that replaces the protocol's error shape (e.g. Route 53 InvalidChangeBatch). */
  body?: string;
}

/**
 * An AWS error answered with the protocol's error shape. `status` defaults to 400; 5xx errors are
 * typed `Receiver` in XML protocols, others `Sender`.
 * @example throw new AwsError('NoSuchEntity', 'The role with name x cannot be found.', 404)
 */
export class AwsError extends Error {
  override name = 'AwsError';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly options: AwsErrorOptions = {},
  ) {
    super(message);
  }
}

/**
 * The validation error of a missing or malformed parameter, as AWS writes it
 * (`1 validation error detected: Value 'x' at 'roleName' failed to satisfy constraint: ...`).
 * @example throw validationError('roleName', undefined, 'Member must not be null')
 */
export function validationError(
  field: string,
  value: unknown,
  constraint: string,
  code = 'ValidationError',
): AwsError {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
  return new AwsError(
    code,
    `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${constraint}`,
    400,
  );
}
