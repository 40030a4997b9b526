/**
 * What the deploy template adds when the checks take their targets from AWS Organizations: the
 * function's settings and permissions (Organizations reads, AssumeRole of one role name inside the
 * organisation only), and a Step Functions state machine that splits a run one invocation cannot finish
 * (plan, a Distributed Map over the batches, report), started by the schedule instead of the function.
 */
import { InvalidInputError, validateRegion } from '@eks-kit/core';
import { validateRoleName } from '@eks-kit/iam-policies';
import { HANDLER_ENV } from '../config/handler-config.js';

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
  /** AssumeRole calls a second for the whole run (default 10). */
  assumeRolePerSecond?: number;
  /** Planning figure: seconds one target takes (default 30). */
  secondsPerTarget?: number;
}

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
 * ```
 */
export function validateOrganizationOptions(
  options: OrganizationTemplateOptions,
): Required<OrganizationTemplateOptions> {
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
  const regions = (options.regions ?? []).map((r, i) => validateRegion(r, `organization.regions[${i}]`));
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
    assumeRolePerSecond: whole('assumeRolePerSecond', options.assumeRolePerSecond, 10, 100),
    secondsPerTarget: whole('secondsPerTarget', options.secondsPerTarget, 30, 900),
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
export function organizationEnvironment(o: Required<OrganizationTemplateOptions>): Record<string, string> {
  return {
    [HANDLER_ENV.targetsFrom]: 'organization',
    [HANDLER_ENV.organizationRoleName]: o.roleName,
    ...(o.organizationalUnits.length > 0
      ? { [HANDLER_ENV.organizationUnits]: o.organizationalUnits.join(',') }
      : {}),
    ...(o.regions.length > 0 ? { [HANDLER_ENV.targetRegions]: o.regions.join(',') } : {}),
    [HANDLER_ENV.batchConcurrency]: String(o.batchConcurrency),
    [HANDLER_ENV.assumeRoleRate]: String(o.assumeRolePerSecond),
    [HANDLER_ENV.secondsPerTarget]: String(o.secondsPerTarget),
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
export function organizationStatements(o: Required<OrganizationTemplateOptions>): unknown[] {
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

/**
 * The Amazon States Language definition: `Plan` (the function with `{ "phase": "plan" }`), `CheckBatches`
 * (a Distributed Map over the plan's batches, each child invoking the function with
 * `{ "phase": "batch", "targets": [...] }`, at most `batchConcurrency` at once), `Report`
 * (`{ "phase": "report", "batches": [...] }`). `${FunctionArn}` is a DefinitionSubstitutions key.
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
    States: {
      Plan: {
        ...invoke({ phase: 'plan' }),
        ResultSelector: { 'batches.$': '$.Payload.batches', 'message.$': '$.Payload.message' },
        ResultPath: '$.plan',
        Next: 'CheckBatches',
      },
      CheckBatches: {
        Type: 'Map',
        ItemsPath: '$.plan.batches',
        MaxConcurrency: batchConcurrency,
        // Any batch that fails fails the run (the Errors alarm and the execution's failure say so).
        ToleratedFailurePercentage: 0,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'CheckBatch',
          States: {
            CheckBatch: {
              ...invoke({ phase: 'batch', 'targets.$': '$.targets' }),
              ResultSelector: { 'results.$': '$.Payload.results' },
              End: true,
            },
          },
        },
        ResultPath: '$.batches',
        Next: 'Report',
      },
      Report: {
        ...invoke({ phase: 'report', 'batches.$': '$.batches' }),
        ResultSelector: { 'status.$': '$.Payload.status', 'counts.$': '$.Payload.counts' },
        End: true,
      },
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
                Sid: 'WatchDistributedMap',
                Effect: 'Allow',
                Action: ['states:DescribeExecution', 'states:StopExecution'],
                Resource: {
                  'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${name}/*`,
                },
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
      DefinitionSubstitutions: { FunctionArn: { 'Fn::GetAtt': ['ChecksFunction', 'Arn'] } },
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
