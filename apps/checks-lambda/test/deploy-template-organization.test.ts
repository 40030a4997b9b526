/**
 * The deploy template with organisation targets (issue 21): Organizations read and a scoped AssumeRole
 * for the function, a state machine whose Distributed Map splits the run, started by the schedule, and
 * least privilege everywhere (no write on `*` without a condition, no `Principal: "*"`).
 */
import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type AssumeRoleTarget,
  checkerNames,
  planRun,
  readHandlerConfig,
  renderDeployTemplate,
  type SamTemplate,
} from '../src/index.js';
import { REPORT_RESERVE_MS } from '../src/run/invocation.js';
import { fixtureStack } from './fixtures/stack-files.js';

// biome-ignore lint/suspicious/noExplicitAny: reading nested template data in assertions
type Any = Record<string, any>;

const stack = fixtureStack();
const organization = {
  roleName: 'eks-kit-checks',
  organizationalUnits: ['ou-ab12-prod0001'],
  regions: ['eu-west-1', 'us-east-1'],
  batchConcurrency: 8,
};
const template = parse(
  renderDeployTemplate(stack, { accountId: '111111111111', organization }),
) as SamTemplate;
const props = (name: string): Any => template.Resources[name]?.Properties as Any;

/** Every statement of every inline policy of the template's roles. */
function statements(): Any[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Role')
    .flatMap((r) => (r.Properties.Policies as Any[]).flatMap((p) => p.PolicyDocument.Statement as Any[]))
    .filter((s) => s && !('Fn::If' in s));
}

describe('the deploy template with organisation targets', () => {
  it('gives the function the organisation settings its handler reads', () => {
    const env = props('ChecksFunction').Environment.Variables as Record<string, unknown>;
    expect(env).toMatchObject({
      EKS_KIT_TARGETS_FROM: 'organization',
      EKS_KIT_ORGANIZATION_ROLE_NAME: 'eks-kit-checks',
      EKS_KIT_ORGANIZATION_UNITS: 'ou-ab12-prod0001',
      EKS_KIT_TARGET_REGIONS: 'eu-west-1,us-east-1',
      EKS_KIT_BATCH_CONCURRENCY: '8',
      // Not set by the options: the template's default, written explicitly (the handler's own is 2).
      EKS_KIT_TARGET_CONCURRENCY: '16',
    });
    const plain = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string')) as Record<
      string,
      string
    >;
    expect(readHandlerConfig(plain).organization).toMatchObject({
      roleName: 'eks-kit-checks',
      batchConcurrency: 8,
    });
    expect(readHandlerConfig(plain).targetConcurrency).toBe(16);
    expect(props('ChecksFunction').Timeout).toBe(900);
    const lower = parse(
      renderDeployTemplate(stack, { organization: { roleName: 'eks-kit-checks', targetConcurrency: 4 } }),
    ) as SamTemplate;
    const lowerFn = lower.Resources.ChecksFunction as { Properties: Any };
    expect(lowerFn.Properties.Environment.Variables.EKS_KIT_TARGET_CONCURRENCY).toBe('4');
  });

  it('writes EKS_KIT_SECONDS_PER_TARGET only when the option is given (else the function plans from its last run)', () => {
    const env = props('ChecksFunction').Environment.Variables as Record<string, unknown>;
    expect(env).not.toHaveProperty('EKS_KIT_SECONDS_PER_TARGET');
    const plain = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string')) as Record<
      string,
      string
    >;
    expect(readHandlerConfig(plain).organization?.secondsPerTargetSet).toBeUndefined();
    const set = parse(
      renderDeployTemplate(stack, { organization: { roleName: 'eks-kit-checks', secondsPerTarget: 45 } }),
    ) as SamTemplate;
    const setEnv = (set.Resources.ChecksFunction as { Properties: Any }).Properties.Environment.Variables;
    expect(setEnv.EKS_KIT_SECONDS_PER_TARGET).toBe('45');
    expect(
      readHandlerConfig({ ...plain, EKS_KIT_SECONDS_PER_TARGET: setEnv.EKS_KIT_SECONDS_PER_TARGET })
        .organization,
    ).toMatchObject({ secondsPerTarget: 45, secondsPerTargetSet: true });
  });

  it("plans 1,000 accounts in the 3 invocations the README states, from the deployed function's environment", () => {
    // The template with every organisation default, its environment as the function reads it (the
    // run bucket's Ref resolved to a name), and the time the deployed function has (its Timeout).
    const deployed = parse(
      renderDeployTemplate(stack, {
        accountId: '111111111111',
        organization: { roleName: 'eks-kit-checks' },
      }),
    ) as SamTemplate;
    const fn = (deployed.Resources.ChecksFunction as { Properties: Any }).Properties;
    const env = Object.fromEntries(
      Object.entries(fn.Environment.Variables as Record<string, unknown>)
        .map(([k, v]) => [k, k === 'EKS_KIT_RUN_BUCKET' ? 'eks-kit-checks-runs' : v])
        .filter(([, v]) => typeof v === 'string'),
    ) as Record<string, string>;
    const config = readHandlerConfig(env);
    const organization = config.organization;
    if (!organization) throw new Error('the template set no organisation source');
    // The bench's organisation: 1,000 member accounts and the management account, every 100th suspended.
    const targets: AssumeRoleTarget[] = Array.from({ length: 1001 }, (_, i) => {
      const id = String(300000000000 + i);
      return {
        label: `${id}@eu-west-1`,
        roleArn: `arn:aws:iam::${id}:role/eks-kit-checks`,
        region: 'eu-west-1',
        accountId: id,
        ...(i % 100 === 1 ? { skip: 'account is SUSPENDED' } : {}),
      };
    });
    const limitSeconds = Math.floor((fn.Timeout * 1000 - REPORT_RESERVE_MS) / 1000);
    const plan = planRun(
      targets,
      { targetConcurrency: config.targetConcurrency, organization },
      limitSeconds,
    );
    // apps/checks-lambda/README.md, "Too long for one invocation": "need about 1860 s, more than the
    // 890 s one invocation has: split into 3 invocations" (991 live targets, 16 at a time, 30 s each).
    expect(plan.message).toContain('need about 1860 s, more than the 890 s one invocation has');
    expect(plan.batches).toHaveLength(3);
    expect(plan.batches.flatMap((b) => b.targets)).toHaveLength(1001);
  });

  it('lets the function list the organisation and assume only the one role, inside the organisation', () => {
    const fn = statements();
    const list = fn.find((s) => s.Sid === 'ListOrganizationAccounts');
    expect(list?.Action.every((a: string) => /^organizations:List/.test(a))).toBe(true);
    const assume = fn.find((s) => s.Sid === 'AssumeCheckRoleInOrganization');
    expect(assume).toMatchObject({
      Action: 'sts:AssumeRole',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation substitution
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/eks-kit-checks' },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
      Condition: { StringEquals: { 'aws:ResourceOrgID': '${aws:PrincipalOrgID}' } },
    });
  });

  it('splits the run with a Distributed Map started by the schedule, not the function', () => {
    expect(props('ChecksFunction').Events).toEqual({});
    const machine = props('ChecksStateMachine');
    expect(template.Resources.ChecksStateMachine?.Type).toBe('AWS::Serverless::StateMachine');
    // The name eks-kit check --checker looks for (@eks-kit/stack's checkerNames).
    expect(machine.Name).toBe(checkerNames(stack.name).stateMachineName);
    expect(machine.Events.Schedule).toMatchObject({
      Type: 'ScheduleV2',
      Properties: { Name: 'eks-kit-checks-lambda-test' },
    });
    const states = machine.Definition.States as Any;
    expect(machine.Definition.StartAt).toBe('Plan');
    expect(machine.Definition.TimeoutSeconds).toBe(12 * 3600);
    expect(states.Plan.Parameters.Payload).toEqual({ phase: 'plan', 'runId.$': '$$.Execution.Name' });
    // The batches come from S3 (ItemReader) and the children's answers go to S3 (ResultWriter): no
    // state's input or output carries the targets' list or their results.
    expect(states.CheckBatches).toMatchObject({
      Type: 'Map',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { 'Bucket.$': '$.plan.bucket', 'Key.$': '$.plan.batchesKey' },
      },
      ResultWriter: {
        Resource: 'arn:aws:states:::s3:putObject',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a DefinitionSubstitutions key
        Parameters: { Bucket: '${RunBucket}', Prefix: 'runs/sfn-results' },
      },
      MaxConcurrency: 8,
      // A failed batch does not fail the map (at 100 the Map Run never fails), and a failure of the map
      // itself goes on to Report too: the report always runs and names the batches without results.
      ToleratedFailurePercentage: 100,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.batchesError', Next: 'Report' }],
      Next: 'Report',
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
    });
    expect(states.CheckBatches.ItemsPath).toBeUndefined();
    expect(states.CheckBatches.ItemProcessor.States.CheckBatch.Parameters.Payload).toEqual({
      phase: 'batch',
      'targets.$': '$.targets',
      'index.$': '$.index',
      'runId.$': '$.runId',
    });
    expect(states.Report.Parameters.Payload).toEqual({
      phase: 'report',
      'runId.$': '$.plan.runId',
      'batchCount.$': '$.plan.batchCount',
    });
    // After the report (notice, metrics, state), missing batches fail the execution: ExecutionsFailed alarms.
    expect(states.Report).toMatchObject({
      ResultSelector: { 'missingBatches.$': '$.Payload.missingBatches' },
      ResultPath: '$.report',
      Next: 'CheckReport',
    });
    expect(states.CheckReport).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.report.missingBatches', NumericGreaterThan: 0, Next: 'BatchesMissing' }],
      Default: 'Done',
    });
    expect(states.BatchesMissing).toMatchObject({ Type: 'Fail', Error: 'BatchesMissing' });
    expect(states.Done).toEqual({ Type: 'Succeed' });
    expect(machine.DefinitionSubstitutions).toEqual({
      FunctionArn: { 'Fn::GetAtt': ['ChecksFunction', 'Arn'] },
      RunBucket: { Ref: 'RunBucket' },
    });
    expect(props('ChecksFunction').Environment.Variables.EKS_KIT_RUN_BUCKET).toEqual({ Ref: 'RunBucket' });
  });

  it('keeps the run in a private, encrypted bucket that expires runs and refuses plain HTTP', () => {
    const bucket = template.Resources.RunBucket as Any;
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'expire-runs',
        Status: 'Enabled',
        Prefix: 'runs/',
        ExpirationInDays: 14,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
    const policy = props('RunBucketPolicy');
    expect(policy.Bucket).toEqual({ Ref: 'RunBucket' });
    expect(policy.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]);
    expect(template.Outputs.RunBucketName).toEqual({ Value: { Ref: 'RunBucket' } });
  });

  it("scopes the function's S3 access to the run's objects and the state object", () => {
    const fn = statements().filter((s) => [s.Action].flat().some((a: string) => a.startsWith('s3:')));
    const objects = fn.find((s) => s.Sid === 'RunObjects') as Any;
    expect(objects.Action).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(objects.Resource.map((r: Any) => r['Fn::Sub'][0])).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation substitution
      '${Arn}/runs/*',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation substitution
      '${Arn}/state/checks-state.json',
    ]);
    const list = fn.find((s) => s.Sid === 'ListRunResults');
    expect(list).toMatchObject({
      Action: 's3:ListBucket',
      Resource: { 'Fn::GetAtt': ['RunBucket', 'Arn'] },
      Condition: { StringLike: { 's3:prefix': ['runs/*'] } },
    });
    // Nothing else of S3 for the function (the state machine role's statements are checked below).
    const fnRole = props('ChecksRole').Policies.flatMap((p: Any) => p.PolicyDocument.Statement as Any[]);
    const s3Actions = fnRole
      .filter((s: Any) => s && !('Fn::If' in s))
      .flatMap((s: Any) => [s.Action].flat())
      .filter((a: string) => a.startsWith('s3:'));
    expect(s3Actions.sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
  });

  it('alarms when a run over the organisation fails, times out or is aborted, routed like the other alarms', () => {
    const errors = props('ErrorsAlarm');
    for (const [id, metric] of [
      ['RunFailedAlarm', 'ExecutionsFailed'],
      ['RunTimedOutAlarm', 'ExecutionsTimedOut'],
      ['RunAbortedAlarm', 'ExecutionsAborted'],
    ] as const) {
      const alarm = props(id);
      expect(template.Resources[id]?.Type).toBe('AWS::CloudWatch::Alarm');
      expect(alarm).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: metric,
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'ChecksStateMachine' } }],
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(alarm.AlarmActions).toEqual(errors.AlarmActions);
      expect(alarm.AlarmDescription).toContain('eks-kit check --checker');
    }
    const plain = parse(renderDeployTemplate(stack, { accountId: '111111111111' })) as SamTemplate;
    expect(plain.Resources.RunFailedAlarm).toBeUndefined();
    expect(plain.Resources.RunBucket).toBeUndefined();
  });

  it('gives the state machine only what a Distributed Map over this function needs', () => {
    const role = props('ChecksStateMachineRole');
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'states.amazonaws.com' });
    const all = role.Policies[0].PolicyDocument.Statement as Any[];
    const actions = all.flatMap((s) => [s.Action].flat());
    expect(actions.sort()).toEqual([
      'lambda:InvokeFunction',
      's3:AbortMultipartUpload',
      's3:GetObject',
      's3:GetObject',
      's3:ListMultipartUploadParts',
      's3:PutObject',
      'states:DescribeExecution',
      'states:StartExecution',
      'states:StopExecution',
    ]);
    // ItemReader reads the batches objects only; ResultWriter writes under its prefix only.
    expect((all.find((s) => s.Sid === 'ReadBatches') as Any).Resource['Fn::Sub'][0]).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation substitution
      '${Arn}/runs/*/batches.json',
    );
    expect((all.find((s) => s.Sid === 'WriteMapResults') as Any).Resource['Fn::Sub'][0]).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation substitution
      '${Arn}/runs/sfn-results/*',
    );
  });

  it('grants no write on * without a condition and no Principal "*" but in the TLS-only Deny', () => {
    const text = JSON.stringify({ ...template, Resources: { ...template.Resources, RunBucketPolicy: {} } });
    expect(text).not.toMatch(/"Principal":"\*"/);
    expect(text).not.toMatch(/"AWS":"\*"/);
    for (const s of statements()) {
      const actions = [s.Action].flat() as string[];
      const onAny = s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*'));
      const writes = actions.filter((a) => !/:(List|Get|Describe)/.test(a));
      if (onAny && !s.Condition) expect(writes, s.Sid).toEqual([]);
    }
  });

  it('refuses bad organisation options naming the field, and role ARNs beside them', () => {
    const bad: Array<[Any, RegExp]> = [
      [{ roleName: 'has space' }, /^organization\.roleName/],
      [{ roleName: 'x', organizationalUnits: ['prod'] }, /^organization\.organizationalUnits\[0\]/],
      // The CLI's --regions rule (validateDestroyRegions): one region is named `organization.regions`.
      [{ roleName: 'x', regions: ['mars-1'] }, /^organization\.regions: expected an AWS region/],
      [{ roleName: 'x', regions: ['eu-west-1', 'mars-1'] }, /^organization\.regions\[1\]/],
      // Another partition than the cluster's (issue 21 trial: it was written into the template).
      [
        { roleName: 'x', regions: ['cn-north-1'] },
        /^organization\.regions: expected a region of the cluster's partition \(aws\), got "cn-north-1"/,
      ],
      [{ roleName: 'x', batchConcurrency: 0 }, /^organization\.batchConcurrency/],
      // The handler reads EKS_KIT_TARGET_CONCURRENCY from 1 to 16.
      [{ roleName: 'x', targetConcurrency: 17 }, /^organization\.targetConcurrency/],
      [{ roleName: 'x', targetConcurrency: 1.5 }, /^organization\.targetConcurrency/],
    ];
    for (const [o, message] of bad) {
      expect(() => renderDeployTemplate(stack, { organization: o as never })).toThrow(InvalidInputError);
      expect(() => renderDeployTemplate(stack, { organization: o as never })).toThrow(message);
    }
    expect(() =>
      renderDeployTemplate(stack, {
        organization: { roleName: 'x' },
        assumeRoleArns: ['arn:aws:iam::111111111111:role/x'],
      }),
    ).toThrow(/^assumeRoleArns/);
  });

  it('leaves the template without organisation targets as it was (no state machine, the schedule on the function)', () => {
    const plain = parse(renderDeployTemplate(stack, { accountId: '111111111111' })) as SamTemplate;
    expect(plain.Resources.ChecksStateMachine).toBeUndefined();
    const fn = plain.Resources.ChecksFunction as { Properties: Any };
    expect(fn.Properties.Events.Schedule.Type).toBe('ScheduleV2');
  });
});
