/**
 * The handler's settings, read from its environment and validated before any AWS call.
 */
import {
  type Arn,
  InvalidInputError,
  parseArn,
  partitionOfRegion,
  validateRegion,
} from '@eks-kit/core/clients';

/**
 * Where the stack comes from; `digest` (`EKS_KIT_STACK_SHA256`, written by the deploy template) is
 * `stackDigest` of the JSON the deploy step validated.
 */
export type StackSource = ({ kind: 'inline'; text: string } | { kind: 'parameter'; name: string }) & {
  digest?: string;
};

/** One account (and optionally region) to check through an assumed role. */
export interface AssumeRoleTarget {
  roleArn: string;
  /** Region to check in; default the stack's cluster region. */
  region?: string;
  /** Label the findings are reported under (default the role ARN, `@region` when given). */
  label?: string;
  /** Account id (targets from Organizations). */
  accountId?: string;
  /** Account name in the organisation. */
  accountName?: string;
  /** Not checked, and why (e.g. `account is SUSPENDED`): reported as skipped, no AWS call. */
  skip?: string;
}

/** Targets taken from AWS Organizations (`EKS_KIT_TARGETS_FROM=organization`). */
export interface OrganizationSource {
  /**
   * Roots or OUs whose accounts are checked, nested OUs included (`EKS_KIT_ORGANIZATION_UNITS`);
   * empty: every account of the organisation.
   */
  parentIds: string[];
  /** Role assumed in each account (`EKS_KIT_ORGANIZATION_ROLE_NAME`), e.g. `eks-kit-checks`. */
  roleName: string;
  /** Regions checked in each account (`EKS_KIT_TARGET_REGIONS`); empty: the stack's cluster region. */
  regions: string[];
  /** AssumeRole calls a second for the whole run, all invocations together (`EKS_KIT_ASSUME_ROLE_RATE`, default 10). */
  assumeRolePerSecond: number;
  /**
   * Planning figure: seconds one target takes (`EKS_KIT_SECONDS_PER_TARGET`, default 30). Used as is
   * only when set ({@link secondsPerTargetSet}); otherwise the plan takes the last run's measured figure
   * when the state has one (report/run-timing.ts), and this default when it has none.
   */
  secondsPerTarget: number;
  /** `EKS_KIT_SECONDS_PER_TARGET` was set: the plan uses it rather than the last run's measure. */
  secondsPerTargetSet?: boolean;
  /** Invocations in flight when the run is split (`EKS_KIT_BATCH_CONCURRENCY`, default 4): the Distributed Map's MaxConcurrency. */
  batchConcurrency: number;
}

/** Settings of one invocation. */
export interface HandlerConfig {
  stackSource: StackSource;
  /** Topic for failure notices (`EKS_KIT_SNS_TOPIC_ARN`). */
  snsTopicArn?: string;
  /** SSM parameter keeping the previous run's failures (`EKS_KIT_STATE_PARAMETER`); absent: every run is a first run. */
  stateParameter?: string;
  /** Days between two reminders of unchanged failures (`EKS_KIT_REMINDER_DAYS`, default 7). */
  reminderDays: number;
  /** Roles to assume; empty: check with the function's own role (or, with {@link organization}, resolved per run). */
  targets: AssumeRoleTarget[];
  /** Take the targets from AWS Organizations instead of `EKS_KIT_ASSUME_ROLE_ARNS`. */
  organization?: OrganizationSource;
  /** Checks in flight at once per target (`EKS_KIT_CHECK_CONCURRENCY`, default 4). */
  checkConcurrency: number;
  /** Targets checked at once (`EKS_KIT_TARGET_CONCURRENCY`, default 2). */
  targetConcurrency: number;
  /** Time allowed to each check (`EKS_KIT_CHECK_TIMEOUT_SECONDS`, default 60). */
  checkTimeoutMs: number;
  /** One endpoint for every service (`AWS_ENDPOINT_URL`), e.g. a local emulator. */
  endpoint?: string;
  /**
   * S3 bucket of a split run (`EKS_KIT_RUN_BUCKET`, the deploy template's `RunBucket`): the plan's
   * batches, each batch's results, and the state between runs (instead of the SSM parameter, which
   * then only keeps the last run's time).
   */
  runBucket?: string;
}

/** Environment variables the handler reads, for docs and tests. */
export const HANDLER_ENV = {
  stack: 'EKS_KIT_STACK',
  stackParameter: 'EKS_KIT_STACK_PARAMETER',
  stackDigest: 'EKS_KIT_STACK_SHA256',
  snsTopicArn: 'EKS_KIT_SNS_TOPIC_ARN',
  stateParameter: 'EKS_KIT_STATE_PARAMETER',
  reminderDays: 'EKS_KIT_REMINDER_DAYS',
  assumeRoleArns: 'EKS_KIT_ASSUME_ROLE_ARNS',
  checkConcurrency: 'EKS_KIT_CHECK_CONCURRENCY',
  targetConcurrency: 'EKS_KIT_TARGET_CONCURRENCY',
  checkTimeoutSeconds: 'EKS_KIT_CHECK_TIMEOUT_SECONDS',
  targetsFrom: 'EKS_KIT_TARGETS_FROM',
  organizationUnits: 'EKS_KIT_ORGANIZATION_UNITS',
  organizationRoleName: 'EKS_KIT_ORGANIZATION_ROLE_NAME',
  targetRegions: 'EKS_KIT_TARGET_REGIONS',
  assumeRoleRate: 'EKS_KIT_ASSUME_ROLE_RATE',
  secondsPerTarget: 'EKS_KIT_SECONDS_PER_TARGET',
  batchConcurrency: 'EKS_KIT_BATCH_CONCURRENCY',
  runBucket: 'EKS_KIT_RUN_BUCKET',
  endpoint: 'AWS_ENDPOINT_URL',
} as const;

/**
 * Read and validate the handler's settings; throws `InvalidInputError` naming the variable.
 *
 * @example
 * ```ts
 * const config = readHandlerConfig({ EKS_KIT_STACK_PARAMETER: '/eks-kit/prod/stack', EKS_KIT_CHECK_CONCURRENCY: '8' });
 * config.stackSource; // { kind: 'parameter', name: '/eks-kit/prod/stack' }
 * ```
 */
export function readHandlerConfig(env: Record<string, string | undefined>): HandlerConfig {
  const inline = nonEmpty(env[HANDLER_ENV.stack]);
  const parameter = nonEmpty(env[HANDLER_ENV.stackParameter]);
  if (inline && parameter) {
    throw new InvalidInputError(
      HANDLER_ENV.stackParameter,
      parameter,
      `nothing when ${HANDLER_ENV.stack} is set`,
      {
        hint: `set only one of ${HANDLER_ENV.stack} (inline JSON or YAML) and ${HANDLER_ENV.stackParameter} (an SSM parameter name)`,
      },
    );
  }
  const digestRaw = nonEmpty(env[HANDLER_ENV.stackDigest]);
  if (digestRaw !== undefined && !/^[0-9a-f]{64}$/.test(digestRaw)) {
    throw new InvalidInputError(
      HANDLER_ENV.stackDigest,
      digestRaw,
      'the 64 hex digits the deploy template writes (or nothing)',
    );
  }
  const digest = digestRaw === undefined ? {} : { digest: digestRaw };
  let stackSource: StackSource;
  if (inline) stackSource = { kind: 'inline', text: inline, ...digest };
  else if (parameter) stackSource = { kind: 'parameter', name: validateParameterName(parameter), ...digest };
  else {
    throw new InvalidInputError(
      HANDLER_ENV.stack,
      undefined,
      `the stack as inline JSON or YAML, or ${HANDLER_ENV.stackParameter} naming an SSM parameter that holds it`,
    );
  }
  const snsTopicArn = nonEmpty(env[HANDLER_ENV.snsTopicArn]);
  if (snsTopicArn) validateServiceArn(snsTopicArn, HANDLER_ENV.snsTopicArn, 'sns', 'an SNS topic ARN');
  const stateRaw = nonEmpty(env[HANDLER_ENV.stateParameter]);
  const stateParameter =
    stateRaw === undefined ? undefined : validateParameterName(stateRaw, HANDLER_ENV.stateParameter);
  const endpoint = nonEmpty(env[HANDLER_ENV.endpoint]);
  if (endpoint && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new InvalidInputError(HANDLER_ENV.endpoint, endpoint, 'a URL such as http://127.0.0.1:4566');
  }
  const organization = readOrganizationSource(env);
  const targets = parseTargets(env[HANDLER_ENV.assumeRoleArns]);
  if (organization && targets.length > 0) {
    throw new InvalidInputError(
      HANDLER_ENV.assumeRoleArns,
      env[HANDLER_ENV.assumeRoleArns],
      `nothing when ${HANDLER_ENV.targetsFrom}=organization (the accounts come from AWS Organizations)`,
    );
  }
  const runBucket = nonEmpty(env[HANDLER_ENV.runBucket]);
  // S3 bucket names: 3-63 lower-case letters, digits, dots and hyphens (S3 User Guide, bucket naming rules).
  if (runBucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(runBucket)) {
    throw new InvalidInputError(HANDLER_ENV.runBucket, runBucket, 'an S3 bucket name');
  }
  if (runBucket !== undefined && !organization) {
    throw new InvalidInputError(
      HANDLER_ENV.runBucket,
      runBucket,
      `nothing unless ${HANDLER_ENV.targetsFrom}=organization`,
    );
  }
  return {
    stackSource,
    ...(runBucket ? { runBucket } : {}),
    ...(snsTopicArn ? { snsTopicArn } : {}),
    ...(stateParameter ? { stateParameter } : {}),
    reminderDays: wholeNumber(env, HANDLER_ENV.reminderDays, 7, 1, 365),
    targets,
    ...(organization ? { organization } : {}),
    checkConcurrency: wholeNumber(env, HANDLER_ENV.checkConcurrency, 4, 1, 32),
    targetConcurrency: wholeNumber(env, HANDLER_ENV.targetConcurrency, 2, 1, 16),
    checkTimeoutMs: wholeNumber(env, HANDLER_ENV.checkTimeoutSeconds, 60, 1, 900) * 1000,
    ...(endpoint ? { endpoint } : {}),
  };
}

/**
 * Parse `EKS_KIT_ASSUME_ROLE_ARNS`: role ARNs separated by commas, each optionally `@<region>`.
 *
 * @example
 * ```ts
 * parseTargets('arn:aws:iam::111111111111:role/eks-kit-checks, arn:aws:iam::222222222222:role/eks-kit-checks@eu-west-1');
 * // [{ roleArn: 'arn:aws:iam::111111111111:role/eks-kit-checks' },
 * //  { roleArn: 'arn:aws:iam::222222222222:role/eks-kit-checks', region: 'eu-west-1' }]
 * ```
 */
export function parseTargets(value: string | undefined): AssumeRoleTarget[] {
  const entries = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return entries.map((entry, index) => {
    const field = `${HANDLER_ENV.assumeRoleArns}[${index}]`;
    const at = entry.lastIndexOf('@');
    const roleArn = at > 0 ? entry.slice(0, at) : entry;
    const region = at > 0 ? validateRegion(entry.slice(at + 1), field) : undefined;
    validateServiceArn(
      roleArn,
      field,
      'iam',
      'an IAM role ARN such as arn:aws:iam::111111111111:role/eks-kit-checks',
    );
    if (!/:role\//.test(roleArn)) {
      throw new InvalidInputError(
        field,
        roleArn,
        'an IAM role ARN such as arn:aws:iam::111111111111:role/eks-kit-checks',
      );
    }
    return region ? { roleArn, region } : { roleArn };
  });
}

/**
 * Read the Organizations source: `EKS_KIT_TARGETS_FROM` is `roles` (default: `EKS_KIT_ASSUME_ROLE_ARNS`,
 * or the function's own account) or `organization`; the other `EKS_KIT_ORGANIZATION_*` settings are
 * refused without it. Throws `InvalidInputError` naming the variable.
 *
 * @example
 * ```ts
 * readOrganizationSource({ EKS_KIT_TARGETS_FROM: 'organization', EKS_KIT_ORGANIZATION_ROLE_NAME: 'eks-kit-checks', EKS_KIT_TARGET_REGIONS: 'eu-west-1,us-east-1' });
 * // { parentIds: [], roleName: 'eks-kit-checks', regions: ['eu-west-1', 'us-east-1'], assumeRolePerSecond: 10, secondsPerTarget: 30, batchConcurrency: 4 }
 * ```
 */
export function readOrganizationSource(
  env: Record<string, string | undefined>,
): OrganizationSource | undefined {
  const from = nonEmpty(env[HANDLER_ENV.targetsFrom]) ?? 'roles';
  if (from !== 'roles' && from !== 'organization') {
    throw new InvalidInputError(HANDLER_ENV.targetsFrom, from, 'roles (the default) or organization');
  }
  if (from === 'roles') {
    for (const key of [
      HANDLER_ENV.organizationUnits,
      HANDLER_ENV.organizationRoleName,
      HANDLER_ENV.targetRegions,
      HANDLER_ENV.assumeRoleRate,
      HANDLER_ENV.secondsPerTarget,
      HANDLER_ENV.batchConcurrency,
    ]) {
      const value = nonEmpty(env[key]);
      if (value !== undefined) {
        throw new InvalidInputError(key, value, `nothing unless ${HANDLER_ENV.targetsFrom}=organization`);
      }
    }
    return undefined;
  }
  const roleName = nonEmpty(env[HANDLER_ENV.organizationRoleName]);
  // IAM role names: 1-64 of letters, digits and + = , . @ _ - (IAM quotas, name requirements).
  if (!roleName || !/^[\w+=,.@-]{1,64}$/.test(roleName)) {
    throw new InvalidInputError(
      HANDLER_ENV.organizationRoleName,
      roleName,
      'the name of the role to assume in each account, such as eks-kit-checks',
    );
  }
  const list = (key: string): string[] =>
    (env[key] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const parentIds = list(HANDLER_ENV.organizationUnits).map((id, i) => {
    // Organizations id patterns: r-[0-9a-z]{4,32} (root), ou-[0-9a-z]{4,32}-[a-z0-9]{8,32} (OU).
    if (!/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/.test(id)) {
      throw new InvalidInputError(
        `${HANDLER_ENV.organizationUnits}[${i}]`,
        id,
        'an organizational unit id (ou-ab12-abcd1234) or a root id (r-ab12)',
      );
    }
    return id;
  });
  const regions = targetRegions(list(HANDLER_ENV.targetRegions), nonEmpty(env.AWS_REGION));
  return {
    parentIds: [...new Set(parentIds)],
    roleName,
    regions: [...new Set(regions)],
    assumeRolePerSecond: wholeNumber(env, HANDLER_ENV.assumeRoleRate, 10, 1, 100),
    secondsPerTarget: wholeNumber(env, HANDLER_ENV.secondsPerTarget, 30, 1, 900),
    ...(nonEmpty(env[HANDLER_ENV.secondsPerTarget]) !== undefined ? { secondsPerTargetSet: true } : {}),
    batchConcurrency: wholeNumber(env, HANDLER_ENV.batchConcurrency, 4, 1, 1000),
  };
}

/**
 * `EKS_KIT_TARGET_REGIONS`: known region names, all of the function's partition (that of `AWS_REGION`,
 * which Lambda sets; without it, that of the first listed region). The function's credentials are refused
 * by every region of another partition, so such a region would only fail each account's AssumeRole as a
 * "missing role" (issue 21 trial); refused here, before any call, as the CLI's `--regions` refuses another
 * partition's region than the cluster's (`validateDestroyRegions` in `@eks-kit/stack`, not imported here:
 * this file is loaded at a cold start).
 */
function targetRegions(names: readonly string[], functionRegion: string | undefined): string[] {
  const field = (i: number) => `${HANDLER_ENV.targetRegions}[${i}]`;
  const regions = names.map((r, i) => validateRegion(r, field(i)));
  const home = functionRegion ?? regions[0];
  if (home === undefined) return regions;
  const partition = partitionOfRegion(home);
  regions.forEach((region, i) => {
    if (partitionOfRegion(region) !== partition) {
      throw new InvalidInputError(
        field(i),
        region,
        `a region of the function's partition (${partition}${functionRegion ? `, AWS_REGION ${functionRegion}` : `, as ${home}`})`,
        {
          hint: "a function's credentials are refused in every region of another partition: deploy another function in that partition to check its accounts",
        },
      );
    }
  });
  return regions;
}

function validateServiceArn(value: string, field: string, service: string, expected: string): void {
  let parsed: Arn | undefined;
  try {
    parsed = parseArn(value, field);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.service !== service) throw new InvalidInputError(field, value, expected);
}

function validateParameterName(name: string, field: string = HANDLER_ENV.stackParameter): string {
  // SSM parameter names: letters, digits and . - _ /, up to 2,048 characters (SSM PutParameter reference).
  if (name.length > 2048 || !/^[A-Za-z0-9_.\-/]+$/.test(name)) {
    throw new InvalidInputError(field, name, 'an SSM parameter name such as /eks-kit/prod/stack');
  }
  return name;
}

function wholeNumber(
  env: Record<string, string | undefined>,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = nonEmpty(env[key]);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidInputError(key, raw, `a whole number from ${min} to ${max}`);
  }
  return n;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
