import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { DERIVED_NAME_LIMITS, derivedNames, parseStack } from '../src/index.js';

/** A stack with every part that derives names; `extra` lines go under the given sections. */
function stackText(
  name: string,
  options: {
    autoscalerRole?: string;
    runnerRole?: string;
    repo?: string;
    cache?: boolean;
    release?: string;
  } = {},
): string {
  const repo = options.repo ?? 'team/app';
  return `name: ${name}
cluster:
  name: demo
  region: eu-west-1
  kubernetesVersion: "1.35"
autoscaler:
  workerGroups:
    names: [demo-workers]
${options.autoscalerRole ? `  roleName: ${options.autoscalerRole}\n` : ''}${options.release ? `  release: ${options.release}\n` : ''}metricsServer:
  enabled: true
repositories:
  - name: ${repo}
    cache: ${options.cache ?? true}
gitlab:
  runner:
    serviceAccount: build
${options.runnerRole ? `    roleName: ${options.runnerRole}\n` : ''}  repository: ${repo}
`;
}

function refusal(text: string): InvalidInputError | undefined {
  try {
    parseStack(text, 'eks-kit.yaml');
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).not.toContain('\n');
    return error as InvalidInputError;
  }
}

const name = (length: number): string => `s${'a'.repeat(length - 1)}`;
const AUTOSCALER_MAX = 64 - '-cluster-autoscaler'.length; // 45
const RUNNER_MAX = 64 - '-gitlab-build'.length; // 51

describe('derived role names are never truncated: every stack name length 1-63', () => {
  const lengths = Array.from({ length: 63 }, (_, i) => i + 1);

  it.each(lengths)('stack name of %i characters, both default role names', (length) => {
    const error = refusal(stackText(name(length)));
    if (length <= AUTOSCALER_MAX) {
      expect(error).toBeUndefined();
      const roles = derivedNames(parseStack(stackText(name(length)))).filter(
        (n) => n.kind === 'iam-role' && !n.name.startsWith('eks-kit-checks-'),
      );
      expect(roles.map((r) => r.name)).toEqual([
        `${name(length)}-cluster-autoscaler`,
        `${name(length)}-gitlab-build`,
      ]);
      for (const r of roles) expect(r.name.length).toBeLessThanOrEqual(DERIVED_NAME_LIMITS['iam-role']);
    } else {
      expect(error?.field).toBe('name');
      expect(error?.message).toMatch(
        /^eks-kit\.yaml:1: name: expected a stack name of at most 45 characters while autoscaler\.roleName is unset/,
      );
      expect(error?.hint).toContain('autoscaler.roleName');
    }
  });

  it.each(lengths)('stack name of %i characters, autoscaler role set, default runner role', (length) => {
    const error = refusal(stackText(name(length), { autoscalerRole: 'autoscaler' }));
    if (length <= RUNNER_MAX) expect(error).toBeUndefined();
    else {
      expect(error?.field).toBe('name');
      expect(error?.message).toContain(
        `at most ${RUNNER_MAX} characters while gitlab.runner.roleName is unset`,
      );
    }
  });

  it.each(lengths)('stack name of %i characters, both roles set: never refused', (length) => {
    expect(
      refusal(stackText(name(length), { autoscalerRole: 'autoscaler', runnerRole: 'runner' })),
    ).toBeUndefined();
  });

  it('the old collision: a 63-character stack name made both defaults the same 64 characters', () => {
    const long = name(63);
    expect(`${long}-cluster-autoscaler`.slice(0, 64)).toBe(`${long}-gitlab-build`.slice(0, 64));
    expect(refusal(stackText(long))?.field).toBe('name');
  });
});

describe('repository names with a cache repository: every length around 250', () => {
  const repoOf = (length: number): string => `r${'a'.repeat(length - 1)}`;
  it.each(Array.from({ length: 12 }, (_, i) => 245 + i))('a repository name of %i characters', (length) => {
    const withCache = refusal(stackText('demo', { repo: repoOf(length), cache: true }));
    if (length <= 250) expect(withCache).toBeUndefined();
    else {
      expect(withCache?.field).toBe('repositories[0].name');
      expect(withCache?.message).toContain('at most 250 characters with cache: true');
      expect(withCache?.message).toMatch(/^eks-kit\.yaml:12: /);
    }
    expect(refusal(stackText('demo', { repo: repoOf(length), cache: false }))).toBeUndefined();
  });
});

describe('derived names never collide', () => {
  it('all derived names of a full stack are pairwise distinct within each kind', () => {
    for (const stackName of ['demo', name(AUTOSCALER_MAX)]) {
      const names = derivedNames(parseStack(stackText(stackName)));
      expect(names.map((n) => n.kind).sort()).toEqual(
        [
          'ecr-repository',
          'ecr-repository',
          'helm-release',
          'helm-release',
          'iam-inline-policy',
          'iam-inline-policy',
          'iam-role',
          'iam-role',
          'iam-role',
          'service-account',
          'service-account',
          'service-account',
        ].sort(),
      );
      const keys = names.map((n) => n.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const n of names) expect(n.bare.length).toBeLessThanOrEqual(DERIVED_NAME_LIMITS[n.kind]);
    }
  });

  const collisions: [string, string, string, string?][] = [
    [
      'runner role = autoscaler default',
      stackText('demo', { runnerRole: 'demo-cluster-autoscaler' }),
      'gitlab.runner.roleName',
    ],
    [
      'runner role = autoscaler role, other case',
      stackText('demo', { autoscalerRole: 'Build', runnerRole: 'build' }),
      'gitlab.runner.roleName',
    ],
    [
      'autoscaler role = runner default',
      stackText('demo', { autoscalerRole: 'demo-gitlab-build' }),
      'gitlab.runner.roleName',
    ],
    [
      'autoscaler release = metrics-server release',
      stackText('demo', { release: 'metrics-server' }),
      'metricsServer',
    ],
    [
      'a listed repository = another cache repository',
      stackText('demo').replace('repositories:\n', 'repositories:\n  - name: team/app/cache\n'),
      'repositories[1].cache',
      'no cache: team/app/cache is listed',
    ],
    [
      'runner service account = autoscaler service account',
      stackText('demo').replace(
        '    serviceAccount: build\n',
        '    serviceAccount: cluster-autoscaler-aws-cluster-autoscaler\n    namespace: kube-system\n',
      ),
      'gitlab.runner.serviceAccount',
    ],
  ];
  collisions.push([
    'autoscaler role = the checks Lambda role',
    stackText('demo', { autoscalerRole: 'EKS-KIT-CHECKS-demo' }),
    'autoscaler.roleName',
    'distinct from the one of the checks Lambda (its default role name) (eks-kit-checks-demo, IAM names ignore case)',
  ]);
  it.each(collisions)('%s', (_, text, field, message = 'distinct from') => {
    const error = refusal(text);
    expect(error?.field).toBe(field);
    expect(error?.message).toContain(message);
  });
});
