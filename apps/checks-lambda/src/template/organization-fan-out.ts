/**
 * What the deploy template adds when the checks take their targets from AWS Organizations: the
 * function's settings and permissions (Organizations reads, AssumeRole of one role name inside the
 * organisation only), and a Step Functions state machine that splits a run one invocation cannot finish
 * (plan, a Distributed Map over the batches, report), started by the schedule instead of the function.
 */
import { InvalidInputError, type Partition, partitionOfRegion } from '@eks-kit/core';
import { validateRoleName } from '@eks-kit/iam-policies';
import { validateDestroyRegions } from '@eks-kit/stack';
import { HANDLER_ENV } from '../config/handler-config.js';
import { STATE_OBJECT_KEY } from '../report/state-store.js';
import { MAP_RESULTS_PREFIX, RUNS_PREFIX } from '../run/run-store.js';

/** Organisation targets of {@link DeployTemplateOptions}. */
export interface OrganizationTemplateOptions {
  /** Role assumed in each account (deployed there beforehand, e.g. by a CloudFormation StackSet). */
  roleName: string;
  /** Roots or OUs to check (nested OUs included); default every account. */
  organizationalUnits?: string[];
  /** Regions checked in each account; default the stack's cluster region. */
  regions?: string[];
  /** Batches (invocations) in flight at once: the Distributed Map's MaxConcurrency (default 4). */
  batchConcurrency?: number;
  /**
   * Accounts checked at once inside one invocation (`EKS_KIT_TARGET_CONCURRENCY`, 1 to 16, default
   * {@link ORGANIZATION_TARGET_CONCURRENCY}): each account's reads count against that account's own
   * quotas, so this bounds the function's work, not a shared quota.
   */
  targetConcurrency?: number;
  /** AssumeRole calls a second for the whole run (default 10). */
  assumeRolePerSecond?: number;
  /**
   * Planning figure: seconds one target takes, 1-900. Unset (the default), the template writes no
   * `EKS_KIT_SECONDS_PER_TARGET` and the function plans each run from the time the previous run
   * measured (its p90 x 2), or 30 s before any run; set, it is written and always used.
   */
  secondsPerTarget?: number;
}

/** The organisation options with their defaults filled (`secondsPerTarget` stays unset unless given). */
export type ValidatedOrganizationOptions = Required<Omit<OrganizationTemplateOptions, 'secondsPerTarget'>> &
  Pick<OrganizationTemplateOptions, 'secondsPerTarget'>;

/**
 * Accounts an organisation run checks at once in one invocation, as the template deploys it: 16 (the
 * handler's maximum). The services' read quotas are each target account's own and the one shared quota,
 * STS AssumeRole in the function's account, has its own token bucket (`assumeRolePerSecond`)
 * (docs/AWS-FACTS.md#checks-over-an-aws-organisation, "Whose quota"). The handler's default without the
 * template stays 2 (a list of role ARNs may name one account several times).
 */
export const ORGANIZATION_TARGET_CONCURRENCY = 16;

/** Organizations list actions the function needs: none supports a narrower resource than `*` for ListAccounts. */
export const ORGANIZATIONS_READ_ACTIONS = [
  'organizations:ListAccounts',
  'organizations:ListAccountsForParent',
  'organizations:ListOrganizationalUnitsForParent',
] as const;

/** Retry of a Lambda task on Lambda's own transient errors (Step Functions best practice). */
const LAMBDA_RETRY = [
  {
    ErrorEquals: [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
    ],
    IntervalSeconds: 2,
    MaxAttempts: 3,
    BackoffRate: 2,
  },
];

/** `arn:<partition>:s3:::<run bucket>/<pattern>`, the bucket named by the template. */
function bucketObjects(pattern: string) {
  return { 'Fn::Sub': [`\${Arn}/${pattern}`, { Arn: { 'Fn::GetAtt': ['RunBucket', 'Arn'] } }] };
}

const invoke = (payload: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Step Functions / IAM substitution, not JavaScript
  Parameters: { FunctionName: '${FunctionArn}', Payload: payload },
  Retry: LAMBDA_RETRY,
});

/**
 * Validate the options and fill the defaults; throws `InvalidInputError` naming the field.
 *
 * @example
 * ```ts
 * validateOrganizationOptions({ roleName: 'eks-kit-checks' }).batchConcurrency; // 4
 * validateOrganizationOptions({ roleName: 'eks-kit-checks' }).targetConcurrency; // 16
 * ```
 */
export function validateOrganizationOptions(
  options: OrganizationTemplateOptions,
  /** The partition every region must be in (the stack's cluster's); absent: that of the first region. */
  partition?: Partition,
): ValidatedOrganizationOptions {
  validateRoleName(options.roleName, 'organization.roleName');
  const ous = options.organizationalUnits ?? [];
  ous.forEach((id, i) => {
    if (!/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/.test(id)) {
      throw new InvalidInputError(
        `organization.organizationalUnits[${i}]`,
        id,
        'an OU id (ou-ab12-abcd1234) or a root id (r-ab12)',
      );
    }
  });
  // Known names, all of the cluster's partition: the function's credentials are refused by every region of
  // another partition (the handler refuses such an EKS_KIT_TARGET_REGIONS too). The CLI's --regions rule,
  // refused when rendering, before any AWS call (issue 21 trial).
  const regions = validateDestroyRegions(
    options.regions ?? [],
    'organization.regions',
    partition ?? (options.regions?.[0] === undefined ? undefined : partitionOfRegion(options.regions[0])),
  );
  const whole = (field: string, value: number | undefined, fallback: number, max: number): number => {
    const n = value ?? fallback;
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new InvalidInputError(`organization.${field}`, String(n), `a whole number from 1 to ${max}`);
    }
    return n;
  };
  return {
    roleName: options.roleName,
    organizationalUnits: ous,
    regions,
    // Distributed Map runs at most 10,000 child executions at once (Step Functions quotas).
    batchConcurrency: whole('batchConcurrency', options.batchConcurrency, 4, 1000),
    // The handler accepts 1 to 16 (EKS_KIT_TARGET_CONCURRENCY).
    targetConcurrency: whole(
      'targetConcurrency',
      options.targetConcurrency,
      ORGANIZATION_TARGET_CONCURRENCY,
      16,
    ),
    assumeRolePerSecond: whole('assumeRolePerSecond', options.assumeRolePerSecond, 10, 100),
    ...(options.secondsPerTarget !== undefined
      ? { secondsPerTarget: whole('secondsPerTarget', options.secondsPerTarget, 30, 900) }
      : {}),
  };
}

/**
 * The function's environment for organisation targets (the variables `readHandlerConfig` reads).
 *
 * @example
 * ```ts
 * organizationEnvironment(validateOrganizationOptions({ roleName: 'eks-kit-checks' })).EKS_KIT_TARGETS_FROM; // 'organization'
 * ```
 */
export function organizationEnvironment(o: ValidatedOrganizationOptions): Record<string, unknown> {
  return {
    [HANDLER_ENV.targetsFrom]: 'organization',
    [HANDLER_ENV.runBucket]: { Ref: 'RunBucket' },
    [HANDLER_ENV.organizationRoleName]: o.roleName,
    ...(o.organizationalUnits.length > 0
      ? { [HANDLER_ENV.organizationUnits]: o.organizationalUnits.join(',') }
      : {}),
    ...(o.regions.length > 0 ? { [HANDLER_ENV.targetRegions]: o.regions.join(',') } : {}),
    [HANDLER_ENV.batchConcurrency]: String(o.batchConcurrency),
    [HANDLER_ENV.targetConcurrency]: String(o.targetConcurrency),
    [HANDLER_ENV.assumeRoleRate]: String(o.assumeRolePerSecond),
    // Only when given: otherwise the function plans from the last run's measured time a target.
    ...(o.secondsPerTarget !== undefined
      ? { [HANDLER_ENV.secondsPerTarget]: String(o.secondsPerTarget) }
      : {}),
  };
}

/**
 * The function's runtime statements for organisation targets: list the organisation (read only), and
 * assume the one role name in accounts of this organisation only (`aws:ResourceOrgID` equals the
 * caller's `aws:PrincipalOrgID`), never any role anywhere.
 *
 * @example
 * ```ts
 * organizationStatements(validateOrganizationOptions({ roleName: 'eks-kit-checks' })).length; // 2
 * ```
 */
export function organizationStatements(o: ValidatedOrganizationOptions): unknown[] {
  return [
    {
      Sid: 'ListOrganizationAccounts',
      Effect: 'Allow',
      Action: [...ORGANIZATIONS_READ_ACTIONS],
      Resource: '*',
    },
    {
      Sid: 'AssumeCheckRoleInOrganization',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${o.roleName}` },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Step Functions / IAM substitution, not JavaScript
      Condition: { StringEquals: { 'aws:ResourceOrgID': '${aws:PrincipalOrgID}' } },
    },
  ];
}

/**
 * Name of the state machine (and of its role): the function's name with `-run`.
 *
 * @example
 * ```ts
 * stateMachineName('eks-kit-checks-prod'); // 'eks-kit-checks-prod-run'
 * ```
 */
export const stateMachineName = (functionName: string): string => `${functionName}-run`;

/** Longest a run may take before its execution times out (and `ExecutionsTimedOut` alarms). */
export const RUN_TIMEOUT_SECONDS = 12 * 3600;

/**
 * The Amazon States Language definition. `Plan` invokes the function with `{ "phase": "plan", "runId" }`
 * (the execution's name): it writes the batches to the run bucket and answers where. `CheckBatches` is
 * a Distributed Map whose S3 `ItemReader` reads that JSON array (one child execution per batch, at most
 * `batchConcurrency` at once), each child invoking the function with `{ "phase": "batch", "targets",
 * "runId", "index" }`; each batch writes its results to the bucket and answers its key and counts; the
 * map's `ResultWriter` writes those answers to `runs/sfn-results/` so that the map's own output is one
 * pointer whatever the number of batches. The map tolerates failed batches (and a failure of the map
 * itself goes on to `Report` too), so the report always runs. `Report` invokes `{ "phase": "report",
 * "runId", "batchCount" }`: it lists and reads the results from the bucket, and a batch without results
 * is a `checks.batches` failure; then `CheckReport` fails the execution (`BatchesMissing`) when
 * `missingBatches` is above 0, after the notice and the metrics. No state's input or output grows with the number of
 * targets (Step Functions: 256 KiB at most), nor a task's raw result: the report answers counts only. `${FunctionArn}` and `${RunBucket}` are
 * DefinitionSubstitutions keys.
 *
 * @example
 * ```ts
 * fanOutDefinition(4).States.CheckBatches.MaxConcurrency; // 4
 * ```
 */
export function fanOutDefinition(batchConcurrency: number) {
  return {
    Comment: 'eks-kit checks over an organisation: plan, check the batches side by side, report',
    StartAt: 'Plan',
    TimeoutSeconds: RUN_TIMEOUT_SECONDS,
    States: {
      Plan: {
        ...invoke({ phase: 'plan', 'runId.$': '$$.Execution.Name' }),
        ResultSelector: {
          'runId.$': '$.Payload.runId',
          'bucket.$': '$.Payload.bucket',
          'batchesKey.$': '$.Payload.batchesKey',
          'batchCount.$': '$.Payload.batchCount',
          'message.$': '$.Payload.message',
        },
        ResultPath: '$.plan',
        Next: 'CheckBatches',
      },
      CheckBatches: {
        Type: 'Map',
        // The plan's batches, read from S3 (a JSON array: one item per child execution).
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { 'Bucket.$': '$.plan.bucket', 'Key.$': '$.plan.batchesKey' },
        },
        ItemSelector: {
          'targets.$': '$$.Map.Item.Value.targets',
          'index.$': '$$.Map.Item.Index',
          'runId.$': '$.plan.runId',
        },
        MaxConcurrency: batchConcurrency,
        // A failed batch (an invocation that threw or timed out) must not stop the run: at 100 the Map Run
        // does not fail even when every child fails, so Report always runs and names the batches that
        // wrote no results (`checks.batches`); at 0 one failed child failed the Map and Report never ran
        // (Step Functions Developer Guide, "Tolerated failure threshold for Distributed Map state", read
        // 2026-12-07; docs/AWS-FACTS.md#checks-over-an-aws-organisation, "A failed batch").
        ToleratedFailurePercentage: 100,
        // The map itself failing (its ItemReader or ResultWriter) goes on to Report too: no batch result
        // is then a `checks.batches` failure for every batch.
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.batchesError', Next: 'Report' }],
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'CheckBatch',
          States: {
            CheckBatch: {
              ...invoke({
                phase: 'batch',
                'targets.$': '$.targets',
                'index.$': '$.index',
                'runId.$': '$.runId',
              }),
              ResultSelector: { 'resultsKey.$': '$.Payload.resultsKey', 'counts.$': '$.Payload.counts' },
              End: true,
            },
          },
        },
        // The children's answers go to S3 too: the map's output is a pointer (ResultWriterDetails).
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a DefinitionSubstitutions key, not JavaScript
          Parameters: { Bucket: '${RunBucket}', Prefix: MAP_RESULTS_PREFIX },
        },
        ResultPath: '$.batches',
        Next: 'Report',
      },
      Report: {
        // The function answers counts only (reportAnswer): Step Functions holds the task's raw result, the
        // whole Payload before this ResultSelector, to 256 KiB, and fails the execution over it with
        // States.DataLimitExceeded, which no Catch on States.ALL catches (Step Functions Developer Guide,
        // "Step Functions service quotas" and "Handling errors", read 2026-12-07;
        // docs/AWS-FACTS.md#checks-over-an-aws-organisation, "A task's raw result").
        ...invoke({ phase: 'report', 'runId.$': '$.plan.runId', 'batchCount.$': '$.plan.batchCount' }),
        ResultSelector: {
          'status.$': '$.Payload.status',
          'counts.$': '$.Payload.counts',
          'missingBatches.$': '$.Payload.missingBatches',
        },
        ResultPath: '$.report',
        Next: 'CheckReport',
      },
      // The report has run (findings logged, notice sent, metrics, state kept); a run with batches
      // missing still fails its execution, so the ExecutionsFailed alarm fires as before.
      CheckReport: {
        Type: 'Choice',
        Choices: [{ Variable: '$.report.missingBatches', NumericGreaterThan: 0, Next: 'BatchesMissing' }],
        Default: 'Done',
      },
      BatchesMissing: {
        Type: 'Fail',
        Error: 'BatchesMissing',
        Cause:
          "Batches of this run wrote no results (the report's checks.batches finding names how many): read the failed child executions of CheckBatches and the function's log group",
      },
      Done: { Type: 'Succeed' },
    },
  };
}

/**
 * The state machine's role: invoke this function, and run this state machine's own Distributed Map
 * children (StartExecution on itself, Describe/StopExecution on its executions), as the Step Functions
 * guide lists for Distributed Map. ARNs are built from the name (no cycle between role and machine).
 *
 * @example
 * ```ts
 * stateMachineRole('eks-kit-checks-prod', []).Properties.RoleName; // 'eks-kit-checks-prod-run'
 * ```
 */
export function stateMachineRole(functionName: string, tags: Array<{ Key: string; Value: string }>) {
  const name = stateMachineName(functionName);
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: name,
      Description: `Runs the eks-kit checks ${functionName} over an organisation (Step Functions)`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      Policies: [
        {
          PolicyName: 'eks-kit-checks-fan-out',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'InvokeChecks',
                Effect: 'Allow',
                Action: 'lambda:InvokeFunction',
                Resource: [
                  { 'Fn::GetAtt': ['ChecksFunction', 'Arn'] },
                  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Step Functions / IAM substitution, not JavaScript
                  { 'Fn::Sub': ['${Arn}:*', { Arn: { 'Fn::GetAtt': ['ChecksFunction', 'Arn'] } }] },
                ],
              },
              {
                Sid: 'RunDistributedMap',
                Effect: 'Allow',
                Action: 'states:StartExecution',
                Resource: {
                  'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:${name}`,
                },
              },
              {
                // The guide's resource is this machine's executions (`execution:<name>:*`); the map's
                // child executions are named `execution:<name>/<map run>:<id>` (docs/AWS-FACTS.md#validating-the-state-machine-without-aws).
                Sid: 'WatchDistributedMap',
                Effect: 'Allow',
                Action: ['states:DescribeExecution', 'states:StopExecution'],
                Resource: [
                  {
                    'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${name}:*`,
                  },
                  {
                    'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${name}/*`,
                  },
                ],
              },
              {
                // ItemReader: the plan's batches (s3:GetObject on the object, Step Functions guide).
                Sid: 'ReadBatches',
                Effect: 'Allow',
                Action: 's3:GetObject',
                Resource: bucketObjects(`${RUNS_PREFIX}*/batches.json`),
              },
              {
                // ResultWriter: the children's answers, possibly as a multipart upload (Step Functions
                // guide, "IAM policies for ResultWriter").
                Sid: 'WriteMapResults',
                Effect: 'Allow',
                Action: [
                  's3:PutObject',
                  's3:GetObject',
                  's3:ListMultipartUploadParts',
                  's3:AbortMultipartUpload',
                ],
                Resource: bucketObjects(`${MAP_RESULTS_PREFIX}/*`),
              },
            ],
          },
        },
      ],
      Tags: tags,
    },
  };
}

/**
 * The function's run-bucket statements: the plan's batches and the batch results (read and write under
 * `runs/`), the state object (read and write), and listing `runs/` only (the report lists a run's results).
 *
 * @example
 * ```ts
 * runBucketStatements().map((s) => s.Sid); // ['RunObjects', 'ListRunResults']
 * ```
 */
export function runBucketStatements() {
  return [
    {
      Sid: 'RunObjects',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: [bucketObjects(`${RUNS_PREFIX}*`), bucketObjects(STATE_OBJECT_KEY)],
    },
    {
      Sid: 'ListRunResults',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: { 'Fn::GetAtt': ['RunBucket', 'Arn'] },
      Condition: { StringLike: { 's3:prefix': [`${RUNS_PREFIX}*`] } },
    },
  ];
}

/** Days a run's objects (batches, results, the map's result files) are kept. */
export const RUN_OBJECTS_EXPIRE_DAYS = 14;

/**
 * The run bucket: encrypted at rest (SSE-S3), every public access blocked, objects owned by the
 * bucket owner (ACLs off), a lifecycle rule that expires `runs/` after {@link RUN_OBJECTS_EXPIRE_DAYS}
 * days and aborts multipart uploads left after a day; kept when the stack is deleted (it holds the state).
 *
 * @example
 * ```ts
 * runBucket({}).Properties.PublicAccessBlockConfiguration.BlockPublicPolicy; // true
 * ```
 */
export function runBucket(tags: Record<string, string>) {
  return {
    Type: 'AWS::S3::Bucket',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'expire-runs',
            Status: 'Enabled',
            Prefix: RUNS_PREFIX,
            ExpirationInDays: RUN_OBJECTS_EXPIRE_DAYS,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          },
        ],
      },
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    },
  };
}

/**
 * The run bucket's policy: refuse any request not sent over TLS (`aws:SecureTransport` false), to the
 * bucket and its objects.
 *
 * @example
 * ```ts
 * runBucketPolicy().Properties.PolicyDocument.Statement[0].Effect; // 'Deny'
 * ```
 */
export function runBucketPolicy() {
  const arn = { 'Fn::GetAtt': ['RunBucket', 'Arn'] };
  return {
    Type: 'AWS::S3::BucketPolicy',
    Properties: {
      Bucket: { Ref: 'RunBucket' },
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [arn, bucketObjects('*')],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    },
  };
}

/** The Step Functions metrics of a run that did not complete, each with its own alarm. */
export const STATE_MACHINE_ALARM_METRICS = [
  'ExecutionsFailed',
  'ExecutionsTimedOut',
  'ExecutionsAborted',
] as const;

/**
 * The alarms on the state machine's runs that did not complete (`AWS/States` ExecutionsFailed,
 * ExecutionsTimedOut, ExecutionsAborted, dimension `StateMachineArn`), routed like the function's
 * alarms (`alarmActions`).
 *
 * @example
 * ```ts
 * Object.keys(stateMachineAlarms('eks-kit-checks-prod', 'prod', [])); // ['RunFailedAlarm', 'RunTimedOutAlarm', 'RunAbortedAlarm']
 * ```
 */
export function stateMachineAlarms(functionName: string, stackName: string, alarmActions: unknown) {
  const what: Record<(typeof STATE_MACHINE_ALARM_METRICS)[number], [string, string, string]> = {
    ExecutionsFailed: [
      'RunFailedAlarm',
      'failed',
      'the plan or the report failed, or batches wrote no results: BatchesMissing, after the report',
    ],
    ExecutionsTimedOut: [
      'RunTimedOutAlarm',
      'timed-out',
      `it ran longer than ${RUN_TIMEOUT_SECONDS / 3600} h`,
    ],
    ExecutionsAborted: ['RunAbortedAlarm', 'aborted', 'someone stopped it'],
  };
  const out: Record<string, { Type: string; Properties: Record<string, unknown> }> = {};
  for (const metric of STATE_MACHINE_ALARM_METRICS) {
    const [id, suffix, why] = what[metric];
    out[id] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${functionName}-run-${suffix}`,
        AlarmDescription: `eks-kit checks of stack ${stackName}: a run over the organisation ${suffix === 'timed-out' ? 'timed out' : suffix} (${why}): read the execution of state machine ${stateMachineName(functionName)} and run eks-kit check --checker`,
        Namespace: 'AWS/States',
        MetricName: metric,
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'ChecksStateMachine' } }],
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: alarmActions,
      },
    };
  }
  return out;
}

/**
 * The state machine resource, started by the schedule (the function keeps no schedule of its own).
 *
 * @example
 * ```ts
 * stateMachine('eks-kit-checks-prod', 'eks-kit-checks-prod', 'prod', 4, {}).Properties.Name; // 'eks-kit-checks-prod-run'
 * ```
 */
export function stateMachine(
  functionName: string,
  scheduleName: string,
  stackName: string,
  batchConcurrency: number,
  tags: Record<string, string>,
) {
  return {
    Type: 'AWS::Serverless::StateMachine',
    Properties: {
      Name: stateMachineName(functionName),
      Type: 'STANDARD',
      Definition: fanOutDefinition(batchConcurrency),
      DefinitionSubstitutions: {
        FunctionArn: { 'Fn::GetAtt': ['ChecksFunction', 'Arn'] },
        RunBucket: { Ref: 'RunBucket' },
      },
      Role: { 'Fn::GetAtt': ['ChecksStateMachineRole', 'Arn'] },
      Events: {
        Schedule: {
          Type: 'ScheduleV2',
          Properties: {
            Name: scheduleName,
            State: 'ENABLED',
            ScheduleExpression: { Ref: 'ScheduleExpression' },
            Description: `eks-kit checks of stack ${stackName} over the organisation`,
            RetryPolicy: { MaximumRetryAttempts: 0 },
          },
        },
      },
      Tags: tags,
    },
  };
}
