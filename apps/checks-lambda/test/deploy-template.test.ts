import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { InvalidInputError } from '@eks-kit/core';
import { policiesEqual } from '@eks-kit/iam-policies';
import { CHECKS_LAMBDA_ROLE_PREFIX, derivedNames } from '@eks-kit/stack';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  checkerNames,
  checksExecutionPolicy,
  DEFAULT_SCHEDULE,
  heartbeatHoursFor,
  READ_POLICY_NAME,
  renderDeployTemplate,
  type SamTemplate,
} from '../src/index.js';
import { fixtureStack, minimalStack } from './fixtures/stack-files.js';

const ACCOUNT = '111111111111';
const PACKAGE_DIR = new URL('../', import.meta.url);

/** The template as `sam deploy` reads it: YAML text parsed by a plain YAML parser (no custom tags needed). */
function renderedTemplate(...args: Parameters<typeof renderDeployTemplate>): SamTemplate {
  return parse(renderDeployTemplate(...args)) as SamTemplate;
}

// biome-ignore lint/suspicious/noExplicitAny: reading nested template data in assertions
type Props = Record<string, any>;
const props = (t: SamTemplate, name: string): Props => t.Resources[name]?.Properties as Props;
const topicIf = { 'Fn::If': ['HasExistingTopic', { Ref: 'AlertTopicArn' }, { Ref: 'AlertTopic' }] };

describe('the SAM deploy template', () => {
  const stack = fixtureStack();
  const template = renderedTemplate(stack, { accountId: ACCOUNT });

  it('parses back as YAML with the JSON forms of intrinsics (no !Ref tags)', () => {
    const text = renderDeployTemplate(stack, { accountId: ACCOUNT });
    expect(text).not.toMatch(/!(Ref|Sub|GetAtt|If)\b/);
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
  });

  it('runs the bundle dist/index.mjs as index.handler on nodejs22.x arm64', () => {
    const fn = props(template, 'ChecksFunction');
    expect(template.Resources.ChecksFunction?.Type).toBe('AWS::Serverless::Function');
    expect(fn).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      CodeUri: 'dist',
    });
    // The handler path points at the built bundle and its export (test runs after build).
    const [file, exportName] = (fn.Handler as string).split('.') as [string, string];
    const bundle = new URL(`${fn.CodeUri}/${file}.mjs`, PACKAGE_DIR);
    expect(existsSync(bundle)).toBe(true);
    // Loaded by plain node, as Lambda does (not through the test runner's transform).
    const script = `import(${JSON.stringify(bundle.href)}).then((m) => console.log(typeof m[${JSON.stringify(exportName)}]))`;
    expect(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim(),
    ).toBe('function');
  });

  it('schedules the function daily by default through EventBridge Scheduler, parameterised', () => {
    const schedule = props(template, 'ChecksFunction').Events.Schedule;
    expect(schedule.Type).toBe('ScheduleV2');
    expect(schedule.Properties.ScheduleExpression).toEqual({ Ref: 'ScheduleExpression' });
    expect(template.Parameters.ScheduleExpression?.Default).toBe('rate(1 day)');
    expect(DEFAULT_SCHEDULE).toBe('rate(1 day)');
  });

  it("gives the role exactly iam-policies' output for the stack, plus a runtime policy without checks", () => {
    const role = props(template, 'ChecksRole');
    const read = (role.Policies as Array<{ PolicyName: string; PolicyDocument: unknown }>).find(
      (p) => p.PolicyName === READ_POLICY_NAME,
    );
    const expected = checksExecutionPolicy(stack, { accountId: ACCOUNT });
    expect(read?.PolicyDocument).toEqual(expected);
    expect(policiesEqual(read?.PolicyDocument as Record<string, unknown>, expected)).toBe(true);
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    expect(props(template, 'ChecksFunction').Role).toEqual({ 'Fn::GetAtt': ['ChecksRole', 'Arn'] });
  });

  it('the default role name is the one the stack loader checks for collisions', () => {
    const roleName = props(template, 'ChecksRole').RoleName as string;
    expect(roleName).toBe(`${CHECKS_LAMBDA_ROLE_PREFIX}${stack.name}`);
    expect(derivedNames(stack).some((n) => n.kind === 'iam-role' && n.name === roleName)).toBe(true);
  });

  it('keeps logs in a log group with retention, and alarms on the Failures metric the handler writes', () => {
    expect(props(template, 'ChecksLogGroup')).toEqual({
      LogGroupName: '/aws/lambda/eks-kit-checks-lambda-test',
      RetentionInDays: { Ref: 'LogRetentionDays' },
    });
    expect(props(template, 'ChecksFunction').LoggingConfig).toEqual({ LogGroup: { Ref: 'ChecksLogGroup' } });
    expect(props(template, 'FailuresAlarm')).toMatchObject({
      Namespace: 'EksKit/Checks',
      MetricName: 'Failures',
      Dimensions: [
        { Name: 'service', Value: 'eks-kit-checks' },
        { Name: 'stack', Value: 'lambda-test' },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms when no run completed over the schedule period plus a margin (heartbeat, missing data breaching)', () => {
    expect(props(template, 'HeartbeatAlarm')).toEqual({
      AlarmName: 'eks-kit-checks-lambda-test-heartbeat',
      AlarmDescription: expect.stringContaining('completed no run in the last 26 hours'),
      Namespace: 'EksKit/Checks',
      MetricName: 'RunCompleted',
      Dimensions: [
        { Name: 'service', Value: 'eks-kit-checks' },
        { Name: 'stack', Value: 'lambda-test' },
      ],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: { Ref: 'HeartbeatHours' },
      DatapointsToAlarm: { Ref: 'HeartbeatHours' },
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: { 'Fn::If': ['HasTopic', [topicIf], { Ref: 'AWS::NoValue' }] },
      OKActions: { 'Fn::If': ['HasTopic', [topicIf], { Ref: 'AWS::NoValue' }] },
    });
    // rate(1 day) + 2 h, in hourly periods: at most 7 days (CloudWatch's longest look-back).
    expect(template.Parameters.HeartbeatHours).toMatchObject({ Type: 'Number', Default: 26, MaxValue: 168 });
    expect(template.Outputs.HeartbeatAlarmName).toEqual({ Value: { Ref: 'HeartbeatAlarm' } });
  });

  it('keeps the failures alarm and the invocation errors alarm, both to the topic', () => {
    expect(props(template, 'FailuresAlarm')).toMatchObject({
      Statistic: 'Maximum',
      TreatMissingData: 'notBreaching',
      AlarmActions: { 'Fn::If': ['HasTopic', [topicIf], { Ref: 'AWS::NoValue' }] },
    });
    expect(props(template, 'ErrorsAlarm')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'ChecksFunction' } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it.each([
    ['rate(1 day)', 26],
    ['rate(6 hours)', 8],
    ['rate(90 minutes)', 4],
    ['cron(0 6 * * ? *)', 26],
    ['cron(0 */4 ? * * *)', 26],
  ])('sizes the heartbeat window of %s at %i hours', (schedule, hours) => {
    expect(heartbeatHoursFor(schedule)).toBe(hours);
    const t = renderedTemplate(stack, { schedule });
    expect(t.Parameters.HeartbeatHours?.Default).toBe(hours);
    expect(t.Parameters.ScheduleExpression?.Default).toBe(schedule);
  });

  it('refuses a schedule whose gap it cannot tell or that is longer than an alarm can watch', () => {
    for (const schedule of ['cron(0 6 ? * MON *)', 'rate(7 days)', 'every day']) {
      expect(() => renderDeployTemplate(stack, { schedule })).toThrow(InvalidInputError);
    }
    // Told the window, a weekday cron is fine.
    const t = renderedTemplate(stack, { schedule: 'cron(0 6 ? * MON-FRI *)', heartbeatHours: 74 });
    expect(t.Parameters.HeartbeatHours?.Default).toBe(74);
  });

  it("keeps the previous run's failures in one SSM parameter that only the function reads and writes", () => {
    const names = checkerNames('lambda-test');
    expect(props(template, 'CheckStateParameter')).toMatchObject({
      Name: '/eks-kit/lambda-test/checks-state',
      Type: 'String',
      Tier: 'Intelligent-Tiering',
      Value: '{}',
    });
    expect(names.stateParameter).toBe('/eks-kit/lambda-test/checks-state');
    const vars = props(template, 'ChecksFunction').Environment.Variables;
    expect(vars.EKS_KIT_STATE_PARAMETER).toEqual({ Ref: 'CheckStateParameter' });
    expect(vars.EKS_KIT_REMINDER_DAYS).toEqual({ Ref: 'ReminderDays' });
    expect(template.Parameters.ReminderDays).toMatchObject({ Type: 'Number', Default: 7 });
    const runtime = (
      props(template, 'ChecksRole').Policies as Array<{ PolicyDocument: { Statement: Props[] } }>
    )[1];
    const ssmStatements = runtime?.PolicyDocument.Statement.filter((st) =>
      JSON.stringify(st.Action ?? '').includes('ssm:'),
    );
    expect(ssmStatements).toEqual([
      {
        Sid: 'CheckState',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:PutParameter'],
        Resource: {
          'Fn::Sub':
            'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/eks-kit/lambda-test/checks-state',
        },
      },
    ]);
  });

  it('names the schedule after the function, enabled, so the deployed checker can be verified', () => {
    const schedule = props(template, 'ChecksFunction').Events.Schedule.Properties;
    expect(schedule).toMatchObject({ Name: checkerNames('lambda-test').scheduleName, State: 'ENABLED' });
    expect(schedule.Name).toBe(props(template, 'ChecksFunction').FunctionName);
  });

  it('creates the SNS topic only when asked, and passes it to the function', () => {
    expect(template.Resources.AlertTopic?.Condition).toBe('CreateTopic');
    expect(props(template, 'ChecksFunction').Environment.Variables.EKS_KIT_SNS_TOPIC_ARN['Fn::If'][0]).toBe(
      'HasTopic',
    );
  });

  it('puts the stack inline in the environment, where the handler parses it back', () => {
    const vars = props(template, 'ChecksFunction').Environment.Variables;
    expect(JSON.parse(vars.EKS_KIT_STACK)).toEqual(JSON.parse(JSON.stringify(stack)));
    expect(vars.EKS_KIT_STACK_PARAMETER).toBeUndefined();
  });

  it('moves the stack to an SSM parameter when asked (Lambda environment: 4 KB in all)', () => {
    const t = renderedTemplate(stack, { stackParameterName: '/eks-kit/lambda-test/stack' });
    const vars = props(t, 'ChecksFunction').Environment.Variables;
    expect(vars.EKS_KIT_STACK).toBeUndefined();
    expect(vars.EKS_KIT_STACK_PARAMETER).toBe('/eks-kit/lambda-test/stack');
    expect(props(t, 'StackParameter')).toMatchObject({ Name: '/eks-kit/lambda-test/stack', Type: 'String' });
    const runtime = (
      props(t, 'ChecksRole').Policies as Array<{
        PolicyName: string;
        PolicyDocument: { Statement: unknown[] };
      }>
    )[1];
    expect(runtime?.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Sid: 'StackParameter', Action: 'ssm:GetParameter' }),
      ]),
    );
  });

  it('lets the function assume the listed roles', () => {
    const arns = [
      'arn:aws:iam::222222222222:role/eks-kit-checks',
      'arn:aws:iam::333333333333:role/eks-kit-checks',
    ];
    const t = renderedTemplate(stack, { assumeRoleArns: arns });
    expect(props(t, 'ChecksFunction').Environment.Variables.EKS_KIT_ASSUME_ROLE_ARNS).toBe(arns.join(','));
    const runtime = (
      props(t, 'ChecksRole').Policies as Array<{ PolicyDocument: { Statement: unknown[] } }>
    )[1];
    expect(runtime?.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        { Sid: 'AssumeCheckRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arns },
      ]),
    );
  });

  it('is deterministic', () => {
    expect(renderDeployTemplate(stack, { accountId: ACCOUNT })).toBe(
      renderDeployTemplate(stack, { accountId: ACCOUNT }),
    );
  });

  it.each([
    [{ accountId: '12' }, 'accountId'],
    [{ functionName: 'x'.repeat(65) }, 'functionName'],
    [{ assumeRoleArns: ['arn:aws:iam::222222222222:user/u'] }, 'assumeRoleArns[0]'],
    [{ stackParameterName: 'bad name' }, 'stackParameterName'],
    [{ schedule: 'cron(0 6 ? * MON *)' }, 'schedule'],
    [{ heartbeatHours: 500 }, 'heartbeatHours'],
  ])('refuses %j naming %s', (options, field) => {
    expect(() => renderDeployTemplate(minimalStack(), options)).toThrow(InvalidInputError);
    try {
      renderDeployTemplate(minimalStack(), options);
    } catch (error) {
      expect((error as InvalidInputError).field).toBe(field);
    }
  });
});
