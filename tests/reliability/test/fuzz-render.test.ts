/**
 * Fuzz/property suite for the stack loader and renderer (issue 15, "nothing generated can run code"
 * and "one load step that checks everything"). For each stack field that reaches a generated file,
 * values drawn from hostile and grammar-shaped generators are put into an otherwise valid stack:
 * - refused: an InvalidInputError whose one-line message starts with `eks-kit.yaml:<line>: <field>`;
 * - accepted: renderStack never throws (the load step checked everything), every YAML file parses
 *   back and holds the value unchanged where it goes, the docker config is valid JSON, and the
 *   shell lines of .gitlab-ci.yml hand the value to the builder literally (run in a real sh, with
 *   only CI variable references expanded, as documented).
 * Fixed seed; EKS_KIT_FUZZ_RUNS sets the runs per field (default 150; a long run: 10000).
 */
import { execFileSync } from 'node:child_process';
import { InvalidInputError } from '@eks-kit/core';
import { parseStack, type RenderedFile, renderStack } from '@eks-kit/stack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const RUNS = Math.max(1, Number(process.env.EKS_KIT_FUZZ_RUNS ?? 150) || 150);
const SEED = 15;
const ACCOUNT = '123456789012';
const HOST = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;

/** Pieces a hostile user would try: substitution, expansion, quotes, separators, YAML indicators. */
const SNIPPETS = [
  '$(id)',
  '`id`',
  '${VAR}',
  '$VAR',
  '$CI_PROJECT_DIR',
  '${CI_COMMIT_SHA}',
  '$ci_lower',
  "'",
  '"',
  '\\',
  '\n',
  '\r\n',
  '\t',
  ';',
  '&&',
  '||',
  '|',
  '>',
  '<',
  ': ',
  ':',
  '#',
  ' #',
  '- ',
  '&a',
  '*a',
  '!tag',
  '|-',
  '>-',
  '{',
  '}',
  '[',
  ']',
  '%',
  '@',
  '{{ .Values.x }}',
  '---',
  '...',
  ' ',
  '\u0000',
  '\u2028',
  '\u0085',
  '\ufeff',
  'é',
];
const SAFE_CHARS = 'abcz019._-/+='.split('');

/** A string near `base`: base with hostile pieces and safe characters spliced in, or any text. */
function around(bases: readonly string[]): fc.Arbitrary<string> {
  const piece = fc.oneof(fc.constantFrom(...SNIPPETS), fc.constantFrom(...SAFE_CHARS));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...bases) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...bases), fc.array(piece, { minLength: 1, maxLength: 4 }), fc.boolean())
        .map(([base, pieces, before]) => (before ? pieces.join('') + base : base + pieces.join(''))),
    },
    { weight: 2, arbitrary: fc.string({ unit: piece, maxLength: 8 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }) },
  );
}

/** A stack that reaches every generated file. */
function baseStack(builder: 'kaniko' | 'buildkit'): Record<string, unknown> {
  return {
    name: 'fuzz',
    cluster: { name: 'fuzz', region: 'eu-west-1', kubernetesVersion: '1.35' },
    autoscaler: {
      identity: { mode: 'irsa' },
      workerGroups: { names: ['fuzz-a'] },
      release: 'cluster-autoscaler',
      namespace: 'kube-system',
      chartVersion: '9.59.0',
      extraArgs: { expander: 'grpc', 'grpc-expander-url': 'grpc.example.svc:7000' },
      uncheckedExtraArgs: { 'new-flag': 'x' },
    },
    metricsServer: { enabled: true, args: ['--kubelet-insecure-tls'], chartVersion: '3.13.1' },
    repositories: [{ name: 'team/app', cache: true }],
    gitlab: {
      runner: { serviceAccount: 'build' },
      builder,
      repository: 'team/app',
      context: '.',
      dockerfile: 'Dockerfile',
      image: 'ghcr.io/osscontainertools/kaniko:debug',
    },
  };
}

interface Rendered {
  helmfile: { releases: Array<Record<string, unknown>> };
  autoscaler: Record<string, unknown> & { extraArgs?: Record<string, unknown>; image?: { tag?: string } };
  metrics: { args?: string[] };
  job: { image: { name: string }; script: string[]; before_script?: string[] };
  files: RenderedFile[];
}

function rendered(files: RenderedFile[]): Rendered {
  const text = (path: string) => files.find((f) => f.path === path)?.content ?? '';
  for (const f of files) {
    // Helm/helmfile (Go) and GitLab (Ruby) read YAML 1.1, where these are line breaks or a BOM.
    expect(f.content).not.toMatch(/[\u0085\u2028\u2029\ufeff]/);
    if (f.path.endsWith('.json')) JSON.parse(f.content);
    else expect(() => parse(f.content, { strict: true, uniqueKeys: true })).not.toThrow();
  }
  const jobs = parse(text('.gitlab-ci.yml')) as Record<string, Rendered['job']>;
  return {
    helmfile: parse(text('helmfile.yaml')),
    autoscaler: parse(text('values/cluster-autoscaler.yaml')),
    metrics: parse(text('values/metrics-server.yaml')),
    job: jobs['build-image']!,
    files,
  };
}

/** The job shell's environment in these runs: CI variables that hold shell syntax themselves. */
const ENV: Record<string, string> = {
  CI_PROJECT_DIR: '/builds/g p/$(id)',
  CI_COMMIT_SHA: 'c0ffee',
  CI_COMMIT_SHORT_SHA: 'c0ffee1',
  VAR: 'v;`id`',
  HOME: '/home/ci',
};

function expand(value: string): string {
  return value.replace(/\$\{([A-Z_][A-Z0-9_]*)\}|\$([A-Z_][A-Z0-9_]*)/g, (_m, a, b) => ENV[a ?? b] ?? '');
}

/** The words the builder command of the job's script line receives, from a real sh. */
function builderArgv(job: Rendered['job'], builder: 'kaniko' | 'buildkit'): string[] {
  const line = builder === 'kaniko' ? job.script[2]! : job.script[0]!;
  const prefix = builder === 'kaniko' ? '/kaniko/executor ' : 'buildctl-daemonless.sh build ';
  expect(line.startsWith(prefix)).toBe(true);
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${line.slice(prefix.length)}`], {
    env: { PATH: process.env.PATH ?? '', ...ENV },
    encoding: 'utf8',
  });
  return out.split('\0').slice(0, -1);
}

interface Target {
  /** The stack path the value is written to. */
  path: string;
  /** Error fields (prefixes) a refusal may name. */
  fields: string[];
  values: fc.Arbitrary<string>;
  /** The stack with the value in place. */
  put?: (data: Record<string, unknown>, value: string) => void;
  /** Where the accepted value must come back. */
  expectBack: (r: Rendered, value: string, builder: 'kaniko' | 'buildkit') => void;
}

function setPath(data: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = data;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
}

const TARGETS: Target[] = [
  {
    path: 'cluster.name',
    fields: ['cluster.name'],
    values: around(['fuzz', 'prod-eks', 'a_b']),
    expectBack: (r, v) => expect((r.autoscaler.autoDiscovery as { clusterName: string }).clusterName).toBe(v),
  },
  {
    path: 'autoscaler.release',
    fields: ['autoscaler.release'],
    values: around(['cluster-autoscaler', 'ca']),
    expectBack: (r, v) => expect(r.helmfile.releases[0]?.name).toBe(v),
  },
  {
    path: 'autoscaler.namespace',
    fields: ['autoscaler.namespace'],
    values: around(['kube-system', 'ops']),
    expectBack: (r, v) => expect(r.helmfile.releases[0]?.namespace).toBe(v),
  },
  {
    path: 'autoscaler.chartVersion',
    fields: ['autoscaler.chartVersion', 'cluster.kubernetesVersion'],
    values: around(['9.59.0', '9.46.6', '10.0.0-rc.1']),
    expectBack: (r, v) => expect(r.helmfile.releases[0]?.version).toBe(v),
  },
  {
    path: 'autoscaler.imageTag',
    fields: ['autoscaler.imageTag', 'cluster.kubernetesVersion'],
    values: around(['v1.35.0', 'v1.35.2']),
    expectBack: (r, v) => expect(r.autoscaler.image?.tag).toBe(v),
  },
  {
    path: 'autoscaler.serviceAccount',
    fields: ['autoscaler.serviceAccount'],
    values: around(['ca', 'cluster-autoscaler']),
    expectBack: (r, v) =>
      expect((r.autoscaler.rbac as { serviceAccount: { name: string } }).serviceAccount.name).toBe(v),
  },
  {
    path: 'autoscaler.uncheckedExtraArgs.new-flag',
    fields: ['autoscaler.uncheckedExtraArgs'],
    values: around(['x', '10', 'a=b,c']),
    put: (data, v) => {
      (data.autoscaler as Record<string, unknown>).uncheckedExtraArgs = { 'new-flag': v };
    },
    expectBack: (r, v) => {
      expect(r.autoscaler.extraArgs?.['new-flag']).toBe(v);
      // The chart writes `- --new-flag=<value>` as text into its Deployment: still one string.
      expect(parse(`args:\n  - --new-flag=${v}\n`)).toEqual({ args: [`--new-flag=${v}`] });
    },
  },
  {
    path: 'autoscaler.extraArgs.grpc-expander-url',
    fields: ['autoscaler.extraArgs'],
    values: around(['grpc.example.svc:7000', 'h:1']),
    put: (data, v) => {
      (data.autoscaler as Record<string, unknown>).extraArgs = { expander: 'grpc', 'grpc-expander-url': v };
    },
    expectBack: (r, v) => {
      expect(r.autoscaler.extraArgs?.['grpc-expander-url']).toBe(v);
      expect(parse(`args:\n  - --grpc-expander-url=${v}\n`)).toEqual({ args: [`--grpc-expander-url=${v}`] });
    },
  },
  {
    path: 'metricsServer.args',
    fields: ['metricsServer.args'],
    values: around(['--kubelet-insecure-tls', '--metric-resolution=15s']),
    put: (data, v) => {
      (data.metricsServer as Record<string, unknown>).args = [v];
    },
    expectBack: (r, v) => expect(r.metrics.args).toEqual([v]),
  },
  {
    path: 'metricsServer.chartVersion',
    fields: ['metricsServer.chartVersion'],
    values: around(['3.13.1', '3.12.0']),
    expectBack: (r, v) => expect(r.helmfile.releases[1]?.version).toBe(v),
  },
  {
    path: 'gitlab.image',
    fields: ['gitlab.image'],
    values: around(['ghcr.io/osscontainertools/kaniko:debug', 'moby/buildkit:rootless', 'localhost:5000/b']),
    expectBack: (r, v) => expect(r.job.image.name).toBe(v),
  },
  {
    path: 'gitlab.context',
    fields: ['gitlab.context'],
    values: around(['.', '$CI_PROJECT_DIR', '${CI_PROJECT_DIR}/app', 'apps/web']),
    expectBack: (r, v, builder) => {
      const argv = builderArgv(r.job, builder);
      if (builder === 'kaniko') expect(argv.slice(0, 2)).toEqual(['--context', expand(v)]);
      else expect(argv).toContain(`context=${expand(v)}`);
    },
  },
  {
    path: 'gitlab.dockerfile',
    fields: ['gitlab.dockerfile'],
    values: around(['Dockerfile', 'docker/Dockerfile.prod', '$CI_PROJECT_DIR/Dockerfile']),
    expectBack: (r, v, builder) => {
      const argv = builderArgv(r.job, builder);
      if (builder === 'kaniko') expect(argv.slice(2, 4)).toEqual(['--dockerfile', expand(v)]);
      else {
        const dir = v.includes('/') ? v.slice(0, v.lastIndexOf('/')) : '.';
        expect(argv).toContain(`dockerfile=${expand(dir)}`);
      }
    },
  },
  {
    path: 'repositories.0.name',
    fields: ['repositories[0].name', 'gitlab.repository'],
    values: around(['team/app', 'a.b-c_d/e']),
    put: (data, v) => {
      data.repositories = [{ name: v, cache: true }];
      (data.gitlab as Record<string, unknown>).repository = v;
    },
    expectBack: (r, v, builder) => {
      const argv = builderArgv(r.job, builder);
      const destination = `${HOST}/${v}:${ENV.CI_COMMIT_SHORT_SHA}`;
      if (builder === 'kaniko') expect(argv.slice(4, 6)).toEqual(['--destination', destination]);
      else expect(argv).toContain(`type=image,"name=${destination}",push=true`);
      expect(r.job.script.join('\n') + (r.job.before_script ?? []).join('\n')).toContain(
        `${HOST}/${v}/cache`,
      );
    },
  },
];

/** Counters per field, printed at the end (accepted values are the ones that exercise rendering). */
const counts: Record<string, { accepted: number; refused: number }> = {};

describe('fuzz: stack field values are refused at load or rendered back literally', () => {
  it.each(TARGETS.map((t) => [t.path, t] as const))('%s', (_path, target) => {
    const tally = { accepted: 0, refused: 0 };
    counts[target.path] = tally;
    fc.assert(
      fc.property(
        target.values,
        fc.constantFrom('kaniko' as const, 'buildkit' as const),
        (value, builder) => {
          const data = baseStack(builder);
          if (target.put) target.put(data, value);
          else setPath(data, target.path, value);
          let stack: ReturnType<typeof parseStack>;
          try {
            stack = parseStack(stringify(data), 'eks-kit.yaml');
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidInputError);
            const message = (error as Error).message;
            expect(message).not.toMatch(/[\r\n\u2028\u2029]/);
            const at = /^eks-kit\.yaml:\d+: (\S+): expected /.exec(message);
            expect(at, message).not.toBeNull();
            expect(
              target.fields.some((f) => at![1]!.startsWith(f)),
              message,
            ).toBe(true);
            tally.refused++;
            return;
          }
          tally.accepted++;
          const files = renderStack(stack, { accountId: ACCOUNT });
          target.expectBack(rendered(files), value, builder);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    // The generators reach both outcomes, so neither branch is dead (checked when the run is not tiny).
    if (RUNS >= 50) {
      expect(tally.refused).toBeGreaterThan(0);
      expect(tally.accepted).toBeGreaterThan(0);
    }
  });

  it('report', () => {
    const total = Object.values(counts).reduce((n, c) => n + c.accepted + c.refused, 0);
    console.log(`fuzz-render: ${TARGETS.length} fields x ${RUNS} runs = ${total} stacks`, counts);
    expect(total).toBe(TARGETS.length * RUNS);
  });
});
