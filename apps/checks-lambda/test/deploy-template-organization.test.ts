/**
 * The deploy template with organisation targets (issue 21): Organizations read and a scoped AssumeRole
 * for the function, a state machine whose Distributed Map splits the run, started by the schedule, and
 * least privilege everywhere (no write on `*` without a condition, no `Principal: "*"`).
 */
import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readHandlerConfig, renderDeployTemplate, type SamTemplate } from '../src/index.js';
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
    });
    const plain = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string')) as Record<
      string,
      string
    >;
    expect(readHandlerConfig(plain).organization).toMatchObject({
      roleName: 'eks-kit-checks',
      batchConcurrency: 8,
    });
    expect(props('ChecksFunction').Timeout).toBe(900);
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
    expect(machine.Events.Schedule).toMatchObject({
      Type: 'ScheduleV2',
      Properties: { Name: 'eks-kit-checks-lambda-test' },
    });
    const states = machine.Definition.States as Any;
    expect(machine.Definition.StartAt).toBe('Plan');
    expect(states.Plan.Parameters.Payload).toEqual({ phase: 'plan' });
    expect(states.CheckBatches).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.plan.batches',
      MaxConcurrency: 8,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
    });
    expect(states.CheckBatches.ItemProcessor.States.CheckBatch.Parameters.Payload).toEqual({
      phase: 'batch',
      'targets.$': '$.targets',
    });
    expect(states.Report.Parameters.Payload).toEqual({ phase: 'report', 'batches.$': '$.batches' });
    expect(machine.DefinitionSubstitutions.FunctionArn).toEqual({ 'Fn::GetAtt': ['ChecksFunction', 'Arn'] });
  });

  it('gives the state machine only what a Distributed Map over this function needs', () => {
    const role = props('ChecksStateMachineRole');
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'states.amazonaws.com' });
    const actions = (role.Policies[0].PolicyDocument.Statement as Any[]).flatMap((s) => [s.Action].flat());
    expect(actions.sort()).toEqual([
      'lambda:InvokeFunction',
      'states:DescribeExecution',
      'states:StartExecution',
      'states:StopExecution',
    ]);
  });

  it('grants no write on * without a condition and no Principal "*" anywhere', () => {
    const text = JSON.stringify(template);
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
      [{ roleName: 'x', regions: ['mars-1'] }, /^organization\.regions\[0\]/],
      [{ roleName: 'x', batchConcurrency: 0 }, /^organization\.batchConcurrency/],
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
