/**
 * Errors shared by every eks-kit package.
 *
 * - {@link EksKitError}: base class with a stable `code` and an optional `hint` (what to do next).
 * - {@link InvalidInputError}: bad input, detected before any AWS call (CLI exit code 64, see EXIT_CODES).
 * - {@link AwsCallError}: an AWS SDK error re-thrown with the operation and resource it concerned.
 */

/**
 * The exit codes of the CLI, defined once. No code means two things for one command:
 *
 * | code | meaning |
 * |------|---------|
 * | 0    | ok (`plan --detailed-exitcode`: no changes) |
 * | 1    | failure (an AWS call failed, a blocking finding, ...) |
 * | 2    | `plan --detailed-exitcode`: changes to apply; `check` / `autoscaler verify`: a failing finding |
 * | 64   | invalid input (flags, stack file, paths), always before any AWS call: EX_USAGE of sysexits.h |
 * | 129  | ended by SIGHUP (128 + 1) |
 * | 130  | ended by SIGINT, Ctrl-C (128 + 2) |
 * | 143  | ended by SIGTERM (128 + 15) |
 *
 * 2 keeps Terraform's `-detailed-exitcode` meaning, so invalid input cannot be 2 (a CI script would
 * read a broken stack file as "changes"); 64 is the conventional "command used incorrectly" code and
 * collides with nothing a shell or Node reserves (126/127, 128+n, Node's 1-13).
 */
export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  changes: 2,
  failingFindings: 2,
  invalidInput: 64,
  sighup: 129,
  sigint: 130,
  sigterm: 143,
} as const;

/**
 * Base class of every error eks-kit throws on purpose.
 *
 * @example
 * ```ts
 * throw new EksKitError('ZoneNotFound', 'no public hosted zone for foo.example.com', {
 *   hint: 'create the zone or pass zones: { "foo.example.com": "Z123" }',
 * });
 * ```
 */
export class EksKitError extends Error {
  /** Stable machine-readable code, e.g. `InvalidInput`, `AccessDenied`, `Timeout`. */
  readonly code: string;
  /** What the user can do about it, in one sentence. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EksKitError';
    this.code = code;
    this.hint = options.hint;
  }

  /** The CLI exit code for this error: {@link EXIT_CODES}.invalidInput (64) for invalid input, 1 otherwise. */
  get exitCode(): number {
    return EXIT_CODES.failure;
  }
}

/**
 * Input that eks-kit refuses before making any AWS call. The message is one line naming the field.
 *
 * @example
 * ```ts
 * throw new InvalidInputError('cluster.region', 'eu-west', 'an AWS region such as eu-west-1');
 * // message: "cluster.region: expected an AWS region such as eu-west-1, got \"eu-west\""
 * ```
 */
export class InvalidInputError extends EksKitError {
  /** Dotted path of the offending field, e.g. `certificates[0].domainName`. */
  readonly field: string;
  /** The value that was refused (secrets must never be passed here). */
  readonly value: unknown;
  /** What was expected, in words. */
  readonly expected: string;
  /** `file:line` of the field in a stack file, when known. */
  readonly location: string | undefined;

  constructor(
    field: string,
    value: unknown,
    expected: string,
    options: { hint?: string; location?: string; cause?: unknown } = {},
  ) {
    const where = options.location ? `${options.location}: ` : '';
    super(
      'InvalidInput',
      `${where}${printableField(field)}: expected ${expected}, got ${describeValue(value)}`,
      options,
    );
    this.name = 'InvalidInputError';
    this.field = field;
    this.value = value;
    this.expected = expected;
    this.location = options.location;
  }

  override get exitCode(): number {
    return EXIT_CODES.invalidInput;
  }

  /**
   * The same error with its field placed under a parent path (and optionally a file location).
   *
   * @example
   * ```ts
   * try { validateRegion(input.region, 'region'); }
   * catch (e) { if (e instanceof InvalidInputError) throw e.under('certificates[0]'); throw e; }
   * ```
   */
  under(parent: string, location?: string): InvalidInputError {
    const field = parent
      ? this.field.startsWith('[')
        ? `${parent}${this.field}`
        : `${parent}.${this.field}`
      : this.field;
    return new InvalidInputError(field, this.value, this.expected, {
      ...(this.hint !== undefined ? { hint: this.hint } : {}),
      ...((location ?? this.location) !== undefined ? { location: location ?? this.location } : {}),
      cause: this.cause,
    });
  }
}

/** A field path for a one-line message: control characters escaped, a very long path shortened. */
function printableField(field: string): string {
  const clean = field.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped
    /[\u0000-\u001f\u007f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return clean.length > 200 ? `${clean.slice(0, 197)}...` : clean;
}

/** Render a refused value for a one-line message: short, quoted, never multi-line. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const oneLine = value.replace(/\s+/g, ' ');
    return JSON.stringify(oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return `a ${typeof value}`;
}

/** Error codes AWS services use for throttling (docs/AWS-FACTS.md#sdk-retries-and-throttling). */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
]);

const NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'ResourceNotFoundException',
  'RepositoryNotFoundException',
  'RepositoryPolicyNotFoundException',
  'LifecyclePolicyNotFoundException',
  'NoSuchHostedZone',
  'NoSuchChange',
  'NotFoundException',
  'ParameterNotFound',
  'ValidationError:NotFound',
]);

const ACCESS_DENIED_CODES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'NotAuthorized',
]);

/** The error code of an AWS SDK v3 error (`name`, or `Code`/`code` for older shapes). */
export function awsErrorCode(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { name?: unknown; Code?: unknown; code?: unknown; awsCode?: unknown };
  if (typeof e.awsCode === 'string') return e.awsCode;
  if (typeof e.Code === 'string') return e.Code;
  if (typeof e.code === 'string' && !(error instanceof EksKitError)) return e.code;
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
  return undefined;
}

/**
 * True for a throttling error (any service's code).
 *
 * @example
 * ```ts
 * if (isThrottlingError(err)) await sleep(1000);
 * ```
 */
export function isThrottlingError(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && THROTTLING_CODES.has(code);
}

/**
 * True when AWS says the resource does not exist.
 *
 * @example
 * ```ts
 * try { await iam.send(new GetRoleCommand({ RoleName })); } catch (e) { if (!isNotFoundError(e)) throw e; }
 * ```
 */
export function isNotFoundError(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && NOT_FOUND_CODES.has(code);
}

/**
 * True when AWS refused the call for lack of permission.
 *
 * @example
 * ```ts
 * if (isAccessDeniedError(err)) console.error(deniedAction(err));
 * ```
 */
export function isAccessDeniedError(error: unknown): boolean {
  const code = awsErrorCode(error);
  if (code !== undefined && ACCESS_DENIED_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /not authorized to perform/i.test(message);
}

/**
 * The IAM action named in an AccessDenied message, e.g. `autoscaling:SetDesiredCapacity`.
 *
 * @example
 * ```ts
 * deniedAction('User: arn:aws:sts::1:assumed-role/x/y is not authorized to perform: ecr:PutImage on resource: ...');
 * // 'ecr:PutImage'
 * ```
 */
export function deniedAction(errorOrMessage: unknown): string | undefined {
  const message =
    typeof errorOrMessage === 'string'
      ? errorOrMessage
      : errorOrMessage instanceof Error
        ? errorOrMessage.message
        : '';
  const match = /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/i.exec(message);
  return match?.[1];
}

/** The principal named in an AccessDenied message (`User: arn:... is not authorized`). */
export function deniedPrincipal(message: string): string | undefined {
  return /User:\s+(arn:[^\s]+)\s+is not authorized/i.exec(message)?.[1];
}

/**
 * An AWS call that failed, with the operation and resource it concerned.
 *
 * @example
 * ```ts
 * try { await iam.send(cmd); } catch (e) { throw wrapAwsError(e, 'iam:GetRole', 'role/cluster-autoscaler'); }
 * ```
 */
export class AwsCallError extends EksKitError {
  /** `service:Operation`, e.g. `iam:CreateRole`. */
  readonly operation: string;
  /** The resource the call concerned, e.g. an ARN or a name. */
  readonly resource: string | undefined;
  /** The AWS error code, e.g. `AccessDenied`. */
  readonly awsCode: string | undefined;
  /** HTTP status of the response, when there was one. */
  readonly httpStatus: number | undefined;
  /** For AccessDenied: the action that was denied. */
  readonly deniedAction: string | undefined;
  readonly throttling: boolean;
  readonly notFound: boolean;
  readonly accessDenied: boolean;

  constructor(error: unknown, operation: string, resource?: string) {
    const awsCode = awsErrorCode(error);
    const original = error instanceof Error ? error.message : String(error);
    const accessDenied = isAccessDeniedError(error);
    const denied = accessDenied ? deniedAction(original) : undefined;
    const on = resource ? ` on ${resource}` : '';
    const hint = accessDenied
      ? `grant ${denied ?? operation} to the identity eks-kit runs as (check with: aws sts get-caller-identity)`
      : isThrottlingError(error)
        ? 'AWS throttled the request after the SDK retries; run again, or raise --max-attempts'
        : undefined;
    super(
      accessDenied ? 'AccessDenied' : (awsCode ?? 'AwsError'),
      `${operation}${on} failed: ${awsCode ?? 'Error'}: ${oneLine(original)}`,
      {
        ...(hint ? { hint } : {}),
        cause: error,
      },
    );
    this.name = 'AwsCallError';
    this.operation = operation;
    this.resource = resource;
    this.awsCode = awsCode;
    this.httpStatus = (
      error as { $metadata?: { httpStatusCode?: number } } | undefined
    )?.$metadata?.httpStatusCode;
    this.deniedAction = denied;
    this.throttling = isThrottlingError(error);
    this.notFound = isNotFoundError(error);
    this.accessDenied = accessDenied;
  }
}

/**
 * Wrap an SDK error with the operation and resource; eks-kit errors pass through unchanged.
 *
 * @example
 * ```ts
 * const role = await iam.send(new GetRoleCommand({ RoleName: name })).catch((e) => { throw wrapAwsError(e, 'iam:GetRole', name); });
 * ```
 */
export function wrapAwsError(error: unknown, operation: string, resource?: string): EksKitError {
  if (error instanceof EksKitError) return error;
  return new AwsCallError(error, operation, resource);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Format any error as one line for a terminal or a log: message, then the hint.
 *
 * @example
 * ```ts
 * console.error(formatError(err)); // "cluster.name: expected ... (hint: ...)"
 * ```
 */
export function formatError(error: unknown): string {
  if (error instanceof EksKitError) {
    return error.hint ? `${oneLine(error.message)} (hint: ${oneLine(error.hint)})` : oneLine(error.message);
  }
  if (error instanceof Error)
    return oneLine(`${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`);
  return oneLine(String(error));
}
