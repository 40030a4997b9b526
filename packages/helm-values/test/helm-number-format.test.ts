/**
 * Issue 23 (1): numeric flag values reach the autoscaler pod as the digits the user meant.
 *
 * Helm reads values YAML into Go values where every number is a float64 (sigs.k8s.io/yaml goes
 * through JSON), and the chart's `- --{{ $key }}={{ $value }}`
 * (cluster-autoscaler/charts/cluster-autoscaler/templates/deployment.yaml) prints it with Go's `%v`,
 * i.e. strconv.FormatFloat(f, 'g', -1, 64): exponent form when the decimal exponent is below -4 or
 * at least 6 (shortest %g), hence helm/helm#12195 (`1000000` -> `1e+06`).
 * `goPrintValue` reproduces that printing for what `yaml` parses back from the rendered file, so the
 * test fails if a number ever reaches the values file as a YAML number again.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  clusterAutoscalerExtraArgs,
  clusterAutoscalerValues,
  helmVerbatimNumber,
  valuesYaml,
} from '../src/index.js';
import { ROLE_ARN, refusedField } from './helpers.js';

/** Go's `fmt.Sprint(float64)`: shortest digits, %e form when exp < -4 || exp >= 6 (strconv 'g', -1). */
function goPrintFloat(f: number): string {
  if (f === 0) return '0';
  // Shortest round-trip digits, as strconv does ('g', -1).
  const [mantissa = '', expText = '0'] = f.toExponential().split('e');
  const exp = Number(expText);
  // text/template prints with fmt's %v, which is strconv 'g' with shortest precision (eprec 6).
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(f);
}

/** How text/template prints a value Helm parsed from YAML. */
function goPrintValue(value: unknown): string {
  if (typeof value === 'number') return goPrintFloat(value);
  return String(value);
}

/** The `- --key=value` lines the chart's deployment template writes from rendered values YAML. */
function chartArgLines(valuesFile: string): string[] {
  const values = parse(valuesFile) as { extraArgs?: Record<string, unknown> };
  return Object.entries(values.extraArgs ?? {}).map(
    ([key, value]) => `--${key.split('_')[0]}=${goPrintValue(value)}`,
  );
}

describe('Go float printing model (sanity: the hazard is real)', () => {
  it.each([
    [1000000, '1e+06'],
    [1234567, '1.234567e+06'],
    [100000, '100000'],
    [0.5, '0.5'],
    [0.00001, '1e-05'],
    [0.0001, '0.0001'],
  ])('%d prints as %s', (n, text) => {
    expect(goPrintFloat(n)).toBe(text);
  });

  it('a YAML number of a million would reach the pod as 1e+06', () => {
    expect(chartArgLines('extraArgs:\n  max-nodes-total: 1000000\n')).toEqual(['--max-nodes-total=1e+06']);
  });
});

describe('numeric flag values are rendered as digit strings', () => {
  const big = {
    'max-nodes-total': 1000000,
    'max-graceful-termination-sec': 86400000,
    'expendable-pods-priority-cutoff': -10000000,
    'scale-down-utilization-threshold': 0.00001,
    v: 10,
  };
  const unchecked = { 'max-empty-bulk-delete': 2000000, 'max-total-unready-percentage': 45.5 };

  it('renders every large or tiny number verbatim through Helm', () => {
    const values = clusterAutoscalerValues({
      cluster: 'eks-kit-demo',
      region: 'ap-northeast-1',
      kubernetesVersion: '1.35',
      identity: { type: 'irsa', roleArn: ROLE_ARN },
      extraArgs: big,
      uncheckedExtraArgs: unchecked,
    });
    const file = valuesYaml(values);
    const lines = chartArgLines(file);
    expect(lines).toEqual([
      '--expendable-pods-priority-cutoff=-10000000',
      '--max-empty-bulk-delete=2000000',
      '--max-graceful-termination-sec=86400000',
      '--max-nodes-total=1000000',
      '--max-total-unready-percentage=45.5',
      '--scale-down-utilization-threshold=0.00001',
      '--v=10',
    ]);
    // In the file they are quoted strings, not YAML numbers.
    expect(file).toContain(`max-nodes-total: "1000000"`);
    for (const line of lines) expect(line).not.toMatch(/e[+-]\d/);
  });

  it('writes numbers given as strings (a quoted stack value) as the same digits', () => {
    expect(clusterAutoscalerExtraArgs({ 'max-nodes-total': '5000000' })).toEqual({
      'max-nodes-total': '5000000',
    });
  });

  it('refuses whole numbers that already lost digits as a JavaScript number', () => {
    expect(refusedField(() => clusterAutoscalerExtraArgs({ 'max-nodes-total': 2 ** 60 }))).toBe(
      'extraArgs.max-nodes-total',
    );
    expect(refusedField(() => clusterAutoscalerExtraArgs({}, { 'max-empty-bulk-delete': 1e21 }))).toBe(
      'uncheckedExtraArgs.max-empty-bulk-delete',
    );
  });

  it('helmVerbatimNumber expands exponent forms into decimals', () => {
    expect(helmVerbatimNumber(1e-7, 'x')).toBe('0.0000001');
    expect(helmVerbatimNumber(9007199254740991, 'x')).toBe('9007199254740991');
    expect(refusedField(() => helmVerbatimNumber(Number.NaN, 'x'))).toBe('x');
  });
});
