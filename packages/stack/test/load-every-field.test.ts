/**
 * Issue 15, "one load step that checks everything": a stack that uses every field renders, and one
 * bad value in any field is refused by parseStack (so by plan, check, render and apply before any
 * AWS call) as one line naming `file:line` and the field, with the invalid-input exit code.
 */
import { EXIT_CODES, InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseStack, renderStack } from '../src/index.js';

/** A stack that sets every field of the schema. */
export function fullStack(): Record<string, unknown> {
  return {
    name: 'demo',
    cluster: {
      name: 'demo',
      region: 'eu-west-1',
      kubernetesVersion: '1.35',
      oidcIssuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789',
    },
    tags: { team: 'platform' },
    autoscaler: {
      identity: { mode: 'irsa' },
      workerGroups: { names: ['demo-a'] },
      nodeTemplates: {
        'demo-a': {
          labels: { role: 'gpu' },
          taints: { dedicated: 'gpu:NoSchedule' },
          resources: { 'nvidia.com/gpu': 1 },
        },
      },
      release: 'cluster-autoscaler',
      namespace: 'kube-system',
      serviceAccount: 'cluster-autoscaler',
      extraArgs: { 'scale-down-unneeded-time': '5m' },
      uncheckedExtraArgs: { 'some-new-flag': 'x' },
      roleName: 'demo-ca',
      chartVersion: '9.59.0',
      imageTag: 'v1.35.0',
    },
    metricsServer: { enabled: true, args: ['--kubelet-insecure-tls'], chartVersion: '3.13.1' },
    certificates: [
      {
        domainName: 'app.example.com',
        subjectAlternativeNames: ['www.example.com'],
        zones: { 'example.com': 'Z0123456789ABC' },
        keyAlgorithm: 'RSA_2048',
        region: 'us-east-1',
      },
    ],
    repositories: [
      {
        name: 'demo/app',
        tagMutability: 'IMMUTABLE',
        scanOnPush: true,
        lifecycle: { keepLast: 10, untaggedDays: 7 },
        cache: true,
      },
    ],
    gitlab: {
      runner: { namespace: 'gitlab-runner', serviceAccount: 'build', roleName: 'demo-build' },
      builder: 'kaniko',
      repository: 'demo/app',
      context: '$CI_PROJECT_DIR/app',
      dockerfile: 'docker/Dockerfile',
      image: 'ghcr.io/osscontainertools/kaniko:debug',
    },
    checks: { warnDays: 30, failDays: 7 },
  };
}

/** Set `value` at a dotted path with `[i]` indexes (the path is written as error messages name it). */
export function setPath(
  data: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const keys = path.match(/[^.[\]]+/g) ?? [];
  let node: Record<string, unknown> = data;
  keys.slice(0, -1).forEach((key) => {
    node = node[key] as Record<string, unknown>;
  });
  node[keys[keys.length - 1]!] = value;
  return data;
}

/**
 * One bad value per field: [field the error must name, path to set, bad value]. The fields marked
 * "render/apply" were refused only when rendering or applying before issue 15.
 */
export const BAD_FIELDS: [string, string, unknown][] = [
  ['name', 'name', 'a b'],
  ['cluster.name', 'cluster.name', 'bad name!'],
  ['cluster.region', 'cluster.region', 'mars-1'],
  ['cluster.kubernetesVersion', 'cluster.kubernetesVersion', '1.2'],
  // render/apply: the build role's trust needs an issuer with a path.
  ['cluster.oidcIssuer', 'cluster.oidcIssuer', 'https://oidc.example.com'],
  ['cluster.oidcIssuer', 'cluster.oidcIssuer', 'https://oidc.example.com/id/$(id)'],
  ['tags', 'tags', { 'eks-kit:stack': 'x' }],
  ['tags', 'tags', { team: 'a\nb' }],
  ['autoscaler.identity.mode', 'autoscaler.identity.mode', 'iam'],
  [
    'autoscaler.identity.workerRoleArns',
    'autoscaler.identity.workerRoleArns',
    ['arn:aws:iam::123456789012:role/x'],
  ],
  [
    'autoscaler.identity.serverRoleArn',
    'autoscaler.identity',
    { mode: 'kiam', serverRoleArn: 'arn:aws-cn:iam::123456789012:role/kiam' },
  ],
  ['autoscaler.workerGroups.names[0]', 'autoscaler.workerGroups.names', ['a:b']],
  // apply: asg-discovery refuses control characters when it selects the groups.
  ['autoscaler.workerGroups.names[0]', 'autoscaler.workerGroups.names', ['demo\ta']],
  ['autoscaler.nodeTemplates', 'autoscaler.nodeTemplates.demo-a.taints', { dedicated: 'gpu' }],
  ['autoscaler.release', 'autoscaler.release', 'Bad_Release'],
  ['autoscaler.namespace', 'autoscaler.namespace', 'Kube System'],
  ['autoscaler.serviceAccount', 'autoscaler.serviceAccount', 'SA!'],
  ['autoscaler.extraArgs.scan-interval', 'autoscaler.extraArgs', { 'scan-interval': '10 seconds' }],
  // render/apply: a flag value the chart's manifest line `- --flag=value` would turn into a map.
  [
    'autoscaler.uncheckedExtraArgs.some-new-flag',
    'autoscaler.uncheckedExtraArgs',
    { 'some-new-flag': 'a: b' },
  ],
  // render: helmfile refuses Go templates in a plain helmfile.yaml.
  [
    'autoscaler.uncheckedExtraArgs.some-new-flag',
    'autoscaler.uncheckedExtraArgs',
    { 'some-new-flag': '{{ .Values.x }}' },
  ],
  ['autoscaler.roleName', 'autoscaler.roleName', 'r'.repeat(65)],
  ['autoscaler.chartVersion', 'autoscaler.chartVersion', '^9.0.0'],
  ['autoscaler.imageTag', 'autoscaler.imageTag', 'v1.30.0'],
  // render: metricsServer was checked only when rendering.
  ['metricsServer.args[0]', 'metricsServer.args', ['kubelet-insecure-tls']],
  ['metricsServer.args[1]', 'metricsServer.args', ['--kubelet-insecure-tls', '--kubelet-insecure-tls']],
  ['metricsServer.args[0]', 'metricsServer.args', ['--kubelet-preferred-address-types=$(id) #x']],
  ['metricsServer.args[0]', 'metricsServer.args', ['--metric-resolution={{ .Values.x }}']],
  ['metricsServer.chartVersion', 'metricsServer.chartVersion', '3.x'],
  ['certificates[0].domainName', 'certificates[0].domainName', 'foo.*.example.com'],
  ['certificates[0].zones', 'certificates[0].zones', { 'other.org': 'Z0123456789ABC' }],
  // apply: a certificate in another partition than the cluster's.
  ['certificates[0].region', 'certificates[0].region', 'cn-north-1'],
  ['certificates[0].region', 'certificates[0].region', 'us-gov-west-1'],
  ['certificates[0].keyAlgorithm', 'certificates[0].keyAlgorithm', 'RSA_1024'],
  ['repositories[0].name', 'repositories[0].name', 'Demo/App'],
  // apply: the cache repository <name>/cache is longer than ECR's 256 characters.
  ['repositories[0].name', 'repositories[0].name', `demo/${'a'.repeat(246)}`],
  ['repositories[0].lifecycle.keepLast', 'repositories[0].lifecycle.keepLast', 0],
  ['repositories[0].tagMutability', 'repositories[0].tagMutability', 'SOMETIMES'],
  ['gitlab.runner.namespace', 'gitlab.runner.namespace', 'Bad NS'],
  // apply: the build role's trust takes a namespace (a DNS label), not a dotted name.
  ['gitlab.runner.namespace', 'gitlab.runner.namespace', 'gitlab.runner'],
  ['gitlab.runner.serviceAccount', 'gitlab.runner.serviceAccount', 'Bad'],
  ['gitlab.runner.roleName', 'gitlab.runner.roleName', 'r'.repeat(65)],
  ['gitlab.repository', 'gitlab.repository', 'other/app'],
  ['gitlab.builder', 'gitlab.builder', 'docker'],
  // render: values written into the shell lines of .gitlab-ci.yml.
  ['gitlab.context', 'gitlab.context', '$(id)'],
  ['gitlab.context', 'gitlab.context', '`id`'],
  ['gitlab.context', 'gitlab.context', 'a b'],
  ['gitlab.context', 'gitlab.context', "it's"],
  ['gitlab.context', 'gitlab.context', 'x"; id; "'],
  ['gitlab.context', 'gitlab.context', '${x}'],
  ['gitlab.dockerfile', 'gitlab.dockerfile', 'Dockerfile; id'],
  ['gitlab.dockerfile', 'gitlab.dockerfile', 'Dockerfile && id'],
  ['gitlab.image', 'gitlab.image', 'kaniko:$(id)'],
  ['gitlab.image', 'gitlab.image', 'kaniko:$CI_COMMIT_TAG'],
  ['gitlab.image', 'gitlab.image', 'Kaniko Debug'],
  ['checks.warnDays', 'checks.warnDays', 3],
];

function refusal(text: string): InvalidInputError {
  try {
    parseStack(text, 'eks-kit.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('the stack was accepted');
}

describe('a stack that sets every field', () => {
  it('loads and renders every file', () => {
    const stack = parseStack(stringify(fullStack()), 'eks-kit.yaml');
    const files = renderStack(stack, { accountId: '123456789012' });
    expect(files.map((f) => f.path)).toEqual([
      'helmfile.yaml',
      'values/cluster-autoscaler.yaml',
      'values/metrics-server.yaml',
      '.gitlab-ci.yml',
      'docker/config.json',
    ]);
    for (const file of files) expect(() => parse(file.content)).not.toThrow();
  });

  it('renders the BuildKit job too', () => {
    const data = setPath(fullStack(), 'gitlab.builder', 'buildkit');
    const stack = parseStack(stringify(data), 'eks-kit.yaml');
    expect(renderStack(stack, { accountId: '123456789012' })).toHaveLength(5);
  });
});

describe('one bad field: refused when the stack is loaded', () => {
  it.each(BAD_FIELDS)('%s = %j', (field, path, value) => {
    const text = stringify(setPath(fullStack(), path, value));
    const error = refusal(text);
    expect(error.exitCode).toBe(EXIT_CODES.invalidInput);
    expect(error.message).not.toMatch(/[\r\n]/);
    const at = /^eks-kit\.yaml:(\d+): (\S+?): /.exec(error.message);
    expect(at, error.message).not.toBeNull();
    expect(Number(at![1])).toBeGreaterThan(0);
    expect(at![2]!.startsWith(field), error.message).toBe(true);
  });

  it('names the line of the bad gitlab.context', () => {
    const text = stringify(setPath(fullStack(), 'gitlab.context', '$(id)'));
    const line = text.split('\n').findIndex((l) => l.includes('context:')) + 1;
    expect(refusal(text).message).toMatch(new RegExp(`^eks-kit\\.yaml:${line}: gitlab\\.context: `));
  });

  it('keeps CI variables in build paths on purpose', () => {
    const ok = ['$CI_PROJECT_DIR', '${CI_PROJECT_DIR}/sub', '.', 'apps/web'];
    for (const context of ok) {
      const stack = parseStack(stringify(setPath(fullStack(), 'gitlab.context', context)), 'eks-kit.yaml');
      expect(stack.gitlab?.context).toBe(context);
    }
  });

  it('a certificate in the cluster partition is accepted (aws-cn with aws-cn)', () => {
    const data = setPath(
      setPath(fullStack(), 'cluster.region', 'cn-north-1'),
      'certificates[0].region',
      'cn-northwest-1',
    );
    setPath(data, 'cluster.oidcIssuer', 'https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABCDEF0123456789');
    expect(parseStack(stringify(data), 'eks-kit.yaml').certificates[0]?.region).toBe('cn-northwest-1');
  });
});
