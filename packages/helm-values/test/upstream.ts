/**
 * Upstream data for the conformance tests (issue 23): the pinned charts' value keys and template
 * references, and SchemaStore's helmfile schema, as scripts/refresh-upstream-data.mjs wrote them
 * into test/upstream/ (source, commit, licence and date in test/upstream/SOURCES.json).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/** What the refresh script keeps of one chart version. */
export interface ChartData {
  source: string;
  repository: string;
  tag: string;
  commit: string;
  chartPath: string;
  chart: { name: string; version: string; appVersion: string };
  /** Every key path of the chart's values.yaml (`rbac.serviceAccount.name`). */
  valuePaths: string[];
  /** Every `.Values.<path>` its templates reference. */
  templateRefs: string[];
  /** Paths its templates consume whole (range, toYaml, toJson, with): free-form maps such as extraArgs. */
  wholeRefs: string[];
}

const dir = new URL('./upstream/', import.meta.url);

export function readUpstream<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as T;
}

export function autoscalerChart(version: string): ChartData {
  return readUpstream<ChartData>(`cluster-autoscaler-chart-${version}.json`);
}

export function metricsServerChart(version: string): ChartData {
  return readUpstream<ChartData>(`metrics-server-chart-${version}.json`);
}

function leaves(value: unknown, prefix: string[], out: string[][]): string[][] {
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, [...prefix, key], out);
  } else out.push(prefix);
  return out;
}

/**
 * The value keys in `values` that the chart does not read: every leaf must lie under a map the
 * templates consume whole (extraArgs, annotations, resources), or be a key of the chart's
 * values.yaml that a template references.
 */
export function unreadValueKeys(values: unknown, chart: ChartData): string[] {
  const paths = new Set(chart.valuePaths);
  const whole = new Set(chart.wholeRefs);
  const read = (p: string) =>
    chart.templateRefs.some((r) => r === p || p.startsWith(`${r}.`) || r.startsWith(`${p}.`));
  const unread: string[] = [];
  for (const segments of leaves(values, [], [])) {
    if (segments.some((_, i) => i > 0 && whole.has(segments.slice(0, i).join('.')))) continue;
    const path = segments.join('.');
    if (whole.has(path)) continue;
    if (!paths.has(path) || !read(path)) unread.push(path);
  }
  return unread;
}

/** A draft-07 validator for a stored schema: unknown keywords (markdownDescription) allowed, formats not checked. */
export function schemaValidator(schema: object): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true, validateFormats: false });
  return ajv.compile(schema);
}

/** The validation errors as short lines, for an assertion message. */
export function schemaErrors(validate: ValidateFunction, data: unknown): string[] {
  return validate(data)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}

interface HelmfileSchema {
  properties: Record<string, unknown>;
  definitions: Record<string, { properties?: Record<string, unknown> }>;
}

/**
 * Keys of a helmfile document that SchemaStore's schema does not define. The schema itself lets
 * unknown keys through (no additionalProperties: false), and helmfile v1 refuses them, so the
 * property lists are checked here: top level, releases, repositories, helmDefaults.
 */
export function unknownHelmfileKeys(doc: Record<string, unknown>, schema: HelmfileSchema): string[] {
  const out: string[] = [];
  const check = (value: unknown, allowed: Record<string, unknown> | undefined, at: string) => {
    if (!value || typeof value !== 'object') return;
    for (const key of Object.keys(value))
      if (!allowed || !Object.hasOwn(allowed, key)) out.push(`${at}${key}`);
  };
  check(doc, schema.properties, '');
  for (const [i, r] of ((doc['releases'] as unknown[] | undefined) ?? []).entries())
    check(r, schema.definitions['release']?.properties, `releases[${i}].`);
  for (const [i, r] of ((doc['repositories'] as unknown[] | undefined) ?? []).entries())
    check(r, schema.definitions['repository']?.properties, `repositories[${i}].`);
  check(doc['helmDefaults'], schema.definitions['helmDefaults']?.properties, 'helmDefaults.');
  return out;
}
