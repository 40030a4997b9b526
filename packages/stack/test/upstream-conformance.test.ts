/**
 * Issue 23: the files `eks-kit render` writes, for every variant of a stack (each Kubernetes minor
 * of the version map, each identity mode, kaniko and BuildKit, Dockerfile at the root or in a
 * subfolder, with and without the layer cache and metrics-server), checked against upstream's own
 * definitions: the value keys the pinned cluster-autoscaler and metrics-server charts read, the
 * helmfile schema published by SchemaStore, and GitLab's CI JSON schema, validated with ajv. The
 * data is the one kept in packages/helm-values/test/upstream and packages/ecr-credentials/test/upstream
 * (sources, licences and dates in their SOURCES.json); scripts/refresh-upstream-data.mjs refreshes it.
 */
import { readFileSync } from 'node:fs';
import { InvalidInputError } from '@eks-kit/core';
import { CLUSTER_AUTOSCALER_VERSIONS, METRICS_SERVER_CHART_VERSION } from '@eks-kit/helm-values';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { IDENTITY_MODES, parseStack, renderStack } from '../src/index.js';

const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const helmData = (file: string) => readJson(`../../helm-values/test/upstream/${file}`);
const ecrData = (file: string) => readJson(`../../ecr-credentials/test/upstream/${file}`);

interface ChartData {
  valuePaths: string[];
  templateRefs: string[];
  wholeRefs: string[];
}

function leaves(value: unknown, prefix: string[], out: string[][]): string[][] {
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, [...prefix, key], out);
  } else out.push(prefix);
  return out;
}

/** Value keys the chart does not read (same rule as helm-values' test/upstream.ts). */
function unreadValueKeys(values: unknown, chart: ChartData): string[] {
  const paths = new Set(chart.valuePaths);
  const whole = new Set(chart.wholeRefs);
  const read = (p: string) =>
    chart.templateRefs.some((r) => r === p || p.startsWith(`${r}.`) || r.startsWith(`${p}.`));
  return leaves(values, [], [])
    .filter((segments) => !segments.some((_, i) => i > 0 && whole.has(segments.slice(0, i).join('.'))))
    .map((segments) => segments.join('.'))
    .filter((path) => !whole.has(path) && (!paths.has(path) || !read(path)));
}

const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true, validateFormats: false });
const validateHelmfile = ajv.compile(helmData('helmfile.schema.json'));
const validateGitlab = ajv.compile(ecrData('gitlab-ci.schema.json'));
const errorsOf = (validate: typeof validateHelmfile, doc: unknown) =>
  validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);

/** What kube2iam and kiam need besides the mode. */
const IDENTITY_EXTRA: Record<string, string> = {
  kube2iam: '    workerRoleArns: [arn:aws:iam::123456789012:role/demo-nodes]\n',
  kiam: '    serverRoleArn: arn:aws:iam::123456789012:role/kiam-server\n',
};

function stackYaml(o: {
  minor: string;
  mode: string;
  builder: string;
  dockerfile: 'root' | 'subfolder';
  cache: boolean;
  metricsServer: boolean;
  digest?: boolean;
}): string {
  const files =
    o.dockerfile === 'root'
      ? ''
      : '  context: $CI_PROJECT_DIR/services/api\n  dockerfile: $CI_PROJECT_DIR/services/api/docker/Dockerfile.prod\n';
  return `name: demo
cluster:
  name: demo
  region: eu-west-1
  kubernetesVersion: "${o.minor}"
autoscaler:
  identity:
    mode: ${o.mode}
${IDENTITY_EXTRA[o.mode] ?? ''}  workerGroups:
    prefix: demo-workers-
  extraArgs:
    expander: least-waste
    max-nodes-total: 1000000
    scale-down-unneeded-time: 5m
  uncheckedExtraArgs:
    max-empty-bulk-delete: 2000000
metricsServer:
  enabled: ${o.metricsServer}
repositories:
  - name: demo/app
    cache: ${o.cache}
gitlab:
  runner:
    serviceAccount: build
  builder: ${o.builder}
  repository: demo/app
${files}${o.digest ? `  imageDigest: sha256:${'ab'.repeat(32)}\n` : ''}`;
}

const minors = CLUSTER_AUTOSCALER_VERSIONS.map((row) => [row.kubernetesMinor, row.chartVersion] as const);

describe('every rendered variant matches the pinned upstream definitions', () => {
  describe.each(minors)('Kubernetes %s (chart %s)', (minor, chartVersion) => {
    const chart = helmData(`cluster-autoscaler-chart-${chartVersion}.json`) as ChartData;
    const metrics = helmData(`metrics-server-chart-${METRICS_SERVER_CHART_VERSION}.json`) as ChartData;

    it.each(IDENTITY_MODES)(
      'identity %s: every builder, Dockerfile place, cache and metrics-server',
      (mode) => {
        for (const builder of ['kaniko', 'buildkit'])
          for (const dockerfile of ['root', 'subfolder'] as const)
            for (const cache of [true, false])
              for (const metricsServer of [true, false]) {
                const label = `${builder}/${dockerfile}/cache=${cache}/metrics-server=${metricsServer}`;
                const stack = parseStack(
                  stackYaml({ minor, mode, builder, dockerfile, cache, metricsServer }),
                );
                const files = new Map(
                  renderStack(stack, { accountId: '123456789012' }).map((f) => [f.path, f.content]),
                );
                const helmfile = parse(files.get('helmfile.yaml') ?? '');
                expect(errorsOf(validateHelmfile, helmfile), label).toEqual([]);
                const ca = parse(files.get('values/cluster-autoscaler.yaml') ?? '');
                expect(unreadValueKeys(ca, chart), label).toEqual([]);
                // Numbers reach Helm as strings, so its %v printing cannot turn them into 1e+06.
                expect(ca.extraArgs['max-nodes-total'], label).toBe('1000000');
                expect(ca.extraArgs['max-empty-bulk-delete'], label).toBe('2000000');
                expect(files.has('values/metrics-server.yaml'), label).toBe(metricsServer);
                if (metricsServer) {
                  const ms = parse(files.get('values/metrics-server.yaml') ?? '');
                  expect(unreadValueKeys(ms, metrics), label).toEqual([]);
                }
                const ci = parse(files.get('.gitlab-ci.yml') ?? '');
                expect(errorsOf(validateGitlab, ci), label).toEqual([]);
              }
      },
    );
  });

  it.each(['kaniko', 'buildkit'])('gitlab.imageDigest pins the default %s image to a digest', (builder) => {
    const opts = { minor: '1.35', mode: 'irsa', builder, dockerfile: 'subfolder', cache: true } as const;
    const stack = parseStack(stackYaml({ ...opts, metricsServer: false, digest: true }));
    const ci = parse(
      renderStack(stack, { accountId: '123456789012' }).find((f) => f.path === '.gitlab-ci.yml')!.content,
    );
    expect(ci['build-image'].image.name).toMatch(/:v\d+\.\d+\.\d+-(debug|rootless)@sha256:(ab){32}$/);
    expect(errorsOf(validateGitlab, ci)).toEqual([]);
  });

  it('gitlab.imageDigest is checked at load: a bad digest, or one with gitlab.image, names the field', () => {
    const base = stackYaml({
      minor: '1.35',
      mode: 'irsa',
      builder: 'kaniko',
      dockerfile: 'root',
      cache: false,
      metricsServer: false,
    });
    const messageOf = (text: string) => {
      try {
        parseStack(text, 'eks-kit.yaml');
      } catch (error) {
        if (error instanceof InvalidInputError) return error.message;
        throw error;
      }
      return undefined;
    };
    expect(messageOf(`${base}  imageDigest: latest\n`)).toMatch(/^eks-kit\.yaml:\d+: gitlab\.imageDigest: /);
    expect(
      messageOf(`${base}  image: moby/buildkit:v0.32.2-rootless\n  imageDigest: sha256:${'ab'.repeat(32)}\n`),
    ).toMatch(/gitlab\.imageDigest: expected no imageDigest with image/);
  });

  it('the checks fail on a key the chart does not read and on a job GitLab refuses', () => {
    const chart = helmData(`cluster-autoscaler-chart-${minors[0]![1]}.json`) as ChartData;
    expect(unreadValueKeys({ awsRegion: 'x', autoDiscovery: { clusterNames: 'x' } }, chart)).toEqual([
      'autoDiscovery.clusterNames',
    ]);
    expect(errorsOf(validateGitlab, { 'build-image': { script: 'x', stage: 1 } }).length).toBeGreaterThan(0);
  });
});
