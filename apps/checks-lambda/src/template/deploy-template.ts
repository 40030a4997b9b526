/**
 * The AWS SAM template that deploys the checks: function, daily schedule, read-only role, log group
 * with retention, alarms on failures and on a missing run (heartbeat), the parameter keeping the
 * previous run's failures, optional SNS topic. CloudFormation intrinsics are written in
 * their JSON form (`Fn::If`, `Ref`, `Fn::GetAtt`, `Fn::Sub`) so any YAML parser reads the template
 * back without custom `!Ref` tags.
 */
import {
  InvalidInputError,
  MANAGED_BY_TAG_KEY,
  partitionOfRegion,
  STACK_TAG_KEY,
  validateAccountId,
} from '@eks-kit/core';
import { servicePrincipalTrustPolicy, validateRoleName } from '@eks-kit/iam-policies';
import type { Stack } from '@eks-kit/stack';
import {
  type CheckerNames,
  checkerNames,
  DEFAULT_SCHEDULE,
  HEARTBEAT_MARGIN_HOURS,
  HEARTBEAT_MAX_HOURS,
  heartbeatHoursFor,
  stackDigest,
} from '@eks-kit/stack';
import { stringify } from 'yaml';
import { HANDLER_ENV } from '../config/handler-config.js';
import { checksExecutionPolicy } from '../policy/checks-execution-policy.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, METRIC_NAMES } from '../report/publish-metrics.js';
import {
  type OrganizationTemplateOptions,
  organizationEnvironment,
  organizationStatements,
  runBucket,
  runBucketPolicy,
  runBucketStatements,
  stateMachine,
  stateMachineAlarms,
  stateMachineName,
  stateMachineRole,
  type ValidatedOrganizationOptions,
  validateOrganizationOptions,
} from './organization-fan-out.js';

/** Options of {@link checksDeployTemplate}. */
export interface DeployTemplateOptions {
  /** Account the checks read (scopes the policy's ARNs); default any (`*`). */
  accountId?: string;
  /** Lambda function name (default `eks-kit-checks-<stack>`). */
  functionName?: string;
  /** Where the bundle is, relative to the template (default `dist`, holding `index.mjs`). */
  codeUri?: string;
  /** Keep the stack in this SSM parameter instead of the environment (forced when the stack is too big). */
  stackParameterName?: string;
  /** Roles to assume to check other accounts (`EKS_KIT_ASSUME_ROLE_ARNS`). */
  assumeRoleArns?: string[];
  /** The schedule (default `rate(1 day)`): the `ScheduleExpression` default and the heartbeat window. */
  schedule?: string;
  /** Hours without a completed run before the heartbeat alarm fires (default: the schedule's period + 2 h). */
  heartbeatHours?: number;
  /**
   * Take the targets from AWS Organizations (instead of `assumeRoleArns`): the function may list the
   * organisation and assume `roleName` in its accounts, and the schedule starts a state machine that
   * splits a run one invocation cannot finish (Step Functions Distributed Map).
   */
  organization?: OrganizationTemplateOptions;
}

/** One CloudFormation resource. */
export interface TemplateResource {
  Type: string;
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties: Record<string, unknown>;
}

// The checker's names and schedule rules live in @eks-kit/stack (the CLI verifies them too).
export { type CheckerNames, checkerNames, DEFAULT_SCHEDULE, HEARTBEAT_MARGIN_HOURS, heartbeatHoursFor };

/** The SAM template, as plain data. */
export interface SamTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Transform: 'AWS::Serverless-2016-10-31';
  Description: string;
  Parameters: Record<string, Record<string, unknown>>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
  Outputs: Record<string, { Value: unknown }>;
}

/** Handler of the bundle `dist/index.mjs`: file `index`, export `handler`. */
export const LAMBDA_HANDLER = 'index.handler';
/** Lambda runtime and architecture of the function. */
export const LAMBDA_RUNTIME = 'nodejs22.x';
export const LAMBDA_ARCHITECTURE = 'arm64';
/** Name of the role's inline policy that equals {@link checksExecutionPolicy}. */
export const READ_POLICY_NAME = 'eks-kit-checks-read';
/** Name of the role's inline policy for logs, the SNS notice, assumed roles and the stack parameter. */
export const RUNTIME_POLICY_NAME = 'eks-kit-checks-runtime';

/**
 * Lambda allows 4 KB for all environment variables together (Lambda quotas); above this the stack
 * goes into an SSM parameter. 3,584 before issue 21, less the 84 bytes of `EKS_KIT_STACK_SHA256`.
 */
const INLINE_STACK_MAX_BYTES = 3_500;
/** CloudWatch Logs retention values (PutRetentionPolicy). */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const ref = (name: string) => ({ Ref: name });
const noValue = { Ref: 'AWS::NoValue' };
/** The alert topic: used only under the `HasTopic` condition (an existing topic, else the one created). */
const topicArn = { 'Fn::If': ['HasExistingTopic', ref('AlertTopicArn'), ref('AlertTopic')] };

/** The template's options, validated, and what follows from them. */
interface TemplateSettings {
  accountId: string | undefined;
  names: CheckerNames;
  functionName: string;
  schedule: string;
  heartbeatHours: number;
  assumeRoleArns: string[];
  organization: ValidatedOrganizationOptions | undefined;
  /** The stack as JSON: in the environment, or in the SSM parameter {@link parameterName}. */
  stackJson: string;
  parameterName: string | undefined;
  /** {@link parameterName} without its leading slash, for the parameter's ARN. */
  parameterPath: string | undefined;
  tags: Record<string, string>;
}

/** Validate the options (the first invalid one throws `InvalidInputError`) and derive the names. */
function templateSettings(stack: Stack, options: DeployTemplateOptions): TemplateSettings {
  const accountId =
    options.accountId === undefined ? undefined : validateAccountId(options.accountId, 'accountId');
  const names = checkerNames(stack.name, options.functionName);
  const functionName = names.functionName;
  // The role is named after the function: the same 64-character rule applies.
  validateRoleName(functionName, 'functionName');
  const schedule = options.schedule ?? DEFAULT_SCHEDULE;
  const heartbeatHours = options.heartbeatHours ?? heartbeatHoursFor(schedule);
  if (!Number.isInteger(heartbeatHours) || heartbeatHours < 2 || heartbeatHours > HEARTBEAT_MAX_HOURS) {
    throw new InvalidInputError(
      'heartbeatHours',
      String(heartbeatHours),
      `a whole number of hours from 2 to ${HEARTBEAT_MAX_HOURS}`,
    );
  }
  const assumeRoleArns = options.assumeRoleArns ?? [];
  assumeRoleArns.forEach((arn, i) => {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn))
      throw new InvalidInputError(
        `assumeRoleArns[${i}]`,
        arn,
        'an IAM role ARN such as arn:aws:iam::111111111111:role/eks-kit-checks',
      );
  });
  const organization = options.organization
    ? validateOrganizationOptions(options.organization, partitionOfRegion(stack.cluster.region))
    : undefined;
  if (organization) validateRoleName(stateMachineName(functionName), 'functionName');
  if (organization && assumeRoleArns.length > 0) {
    throw new InvalidInputError(
      'assumeRoleArns',
      assumeRoleArns.join(','),
      'nothing when organization is given',
    );
  }
  const stackJson = JSON.stringify(stack);
  const parameterName =
    options.stackParameterName ??
    (Buffer.byteLength(stackJson) > INLINE_STACK_MAX_BYTES ? `/eks-kit/${stack.name}/stack` : undefined);
  if (parameterName !== undefined && !/^\/?[A-Za-z0-9_.\-/]{1,1011}$/.test(parameterName)) {
    throw new InvalidInputError(
      'stackParameterName',
      parameterName,
      'an SSM parameter name such as /eks-kit/prod/stack',
    );
  }
  const parameterPath = parameterName?.replace(/^\//, '');
  // eks-kit:managed-by: CloudFormation deletes these, not the stack's destroy or apply --prune (core).
  const tags = { [STACK_TAG_KEY]: stack.name, [MANAGED_BY_TAG_KEY]: 'cloudformation' };
  return {
    accountId,
    names,
    functionName,
    schedule,
    heartbeatHours,
    assumeRoleArns,
    organization,
    stackJson,
    parameterName,
    parameterPath,
    tags,
  };
}

/** The statements of the role's runtime policy ({@link RUNTIME_POLICY_NAME}). */
function runtimeStatementsOf(settings: TemplateSettings): unknown[] {
  const { names, assumeRoleArns, organization, parameterPath } = settings;
  const runtimeStatements: unknown[] = [
    {
      Sid: 'Logs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': ['ChecksLogGroup', 'Arn'] },
    },
    {
      'Fn::If': [
        'HasTopic',
        { Sid: 'FailureNotice', Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn },
        noValue,
      ],
    },
  ];
  runtimeStatements.push({
    // The previous run's failures (alert on change): this one parameter, read and rewritten.
    Sid: 'CheckState',
    Effect: 'Allow',
    Action: ['ssm:GetParameter', 'ssm:PutParameter'],
    Resource: {
      'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${names.stateParameter.replace(/^\//, '')}`,
    },
  });
  if (assumeRoleArns.length > 0) {
    runtimeStatements.push({
      Sid: 'AssumeCheckRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: [...assumeRoleArns].sort(),
    });
  }
  if (organization) runtimeStatements.push(...organizationStatements(organization), ...runBucketStatements());
  if (parameterPath !== undefined) {
    runtimeStatements.push({
      Sid: 'StackParameter',
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: {
        'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${parameterPath}`,
      },
    });
  }
  return runtimeStatements;
}

/** The function's environment variables (read by the handler, `readHandlerConfig`). */
function functionEnvironment(settings: TemplateSettings): Record<string, unknown> {
  const { stackJson, parameterName, assumeRoleArns, organization } = settings;
  return {
    ...(parameterName === undefined
      ? { [HANDLER_ENV.stack]: stackJson }
      : { [HANDLER_ENV.stackParameter]: parameterName }),
    // The JSON validated here: the function reads it without loading its validator (load-stack.ts).
    [HANDLER_ENV.stackDigest]: stackDigest(stackJson),
    [HANDLER_ENV.snsTopicArn]: { 'Fn::If': ['HasTopic', topicArn, noValue] },
    [HANDLER_ENV.stateParameter]: ref('CheckStateParameter'),
    [HANDLER_ENV.reminderDays]: ref('ReminderDays'),
    ...(assumeRoleArns.length > 0 ? { [HANDLER_ENV.assumeRoleArns]: assumeRoleArns.join(',') } : {}),
    ...(organization ? organizationEnvironment(organization) : {}),
    POWERTOOLS_SERVICE_NAME: DEFAULT_SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: DEFAULT_METRICS_NAMESPACE,
  };
}

/** The template's resources: log group, role, function, alarms, state parameter, topic, and the optional ones. */
function templateResources(
  stack: Stack,
  options: DeployTemplateOptions,
  settings: TemplateSettings,
): Record<string, TemplateResource> {
  const { accountId, names, functionName, heartbeatHours, organization, stackJson, parameterName, tags } =
    settings;
  const runtimeStatements = runtimeStatementsOf(settings);
  const environment = functionEnvironment(settings);
  const resources: Record<string, TemplateResource> = {
    ChecksLogGroup: {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: `/aws/lambda/${functionName}`, RetentionInDays: ref('LogRetentionDays') },
    },
    ChecksRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: functionName,
        Description: `Read-only role of the eks-kit checks of stack ${stack.name}`,
        AssumeRolePolicyDocument: servicePrincipalTrustPolicy('lambda.amazonaws.com'),
        Policies: [
          {
            PolicyName: READ_POLICY_NAME,
            PolicyDocument: checksExecutionPolicy(stack, accountId ? { accountId } : {}),
          },
          {
            PolicyName: RUNTIME_POLICY_NAME,
            PolicyDocument: { Version: '2012-10-17', Statement: runtimeStatements },
          },
        ],
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      },
    },
    ChecksFunction: {
      Type: 'AWS::Serverless::Function',
      Properties: {
        FunctionName: functionName,
        Description: `eks-kit scheduled checks of stack ${stack.name}`,
        CodeUri: options.codeUri ?? 'dist',
        Handler: LAMBDA_HANDLER,
        Runtime: LAMBDA_RUNTIME,
        Architectures: [LAMBDA_ARCHITECTURE],
        MemorySize: 512,
        // Lambda's longest: a batch of an organisation's run is sized to finish inside it.
        Timeout: organization ? 900 : 300,
        Role: { 'Fn::GetAtt': ['ChecksRole', 'Arn'] },
        LoggingConfig: { LogGroup: ref('ChecksLogGroup') },
        Environment: { Variables: environment },
        // With organisation targets the schedule starts the state machine instead.
        Events: organization
          ? {}
          : {
              Schedule: {
                Type: 'ScheduleV2',
                Properties: {
                  // Named after the function so that `eks-kit check --checker` finds it.
                  Name: names.scheduleName,
                  State: 'ENABLED',
                  ScheduleExpression: ref('ScheduleExpression'),
                  Description: `eks-kit checks of stack ${stack.name}`,
                  // A missed day is reported the next day; no retries that would double alerts.
                  RetryPolicy: { MaximumRetryAttempts: 0 },
                },
              },
            },
        Tags: tags,
      },
    },
    FailuresAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${functionName}-failures`,
        AlarmDescription: `eks-kit checks of stack ${stack.name} found failures: read the function's log group`,
        Namespace: DEFAULT_METRICS_NAMESPACE,
        MetricName: METRIC_NAMES.failures,
        // The dimensions Powertools writes: its default `service` plus the handler's `stack`.
        Dimensions: [
          { Name: 'service', Value: DEFAULT_SERVICE_NAME },
          { Name: 'stack', Value: stack.name },
        ],
        Statistic: 'Maximum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: { 'Fn::If': ['HasTopic', [topicArn], noValue] },
      },
    },
    HeartbeatAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${functionName}-heartbeat`,
        AlarmDescription: `eks-kit checks of stack ${stack.name} completed no run in the last ${heartbeatHours} hours (schedule disabled or deleted, deploy broken, or its role changed): run eks-kit check --checker`,
        Namespace: DEFAULT_METRICS_NAMESPACE,
        MetricName: METRIC_NAMES.runCompleted,
        Dimensions: [
          { Name: 'service', Value: DEFAULT_SERVICE_NAME },
          { Name: 'stack', Value: stack.name },
        ],
        Statistic: 'Sum',
        // Hourly periods over the schedule's period plus a margin; an hour without a run is missing
        // data, counted as breaching: the alarm fires only when every hour of the window had no run.
        Period: 3600,
        EvaluationPeriods: ref('HeartbeatHours'),
        DatapointsToAlarm: ref('HeartbeatHours'),
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: { 'Fn::If': ['HasTopic', [topicArn], noValue] },
        OKActions: { 'Fn::If': ['HasTopic', [topicArn], noValue] },
      },
    },
    CheckStateParameter: {
      // The previous run's failures (alert on change). SSM Parameter Store rather than a DynamoDB
      // table or an S3 object: one small JSON value read and written once a run, free as a Standard
      // parameter (Intelligent-Tiering moves it to Advanced, $0.05 a month, past 4 KB), no new SDK
      // client in the bundle (SSM already reads the stack parameter). The handler rewrites the value.
      Type: 'AWS::SSM::Parameter',
      Properties: {
        Name: names.stateParameter,
        Type: 'String',
        Tier: 'Intelligent-Tiering',
        Value: '{}',
        Description: `eks-kit checks of stack ${stack.name}: the failures of the previous run (written by the function)`,
        Tags: tags,
      },
    },
    ErrorsAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${functionName}-errors`,
        AlarmDescription: `eks-kit checks of stack ${stack.name} could not run (bad configuration or stack)`,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref('ChecksFunction') }],
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: { 'Fn::If': ['HasTopic', [topicArn], noValue] },
      },
    },
    AlertTopic: {
      Type: 'AWS::SNS::Topic',
      Condition: 'CreateTopic',
      Properties: {
        TopicName: `${functionName}-alerts`,
        Subscription: [{ Protocol: 'email', Endpoint: ref('AlertEmail') }],
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      },
    },
  };
  if (organization) {
    const tagList = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    resources.ChecksStateMachineRole = stateMachineRole(functionName, tagList);
    resources.ChecksStateMachine = stateMachine(
      functionName,
      names.scheduleName,
      stack.name,
      organization.batchConcurrency,
      tags,
    );
    // The run's batches, results and state (Step Functions payloads stay small: S3 ItemReader/ResultWriter).
    resources.RunBucket = runBucket(tags);
    resources.RunBucketPolicy = runBucketPolicy();
    Object.assign(
      resources,
      stateMachineAlarms(functionName, stack.name, { 'Fn::If': ['HasTopic', [topicArn], noValue] }),
    );
  }
  if (parameterName !== undefined) {
    resources.StackParameter = {
      Type: 'AWS::SSM::Parameter',
      Properties: {
        Name: parameterName,
        Type: 'String',
        // Standard parameters hold 4 KB, advanced ones 8 KB (SSM quotas).
        Tier: Buffer.byteLength(stackJson) > 4096 ? 'Advanced' : 'Standard',
        Value: stackJson,
        Description: `eks-kit stack ${stack.name}, read by its checks`,
        Tags: tags,
      },
    };
  }
  return resources;
}

/**
 * The SAM template as a plain object (deterministic key order).
 *
 * @example
 * ```ts
 * const template = checksDeployTemplate(stack, { accountId: '111111111111' });
 * template.Resources.ChecksFunction.Properties.Handler; // 'index.handler'
 * ```
 */
export function checksDeployTemplate(stack: Stack, options: DeployTemplateOptions = {}): SamTemplate {
  const settings = templateSettings(stack, options);
  const { functionName, schedule, heartbeatHours, organization } = settings;
  const resources = templateResources(stack, options, settings);

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Transform: 'AWS::Serverless-2016-10-31',
    Description: `eks-kit scheduled checks of stack ${stack.name}`,
    Parameters: {
      ScheduleExpression: {
        Type: 'String',
        Default: schedule,
        Description: 'EventBridge Scheduler expression, e.g. rate(1 day) or cron(0 6 * * ? *)',
      },
      HeartbeatHours: {
        Type: 'Number',
        Default: heartbeatHours,
        MinValue: 2,
        MaxValue: HEARTBEAT_MAX_HOURS,
        Description:
          'Hours without a completed run before the heartbeat alarm fires (the schedule period + 2 h)',
      },
      ReminderDays: {
        Type: 'Number',
        Default: 7,
        MinValue: 1,
        MaxValue: 365,
        Description: 'Days between two reminders of failures that did not change',
      },
      LogRetentionDays: {
        Type: 'Number',
        Default: 30,
        AllowedValues: RETENTION_DAYS,
        Description: 'Days the function logs are kept',
      },
      AlertEmail: {
        Type: 'String',
        Default: '',
        Description: 'Email subscribed to a new alert topic (leave empty for none)',
      },
      AlertTopicArn: {
        Type: 'String',
        Default: '',
        Description: 'Existing SNS topic for failure notices and alarms (wins over AlertEmail)',
      },
    },
    Conditions: {
      HasAlertEmail: { 'Fn::Not': [{ 'Fn::Equals': [ref('AlertEmail'), ''] }] },
      HasExistingTopic: { 'Fn::Not': [{ 'Fn::Equals': [ref('AlertTopicArn'), ''] }] },
      CreateTopic: {
        'Fn::And': [{ Condition: 'HasAlertEmail' }, { 'Fn::Not': [{ Condition: 'HasExistingTopic' }] }],
      },
      HasTopic: { 'Fn::Or': [{ Condition: 'HasExistingTopic' }, { Condition: 'CreateTopic' }] },
    },
    Resources: resources,
    Outputs: {
      FunctionName: { Value: ref('ChecksFunction') },
      LogGroupName: { Value: ref('ChecksLogGroup') },
      FailuresAlarmName: { Value: ref('FailuresAlarm') },
      HeartbeatAlarmName: { Value: ref('HeartbeatAlarm') },
      CheckStateParameterName: { Value: ref('CheckStateParameter') },
      ...(organization
        ? {
            StateMachineName: { Value: stateMachineName(functionName) },
            RunBucketName: { Value: ref('RunBucket') },
          }
        : {}),
    },
  };
}

/**
 * The SAM template as YAML text, ready for `sam deploy --template-file`.
 *
 * @example
 * ```ts
 * await writeFile('template.yaml', renderDeployTemplate(stack, { accountId: '111111111111' }));
 * ```
 */
export function renderDeployTemplate(stack: Stack, options: DeployTemplateOptions = {}): string {
  const header = `# Generated by eks-kit (apps/checks-lambda) for stack ${stack.name}. Deploy: see apps/checks-lambda/README.md\n`;
  return (
    header + stringify(checksDeployTemplate(stack, options), { lineWidth: 0, aliasDuplicateObjects: false })
  );
}
