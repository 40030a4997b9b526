/**
 * Issue 15: nothing generated can run code or change a document's shape. Every string field that
 * reaches the values files or helmfile.yaml is either refused by its grammar (InvalidInputError
 * naming the field, one line) or comes back unchanged when the rendered YAML is parsed; flags the
 * chart writes into its manifest as `- --flag=value` stay one YAML string there.
 */
import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type ClusterAutoscalerReleaseInput,
  clusterAutoscalerRelease,
  helmfile,
  type MetricsServerReleaseInput,
  metricsServerRelease,
  valuesYaml,
} from '../src/index.js';

const HOSTILE = [
  '$(id)',
  '`id`',
  '${VAR}',
  "'",
  '"',
  '\n',
  'a\nb: c',
  ';',
  '&&',
  ': ',
  ':',
  '#',
  ' #',
  '- ',
  '&',
  '*',
  '!',
  '|',
  '>',
  '{',
  '[',
  '%',
  '@',
  '{{ .Values.x }}',
  '\t',
  '\u0000',
];

const ROLE = 'arn:aws:iam::123456789012:role/ca';
const BASE: ClusterAutoscalerReleaseInput = {
  cluster: 'demo',
  region: 'eu-west-1',
  kubernetesVersion: '1.35',
  identity: { type: 'irsa', roleArn: ROLE },
};

const AUTOSCALER_FIELDS: [string, (h: string) => Partial<ClusterAutoscalerReleaseInput>][] = [
  ['cluster', (h) => ({ cluster: `demo${h}` })],
  ['region', (h) => ({ region: `eu-west-1${h}` })],
  ['kubernetesVersion', (h) => ({ kubernetesVersion: `1.35${h}` })],
  ['identity.roleArn', (h) => ({ identity: { type: 'irsa', roleArn: `${ROLE}${h}` } })],
  ['release', (h) => ({ release: `ca${h}` })],
  ['namespace', (h) => ({ namespace: `kube${h}` })],
  ['chartVersion', (h) => ({ chartVersion: `9.59.0${h}` })],
  ['image.tag', (h) => ({ image: { tag: `v1.35.0${h}` } })],
  ['serviceAccount.name', (h) => ({ serviceAccount: { name: `sa${h}` } })],
  ['extraArgs.grpc-expander-url', (h) => ({ extraArgs: { expander: 'grpc', 'grpc-expander-url': `x${h}` } })],
  ['extraArgs.scale-down-unneeded-time', (h) => ({ extraArgs: { 'scale-down-unneeded-time': `5m${h}` } })],
  ['uncheckedExtraArgs.some-flag', (h) => ({ uncheckedExtraArgs: { 'some-flag': `v${h}x` } })],
  ['uncheckedExtraArgs.some-flag (end)', (h) => ({ uncheckedExtraArgs: { 'some-flag': `v${h}` } })],
  ['uncheckedExtraArgs key', (h) => ({ uncheckedExtraArgs: { [`flag${h}`]: 'v' } })],
];

/** The line the cluster-autoscaler chart writes for each extraArgs entry (templates/deployment.yaml). */
function chartArgLine(key: string, value: unknown): unknown {
  return (parse(`args:\n  - --${key.split('_')[0]}=${String(value)}\n`) as { args: unknown[] }).args;
}

function refusedOneLine(error: unknown): InvalidInputError {
  expect(error).toBeInstanceOf(InvalidInputError);
  expect((error as Error).message).not.toMatch(/[\r\n]/);
  return error as InvalidInputError;
}

describe('cluster-autoscaler release with hostile values', () => {
  const cases = AUTOSCALER_FIELDS.flatMap(([field, make]) => HOSTILE.map((h) => [field, h, make] as const));
  it.each(cases)('%s %j: refused naming the field, or rendered back unchanged', (field, h, make) => {
    const input = { ...BASE, ...make(h) } as ClusterAutoscalerReleaseInput;
    let release: ReturnType<typeof clusterAutoscalerRelease>;
    let file: ReturnType<typeof helmfile>;
    try {
      release = clusterAutoscalerRelease(input);
      // A plain helmfile.yaml refuses Go templates ({{ }}) anywhere in its values.
      file = helmfile({ repositories: [release.repository], releases: [release.release] });
    } catch (error) {
      const refused = refusedOneLine(error);
      const expected = field.replace(/ \(end\)$/, '').replace(/ key$/, '');
      const path = refused.field.replace(/^releases\[0\]\.values\[0\]\./, '');
      const allowed = [
        expected,
        expected.replace(/^unchecked(E)/, 'e'),
        'rbac.serviceAccount.annotations.eks.amazonaws.com/role-arn',
      ];
      expect(allowed.some((f) => path.startsWith(f))).toBe(true);
      return;
    }
    const values = release.release.values[0];
    expect(parse(valuesYaml(values))).toEqual(JSON.parse(JSON.stringify(values)));
    const back = parse(file.content) as { releases: Record<string, unknown>[] };
    expect(back.releases[0]).toMatchObject({
      name: release.release.name,
      namespace: release.release.namespace,
      version: release.chartVersion,
    });
    for (const [key, value] of Object.entries(values.extraArgs ?? {}))
      expect(chartArgLine(key, value)).toEqual([`--${key.split('_')[0]}=${String(value)}`]);
  });
});

const METRICS_FIELDS: [string, (h: string) => MetricsServerReleaseInput][] = [
  ['args[0]', (h) => ({ args: [`--kubelet-insecure-tls${h}`] })],
  ['args[0] (value)', (h) => ({ args: [`--metric-resolution=15s${h}x`] })],
  ['chartVersion', (h) => ({ chartVersion: `3.13.1${h}` })],
  ['release', (h) => ({ release: `ms${h}` })],
  ['namespace', (h) => ({ namespace: `kube${h}` })],
];

describe('metrics-server release with hostile values', () => {
  const cases = METRICS_FIELDS.flatMap(([field, make]) => HOSTILE.map((h) => [field, h, make] as const));
  it.each(cases)('%s %j: refused naming the field, or rendered back unchanged', (field, h, make) => {
    let release: ReturnType<typeof metricsServerRelease>;
    let file: ReturnType<typeof helmfile>;
    try {
      release = metricsServerRelease(make(h));
      file = helmfile({ repositories: [release.repository], releases: [release.release] });
    } catch (error) {
      const path = refusedOneLine(error).field.replace(/^releases\[0\]\.values\[0\]\./, '');
      expect(path).toBe(field.replace(/ \(value\)$/, ''));
      return;
    }
    const values = release.release.values?.[0] ?? {};
    expect(parse(valuesYaml(values))).toEqual(JSON.parse(JSON.stringify(values)));
    expect((parse(file.content) as { releases: unknown[] }).releases[0]).toMatchObject({
      name: release.release.name,
      namespace: release.release.namespace,
      version: release.release.version,
    });
  });
});
