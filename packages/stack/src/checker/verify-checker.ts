/**
 * Verify the deployed checker itself (`eks-kit check --checker`): that it completed a run recently
 * (the time its handler keeps in the state parameter), that the last execution of its state machine
 * (a run split over an organisation, issue 21) did not fail, and that its role still has every read action
 * the checks need (IAM SimulatePrincipalPolicy on the role, per group of actions and resources).
 * Whether the EventBridge schedule is enabled is seen through the last run: a disabled or deleted
 * schedule leaves it stale (eks-kit carries no Scheduler client; the heartbeat alarm says the same).
 */

import { type EvaluationResult, GetRoleCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { type ExecutionListItem, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import {
  type AwsClients,
  type Finding,
  finding,
  isNotFoundError,
  partitionOfRegion,
  wrapAwsError,
} from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import { checkPermissions } from './check-permissions.js';
import { parseCheckState } from './check-state.js';
import { checkerNames, DEFAULT_SCHEDULE, heartbeatHoursFor } from './checker-names.js';

/**
 * Reads the checks can do without, more slowly (issue 21): without iam:GetAccountAuthorizationDetails the
 * orphan role scan reads each role's tags with ListRoleTags; without tag:GetResources the repository and
 * certificate scans read each one's tags (ListTagsForResource, ListTagsForCertificate). A role missing
 * only these is a `warn`.
 */
const WITH_FALLBACK = ['iam:GetAccountAuthorizationDetails', 'tag:GetResources'];

/** Options of {@link verifyDeployedChecker}. */
export interface VerifyCheckerOptions {
  /** Account of the checked resources (scopes the simulated ARNs; default any). */
  accountId?: string;
  /** Function name when not the default `eks-kit-checks-<stack>`. */
  functionName?: string;
  /** The deployed schedule (default `rate(1 day)`): how old the last run may be (its period + 2 h). */
  schedule?: string;
  /** Hours a run may be old, instead of the schedule's (as the template's `HeartbeatHours`). */
  maxAgeHours?: number;
  /** Clock (tests). */
  now?: Date;
  signal?: AbortSignal;
}

/** Check ids of the findings about the checker. */
export const CHECKER_CHECKS = {
  lastRun: 'checker.last-run',
  permissions: 'checker.permissions',
  lastExecution: 'checker.last-execution',
} as const;

/**
 * Findings about the deployed checker: `checker.last-run` (a completed run within the schedule's
 * period + 2 h) and `checker.permissions` (every read action allowed to its role).
 *
 * @example
 * ```ts
 * const findings = await verifyDeployedChecker(clients, stack, { accountId: '111111111111' });
 * findings.filter((f) => f.status === 'fail'); // e.g. checker.permissions: acm:DescribeCertificate denied
 * ```
 */
export async function verifyDeployedChecker(
  clients: AwsClients,
  stack: Stack,
  options: VerifyCheckerOptions = {},
): Promise<Finding[]> {
  const names = checkerNames(stack.name, options.functionName);
  const send = options.signal ? { abortSignal: options.signal } : {};
  const execution = await lastExecutionFinding(clients, stack, names, options, send);
  return [
    await lastRunFinding(clients, stack, names, options, send),
    ...(execution ? [execution] : []),
    await permissionsFinding(clients, stack, names, options, send),
  ];
}

/** Statuses of an execution that did not complete its run (Step Functions API Reference, ExecutionStatus). */
const NOT_COMPLETED = new Set(['FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);

/**
 * `checker.last-execution`: when the checker splits its runs over an organisation (a state machine
 * `<function>-run` is deployed), the status of its last execution; none when there is no such state
 * machine (the schedule invokes the function itself, whose runs `checker.last-run` covers).
 */
async function lastExecutionFinding(
  clients: AwsClients,
  stack: Stack,
  names: ReturnType<typeof checkerNames>,
  options: VerifyCheckerOptions,
  send: { abortSignal?: AbortSignal },
): Promise<Finding | undefined> {
  if (!clients.sfn || !options.accountId) return undefined;
  const arn = `arn:${partitionOfRegion(clients.region)}:states:${clients.region}:${options.accountId}:stateMachine:${names.stateMachineName}`;
  const sfn = await clients.sfn();
  let executions: ExecutionListItem[];
  try {
    executions =
      (await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1 }), send)).executions ??
      [];
  } catch (error) {
    if ((error as { name?: string }).name === 'StateMachineDoesNotExist') return undefined;
    throw wrapAwsError(error, 'states:ListExecutions', arn);
  }
  const last = executions[0];
  if (!last) {
    return finding(
      CHECKER_CHECKS.lastExecution,
      arn,
      'fail',
      `the state machine ${names.stateMachineName} of stack ${stack.name} never ran`,
      {
        hint: `check that its schedule ${names.scheduleName} is enabled (aws scheduler get-schedule --name ${names.scheduleName})`,
      },
    );
  }
  const when = (last.stopDate ?? last.startDate)?.toISOString();
  const data = { executionArn: last.executionArn, status: last.status, ...(when ? { at: when } : {}) };
  if (last.status && NOT_COMPLETED.has(last.status)) {
    return finding(
      CHECKER_CHECKS.lastExecution,
      arn,
      'fail',
      `the last run over the organisation (${last.name}) ended ${last.status}${when ? ` at ${when}` : ''}: its targets were not all checked`,
      {
        hint: `read its history: aws stepfunctions get-execution-history --execution-arn ${last.executionArn} (and the log group /aws/lambda/${names.functionName})`,
        data,
      },
    );
  }
  return finding(
    CHECKER_CHECKS.lastExecution,
    arn,
    'ok',
    last.status === 'RUNNING'
      ? `a run over the organisation is in progress (${last.name})`
      : `the last run over the organisation (${last.name}) ${String(last.status).toLowerCase()}${when ? ` at ${when}` : ''}`,
    { data },
  );
}

async function lastRunFinding(
  clients: AwsClients,
  stack: Stack,
  names: ReturnType<typeof checkerNames>,
  options: VerifyCheckerOptions,
  send: { abortSignal?: AbortSignal },
): Promise<Finding> {
  const maxAgeHours = options.maxAgeHours ?? heartbeatHoursFor(options.schedule ?? DEFAULT_SCHEDULE);
  const resource = names.stateParameter;
  const ssm = await clients.ssm();
  let text: string | undefined;
  try {
    text = (await ssm.send(new GetParameterCommand({ Name: resource }), send)).Parameter?.Value;
  } catch (error) {
    if ((error as { name?: string }).name !== 'ParameterNotFound' && !isNotFoundError(error))
      throw wrapAwsError(error, 'ssm:GetParameter', resource);
    return finding(
      CHECKER_CHECKS.lastRun,
      resource,
      'fail',
      `the checker of stack ${stack.name} is not deployed here (no ${resource})`,
      {
        hint: 'deploy it: pnpm --filter @eks-kit/checks-lambda deploy:sam --stack eks-kit.yaml (apps/checks-lambda/README.md)',
      },
    );
  }
  const state = parseCheckState(text);
  if (!state) {
    return finding(
      CHECKER_CHECKS.lastRun,
      resource,
      'fail',
      `the checker of stack ${stack.name} has not completed a run yet`,
      {
        hint: `invoke it once (aws lambda invoke --function-name ${names.functionName} out.json) and read its log group /aws/lambda/${names.functionName}`,
      },
    );
  }
  const now = options.now ?? new Date();
  const ageHours = (now.getTime() - Date.parse(state.lastRunAt)) / 3_600_000;
  const age = ageHours < 1 ? `${Math.round(ageHours * 60)} min` : `${Math.round(ageHours * 10) / 10} h`;
  if (!(ageHours <= maxAgeHours)) {
    return finding(
      CHECKER_CHECKS.lastRun,
      resource,
      'fail',
      `the checker of stack ${stack.name} last completed a run ${age} ago (${state.lastRunAt}), more than ${maxAgeHours} h`,
      {
        hint: `check that its schedule ${names.scheduleName} is enabled (aws scheduler get-schedule --name ${names.scheduleName}) and read the errors in /aws/lambda/${names.functionName}`,
        data: { lastRunAt: state.lastRunAt, maxAgeHours },
      },
    );
  }
  return finding(
    CHECKER_CHECKS.lastRun,
    resource,
    'ok',
    `last completed run ${age} ago (${state.lastRunAt})`,
    {
      data: { lastRunAt: state.lastRunAt, maxAgeHours },
    },
  );
}

async function permissionsFinding(
  clients: AwsClients,
  stack: Stack,
  names: ReturnType<typeof checkerNames>,
  options: VerifyCheckerOptions,
  send: { abortSignal?: AbortSignal },
): Promise<Finding> {
  const iam = await clients.iam();
  let roleArn: string | undefined;
  try {
    roleArn = (await iam.send(new GetRoleCommand({ RoleName: names.roleName }), send)).Role?.Arn;
  } catch (error) {
    if (!isNotFoundError(error)) throw wrapAwsError(error, 'iam:GetRole', names.roleName);
  }
  if (!roleArn) {
    return finding(
      CHECKER_CHECKS.permissions,
      `iam role ${names.roleName}`,
      'fail',
      `the checker's role ${names.roleName} does not exist`,
      {
        hint: 'deploy the checker again (its template creates the role)',
      },
    );
  }
  const denied: string[] = [];
  let simulated = 0;
  for (const group of checkPermissions(stack, options.accountId ? { accountId: options.accountId } : {})) {
    const resources = group.resources.filter((r) => r !== '*');
    let results: EvaluationResult[] = [];
    try {
      const out = await iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: roleArn,
          ActionNames: group.actions,
          ...(resources.length > 0 ? { ResourceArns: resources } : {}),
        }),
        send,
      );
      results = out.EvaluationResults ?? [];
    } catch (error) {
      throw wrapAwsError(error, 'iam:SimulatePrincipalPolicy', roleArn);
    }
    simulated += results.length;
    for (const r of results) {
      if (r.EvalDecision !== 'allowed') {
        const on = r.EvalResourceName && r.EvalResourceName !== '*' ? ` on ${r.EvalResourceName}` : '';
        denied.push(`${r.EvalActionName}${on} (${r.EvalDecision})`);
      }
    }
  }
  const required = denied.filter((d) => !WITH_FALLBACK.some((a) => d.startsWith(`${a} `)));
  if (denied.length > 0 && required.length === 0) {
    // Issue 21: a checker deployed before the orphan scans read GetAccountAuthorizationDetails and
    // tag:GetResources.
    return finding(
      CHECKER_CHECKS.permissions,
      roleArn,
      'warn',
      `the checker's role cannot make ${denied.join(', ')}: its checks still run, the orphan scans reading each resource's tags on their own (one call per role, repository or certificate)`,
      {
        // An explicit deny (an SCP or a permissions boundary, set on purpose) is not undone by deploying.
        hint: denied.some((d) => d.includes('(explicitDeny)'))
          ? 'an explicit deny (a service control policy or permissions boundary) refuses it: deploying again does not help; the checks keep reading each resource on its own'
          : 'deploy the checker again: its policy now grants them (docs/AWS-FACTS.md#iam-reading-every-roles-tags, docs/AWS-FACTS.md#finding-tagged-resources-with-the-tagging-api)',
        data: { denied },
      },
    );
  }
  if (denied.length > 0) {
    return finding(
      CHECKER_CHECKS.permissions,
      roleArn,
      'fail',
      `the checker's role cannot make ${denied.length} read(s) its checks need: ${denied.join(', ')}`,
      {
        hint: `its inline policy eks-kit-checks-read was changed: deploy the checker again to restore it`,
        data: { denied },
      },
    );
  }
  return finding(
    CHECKER_CHECKS.permissions,
    roleArn,
    'ok',
    `the role allows every read the checks need (${simulated} simulated)`,
  );
}
