/**
 * Typed `extraArgs` of the cluster-autoscaler chart. The chart turns each key into `--key=value`
 * (kubernetes/autoscaler cluster-autoscaler/charts/cluster-autoscaler/templates/deployment.yaml), and the autoscaler exits on a flag it
 * does not know or a value it cannot parse: so eks-kit checks them before anything is installed.
 * Flag names, types and enums: kubernetes/autoscaler cluster-autoscaler/FAQ.md ("What are the
 * parameters to CA?") and cluster-autoscaler/config/flags/flags.go.
 */
import { InvalidInputError, ownEntries, setOwn } from '@eks-kit/core';
import { validateGoDuration } from './go-duration.js';

/**
 * Expanders the autoscaler runs on AWS. Read per minor of the version map in kubernetes/autoscaler
 * cluster-autoscaler/expander/expander.go at the pinned tags (cluster-autoscaler-1.30.4, 1.31.2,
 * 1.32.7, 1.33.5, 1.34.4, 1.35.2, read 2026-12-06): each defines random, most-pods, least-waste,
 * least-nodes, price, priority and grpc. `price` is left out: see {@link EXPANDERS_REFUSED_ON_AWS}.
 */
export const EXPANDERS = ['random', 'most-pods', 'least-waste', 'least-nodes', 'priority', 'grpc'] as const;
/** One expander name. */
export type Expander = (typeof EXPANDERS)[number];

/**
 * Expanders the AWS cloud provider cannot run, with the reason. `price`: the AWS provider's
 * `Pricing()` returns `cloudprovider.ErrNotImplemented` (cloudprovider/aws/aws_cloud_provider.go)
 * and the expander factory then stops the autoscaler with "Couldn't access cloud provider pricing
 * for price expander" (expander/factory/expander_factory.go), at every tag of the version map.
 */
export const EXPANDERS_REFUSED_ON_AWS: Readonly<Record<string, string>> = Object.freeze({
  price:
    'the AWS cloud provider does not implement pricing (Pricing() returns ErrNotImplemented), so cluster-autoscaler exits at start with "Couldn\'t access cloud provider pricing for price expander"; use least-waste, least-nodes or priority',
});

/**
 * The first autoscaler release of each branch that has an expander newer than the oldest minor of
 * the version map. `least-nodes` appeared in 1.31.0 and was backported to 1.30.3 (absent from
 * expander.go at cluster-autoscaler-1.30.2 and 1.29.5, present at 1.30.3 and 1.31.0).
 */
export const EXPANDER_SINCE: Readonly<Record<string, Readonly<Record<string, string>>>> = Object.freeze({
  'least-nodes': Object.freeze({ '1.30': '1.30.3', later: '1.31.0' }),
});

function versionParts(tag: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(tag);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Whether the autoscaler at `imageTag` has `expander` (true when the tag cannot be read). */
function expanderAvailable(expander: string, imageTag: string | undefined): boolean {
  const since = EXPANDER_SINCE[expander];
  const version = imageTag === undefined ? undefined : versionParts(imageTag);
  if (!since || !version) return true;
  const branch = `${version[0]}.${version[1]}`;
  const first = versionParts(since[branch] ?? since.later ?? '0.0.0');
  const later = versionParts(since.later ?? '0.0.0');
  if (!first || !later) return true;
  const cmp = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  if (since[branch] !== undefined) return cmp(version, first) >= 0;
  return cmp(version, later) >= 0;
}

/** Log formats of `--logging-format` (klog / component-base logs). */
export const LOGGING_FORMATS = ['text', 'json'] as const;
/** Thresholds of klog's `--stderrthreshold`. */
export const STDERR_THRESHOLDS = ['info', 'warning', 'error', 'fatal'] as const;

/** The autoscaler flags eks-kit checks, with their types. */
export interface ClusterAutoscalerExtraArgs {
  /** Expander, or a fallback chain as a list or comma list (`priority,least-waste`). */
  expander?: Expander | readonly Expander[] | string;
  'balance-similar-node-groups'?: boolean;
  /** Label keys to ignore when comparing node groups; rendered as `balancing-ignore-label_<n>`. */
  'balancing-ignore-label'?: readonly string[];
  'skip-nodes-with-system-pods'?: boolean;
  'skip-nodes-with-local-storage'?: boolean;
  'skip-nodes-with-custom-controller-pods'?: boolean;
  'scale-down-enabled'?: boolean;
  /** Go duration, e.g. `10m`. */
  'scale-down-unneeded-time'?: string;
  /** Go duration, e.g. `20m`. */
  'scale-down-unready-time'?: string;
  /** Go duration, e.g. `10m`. */
  'scale-down-delay-after-add'?: string;
  /** Go duration, e.g. `0s`. */
  'scale-down-delay-after-delete'?: string;
  /** Go duration, e.g. `3m`. */
  'scale-down-delay-after-failure'?: string;
  /** Between 0 and 1, e.g. `0.5`. */
  'scale-down-utilization-threshold'?: number;
  /** Between 0 and 1. */
  'scale-down-gpu-utilization-threshold'?: number;
  /** Go duration, e.g. `15m`. */
  'max-node-provision-time'?: string;
  /** Whole seconds. */
  'max-graceful-termination-sec'?: number;
  /** Go duration, e.g. `0s`. */
  'new-pod-scale-up-delay'?: string;
  /** Go duration, e.g. `10s`. */
  'scan-interval'?: string;
  /** Whole number, 0 = no limit. */
  'max-nodes-total'?: number;
  'ignore-daemonsets-utilization'?: boolean;
  'aws-use-static-instance-list'?: boolean;
  'cordon-node-before-terminating'?: boolean;
  /** Whole number (may be negative), default -10. */
  'expendable-pods-priority-cutoff'?: number;
  /** Address of the gRPC expander; required when the expander list has `grpc`. */
  'grpc-expander-url'?: string;
  /** `json` for JSON lines (the log reader reads both); refuses `logtostderr`/`stderrthreshold`, which json ignores. */
  'logging-format'?: (typeof LOGGING_FORMATS)[number];
  /** klog text format only (the chart's default is `info`). */
  stderrthreshold?: (typeof STDERR_THRESHOLDS)[number];
  /** klog text format only (the chart's default is `true`). */
  logtostderr?: boolean;
  'leader-elect'?: boolean;
  'write-status-configmap'?: boolean;
  /** klog verbosity, 0-10 (the chart's default is 4). */
  v?: number;
}

/** A flag value as given (typed or unchecked): a string, a number or a boolean. */
export type ExtraArgValue = string | number | boolean;

/**
 * A flag value as written into the chart's `extraArgs`: numbers are already digit strings (see
 * {@link helmVerbatimNumber}), so only strings and booleans reach the chart.
 */
export type RenderedExtraArgValue = string | boolean;

/**
 * A number written so that Helm renders its digits verbatim. Helm reads every YAML number in the
 * values into a float64, and the chart's `--{{ $key }}={{ $value }}` prints it with Go's `%v`, which
 * switches to exponent form from a million on (`1000000` becomes `1e+06`, helm/helm#12195) and for
 * small fractions (`0.00001` becomes `1e-05`): the autoscaler's integer flags then refuse to start.
 * A quoted YAML string is printed as it is, so eks-kit writes numeric flag values as decimal digit
 * strings. Whole numbers must be exact in a JavaScript number (at most 2^53 - 1); otherwise the
 * digits the user wrote are already lost, and the value is refused.
 *
 * @example
 * ```ts
 * helmVerbatimNumber(1000000, 'extraArgs.max-nodes-total'); // '1000000' (Helm would print 1e+06)
 * helmVerbatimNumber(0.00001, 'extraArgs.scale-down-utilization-threshold'); // '0.00001'
 * helmVerbatimNumber(2 ** 60, 'uncheckedExtraArgs.x'); // throws InvalidInputError naming the field
 * ```
 */
export function helmVerbatimNumber(value: number, field: string): string {
  if (!Number.isFinite(value)) throw new InvalidInputError(field, value, 'a finite number');
  if (Number.isInteger(value)) {
    if (!Number.isSafeInteger(value)) {
      throw new InvalidInputError(field, value, 'a whole number of at most 9007199254740991', {
        hint: 'larger whole numbers lose digits as numbers: write the value as a quoted string',
      });
    }
    return String(value);
  }
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // Exponent form (1e-7): expand to plain decimals, dropping the trailing zeros toFixed adds.
  return value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

type Kind =
  | { kind: 'boolean' }
  | { kind: 'duration' }
  | { kind: 'ratio' }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'expander' }
  | { kind: 'address' }
  | { kind: 'labels' };

const FLAGS: Readonly<Record<keyof ClusterAutoscalerExtraArgs, Kind>> = {
  expander: { kind: 'expander' },
  'balance-similar-node-groups': { kind: 'boolean' },
  'balancing-ignore-label': { kind: 'labels' },
  'skip-nodes-with-system-pods': { kind: 'boolean' },
  'skip-nodes-with-local-storage': { kind: 'boolean' },
  'skip-nodes-with-custom-controller-pods': { kind: 'boolean' },
  'scale-down-enabled': { kind: 'boolean' },
  'scale-down-unneeded-time': { kind: 'duration' },
  'scale-down-unready-time': { kind: 'duration' },
  'scale-down-delay-after-add': { kind: 'duration' },
  'scale-down-delay-after-delete': { kind: 'duration' },
  'scale-down-delay-after-failure': { kind: 'duration' },
  'scale-down-utilization-threshold': { kind: 'ratio' },
  'scale-down-gpu-utilization-threshold': { kind: 'ratio' },
  'max-node-provision-time': { kind: 'duration' },
  'max-graceful-termination-sec': { kind: 'int', min: 0 },
  'new-pod-scale-up-delay': { kind: 'duration' },
  'scan-interval': { kind: 'duration' },
  'max-nodes-total': { kind: 'int', min: 0 },
  'ignore-daemonsets-utilization': { kind: 'boolean' },
  'aws-use-static-instance-list': { kind: 'boolean' },
  'cordon-node-before-terminating': { kind: 'boolean' },
  'expendable-pods-priority-cutoff': { kind: 'int' },
  'grpc-expander-url': { kind: 'address' },
  'logging-format': { kind: 'enum', values: LOGGING_FORMATS },
  stderrthreshold: { kind: 'enum', values: STDERR_THRESHOLDS },
  logtostderr: { kind: 'boolean' },
  'leader-elect': { kind: 'boolean' },
  'write-status-configmap': { kind: 'boolean' },
  v: { kind: 'int', min: 0, max: 10 },
};

/** Flags the chart sets itself from other values: passing them as extraArgs would duplicate them. */
const CHART_OWNED_FLAGS: ReadonlySet<string> = new Set([
  'cloud-provider',
  'namespace',
  'node-group-auto-discovery',
  'nodes',
  'cloud-config',
]);

/** The flag names eks-kit checks, sorted. */
export const CHECKED_EXTRA_ARGS: readonly string[] = Object.freeze(Object.keys(FLAGS).sort());

function checkBoolean(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new InvalidInputError(field, value, 'true or false');
}

function checkNumber(value: unknown, field: string, expected: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new InvalidInputError(field, value, expected);
  return n;
}

function checkExpander(value: unknown, field: string, imageTag: string | undefined): string {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  const expected = `an expander (${EXPANDERS.join(', ')}) or a comma list of them`;
  if (!list || list.length === 0) throw new InvalidInputError(field, value, expected);
  const seen = new Set<string>();
  for (const item of list) {
    const name = typeof item === 'string' ? item.trim() : item;
    if (typeof name === 'string' && Object.hasOwn(EXPANDERS_REFUSED_ON_AWS, name)) {
      throw new InvalidInputError(field, value, `an expander the AWS cloud provider supports, not ${name}`, {
        hint: EXPANDERS_REFUSED_ON_AWS[name] ?? '',
      });
    }
    if (typeof name !== 'string' || !(EXPANDERS as readonly string[]).includes(name)) {
      throw new InvalidInputError(field, value, expected);
    }
    if (!expanderAvailable(name, imageTag)) {
      const since = EXPANDER_SINCE[name] ?? {};
      const from = Object.values(since).join(' / ');
      throw new InvalidInputError(field, value, `an expander cluster-autoscaler ${imageTag} has`, {
        hint: `${name} is in cluster-autoscaler from ${from}: pin a newer autoscaler image tag or choose another expander`,
      });
    }
    if (seen.has(name)) throw new InvalidInputError(field, value, `${expected}, each at most once`);
    seen.add(name);
  }
  return [...seen].join(',');
}

function checkFlag(
  key: keyof ClusterAutoscalerExtraArgs,
  value: unknown,
  field: string,
  imageTag: string | undefined,
): RenderedExtraArgValue {
  const spec = FLAGS[key];
  switch (spec.kind) {
    case 'boolean':
      return checkBoolean(value, field);
    case 'duration':
      return validateGoDuration(value, field);
    case 'ratio': {
      const n = checkNumber(value, field, 'a number between 0 and 1, e.g. 0.5');
      if (n < 0 || n > 1) throw new InvalidInputError(field, value, 'a number between 0 and 1, e.g. 0.5');
      return helmVerbatimNumber(n, field);
    }
    case 'int': {
      const range =
        spec.min !== undefined && spec.max !== undefined
          ? ` from ${spec.min} to ${spec.max}`
          : spec.min !== undefined
            ? ` of at least ${spec.min}`
            : '';
      const expected = `a whole number${range}`;
      const n = checkNumber(value, field, expected);
      if (
        !Number.isInteger(n) ||
        (spec.min !== undefined && n < spec.min) ||
        (spec.max !== undefined && n > spec.max)
      ) {
        throw new InvalidInputError(field, value, expected);
      }
      return helmVerbatimNumber(n, field);
    }
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        throw new InvalidInputError(field, value, `one of ${spec.values.join(', ')}`);
      }
      return value;
    case 'expander':
      return checkExpander(value, field, imageTag);
    case 'address':
      if (typeof value !== 'string' || value === '' || /\s/.test(value) || !isChartArgSafe(value)) {
        throw new InvalidInputError(field, value, 'an address such as expander.example.svc:7000');
      }
      return value;
    case 'labels':
      throw new Error('labels are expanded by the caller');
  }
}

const LABEL_KEY_RE =
  /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Check typed autoscaler flags and return them as the chart's `extraArgs` map (sorted keys).
 * Durations must be Go durations, enums one of their values, the expander a known name or a comma
 * list; an unknown flag is refused with its field named `extraArgs.<key>`. `price` is refused (the AWS
 * provider has no pricing); with `options.imageTag`, an expander that autoscaler does not have yet
 * (`least-nodes` before 1.30.3 / 1.31.0) is refused too. Every flag checked here is defined at
 * each tag of the version map (main.go, config/flags/flags.go; klog and component-base flags).
 *
 * @example
 * ```ts
 * clusterAutoscalerExtraArgs({ expander: ['priority', 'least-waste'], 'scale-down-unneeded-time': '5m' });
 * // { expander: 'priority,least-waste', 'scale-down-unneeded-time': '5m' }
 * clusterAutoscalerExtraArgs({ 'scan-interval': '10 seconds' }); // throws: extraArgs.scan-interval
 * ```
 */
export function clusterAutoscalerExtraArgs(
  extraArgs: unknown,
  unchecked: unknown = undefined,
  options: { imageTag?: string } = {},
): Record<string, RenderedExtraArgValue> {
  const out: Record<string, RenderedExtraArgValue> = {};
  if (extraArgs !== undefined) {
    if (!extraArgs || typeof extraArgs !== 'object' || Array.isArray(extraArgs)) {
      throw new InvalidInputError('extraArgs', extraArgs, 'a map of autoscaler flags to values');
    }
    for (const [key, value] of ownEntries(extraArgs as Record<string, unknown>, 'extraArgs')) {
      const field = `extraArgs.${key}`;
      if (value === undefined) continue;
      if (!Object.hasOwn(FLAGS, key)) {
        throw new InvalidInputError(field, value, 'a cluster-autoscaler flag eks-kit checks', {
          hint: CHART_OWNED_FLAGS.has(key)
            ? `the chart sets --${key} itself from the values`
            : `check the spelling (known: ${CHECKED_EXTRA_ARGS.join(', ')}); a flag eks-kit does not know goes in uncheckedExtraArgs`,
        });
      }
      const flag = key as keyof ClusterAutoscalerExtraArgs;
      if (flag === 'balancing-ignore-label') {
        if (!Array.isArray(value)) throw new InvalidInputError(field, value, 'a list of node label keys');
        value.forEach((label, index) => {
          if (typeof label !== 'string' || label.length > 316 || !LABEL_KEY_RE.test(label)) {
            throw new InvalidInputError(
              `${field}[${index}]`,
              label,
              'a node label key such as topology.ebs.csi.aws.com/zone',
            );
          }
          // The chart drops everything from the first `_`, so repeated flags get distinct keys.
          out[`balancing-ignore-label_${index + 1}`] = label;
        });
        continue;
      }
      out[flag] = checkFlag(flag, value, field, options.imageTag);
    }
  }
  const expander = out['expander'];
  if (typeof expander === 'string' && expander.split(',').includes('grpc') && !out['grpc-expander-url']) {
    throw new InvalidInputError(
      'extraArgs.grpc-expander-url',
      undefined,
      'an address when the expander list has grpc',
    );
  }
  if (out['logging-format'] === 'json') {
    // "Non-default formats don't honor these flags: ... --logtostderr ... --stderrthreshold"
    // (the --logging-format help, kubernetes/kubernetes#92177). The chart's own defaults
    // (logtostderr: true, stderrthreshold: info) stay and are ignored; setting them here says
    // something that will not happen.
    for (const flag of ['logtostderr', 'stderrthreshold'] as const) {
      if (out[flag] !== undefined)
        throw new InvalidInputError(`extraArgs.${flag}`, out[flag], 'unset with logging-format json', {
          hint: 'the json log format does not honour klog flags such as --logtostderr and --stderrthreshold; it always writes to stderr. Use v for verbosity',
        });
    }
  }
  for (const [key, value] of Object.entries(checkUnchecked(unchecked, out))) setOwn(out, key, value);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * True when a flag value stays one plain YAML scalar in a chart template that writes it as text,
 * as the cluster-autoscaler chart does (`- --{{ $key }}={{ $value }}`, no quoting). Control
 * characters (newlines, tabs), `: `, ` #` and a trailing `:` would end it or start another node;
 * trailing spaces would be dropped; U+2028/U+2029 are line breaks to YAML 1.1 readers (Helm's Go
 * parser), and invisible format characters (BOM, zero-width) are refused with them.
 *
 * @example
 * ```ts
 * isChartArgSafe('5m');     // true
 * isChartArgSafe('a: b');   // false
 * isChartArgSafe('x #y');   // false
 * ```
 */
export function isChartArgSafe(value: string): boolean {
  return !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|: |:$| #|\s$/u.test(value);
}

const FLAG_KEY_RE = /^[a-z0-9][a-z0-9-]*(?:_[A-Za-z0-9_-]+)?$/;

function checkUnchecked(
  unchecked: unknown,
  typed: Record<string, RenderedExtraArgValue>,
): Record<string, RenderedExtraArgValue> {
  if (unchecked === undefined) return {};
  if (!unchecked || typeof unchecked !== 'object' || Array.isArray(unchecked)) {
    throw new InvalidInputError('uncheckedExtraArgs', unchecked, 'a map of autoscaler flags to values');
  }
  const out: Record<string, RenderedExtraArgValue> = {};
  for (const [key, value] of ownEntries(unchecked as Record<string, unknown>, 'uncheckedExtraArgs')) {
    if (!FLAG_KEY_RE.test(key))
      // The key is not a name: quoted in the path, so that the one-line message stays one line.
      throw new InvalidInputError(
        `uncheckedExtraArgs[${JSON.stringify(key)}]`,
        key,
        'a flag name such as max-empty-bulk-delete',
      );
    const field = `uncheckedExtraArgs.${key}`;
    const name = key.split('_')[0] ?? key;
    if (CHART_OWNED_FLAGS.has(name)) {
      throw new InvalidInputError(field, value, 'a flag the chart does not set itself', {
        hint: `the chart sets --${name} from the values`,
      });
    }
    if (Object.hasOwn(typed, key) || Object.hasOwn(FLAGS, name)) {
      throw new InvalidInputError(field, value, 'a flag eks-kit does not check', {
        hint: `set it in extraArgs.${name}`,
      });
    }
    const ok =
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && isChartArgSafe(value));
    if (!ok)
      throw new InvalidInputError(
        field,
        value,
        'a string, number or boolean on one line, without control characters, ": ", " #", or a trailing ":" or space',
        {
          hint: 'the chart writes each flag into its manifest as the YAML line `- --<flag>=<value>`, where these would change the document',
        },
      );
    out[key] = typeof value === 'number' ? helmVerbatimNumber(value, field) : (value as string | boolean);
  }
  return out;
}
