/**
 * Values for the `metrics-server` chart (https://kubernetes-sigs.github.io/metrics-server/, 3.13.x).
 */
import { InvalidInputError } from '@eks-kit/core';
import { isChartArgSafe } from './extra-args.js';
import { type ResourceRequirements, validateResources } from './resources.js';

/** Input of {@link metricsServerValues}. */
export interface MetricsServerValuesInput {
  /**
   * Extra flags appended after the chart's `defaultArgs` (`--cert-dir=/tmp`,
   * `--kubelet-preferred-address-types=...`, `--kubelet-use-node-status-port`, `--metric-resolution=15s`),
   * each `--name` or `--name=value`.
   */
  args?: readonly string[];
  /** The `v1beta1.metrics.k8s.io` APIService: keep `create: true` unless another release manages it. */
  apiService?: { create?: boolean };
  /** Replicas (2 for a highly available metrics API; the chart's default is 1). */
  replicas?: number;
  /** Container resources; the chart's default (requests 100m / 200Mi) when unset. */
  resources?: ResourceRequirements;
  /** Image overrides: `tag` pins the tag (the chart's default is `v<appVersion>`), `repository` for a mirror. */
  image?: { repository?: string; tag?: string };
}

/** The values {@link metricsServerValues} produces. */
export interface MetricsServerValues {
  apiService: { create: boolean };
  args?: string[];
  replicas?: number;
  resources?: ResourceRequirements;
  image?: { repository?: string; tag?: string };
}

const FLAG_RE = /^--[a-z0-9][a-z0-9-]*(?:=\S(?:.*\S)?)?$/;

/**
 * Values for the `metrics-server` chart: extra `args` (checked to be flags), the APIService, and
 * optional replicas, resources and image.
 *
 * @example
 * ```ts
 * metricsServerValues({ args: ['--kubelet-insecure-tls'], apiService: { create: true } });
 * // { apiService: { create: true }, args: ['--kubelet-insecure-tls'] }
 * ```
 */
export function metricsServerValues(input: MetricsServerValuesInput = {}): MetricsServerValues {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidInputError(
      'metricsServer',
      input,
      'a map with args, apiService, replicas, resources or image',
    );
  }
  const values: MetricsServerValues = { apiService: { create: true } };
  if (input.apiService !== undefined) {
    const create = input.apiService?.create;
    if (create !== undefined && typeof create !== 'boolean') {
      throw new InvalidInputError('apiService.create', create, 'true or false');
    }
    values.apiService = { create: create ?? true };
  }
  if (input.args !== undefined) {
    if (!Array.isArray(input.args))
      throw new InvalidInputError('args', input.args, 'a list of flags such as --kubelet-insecure-tls');
    const seen = new Set<string>();
    values.args = input.args.map((arg: unknown, index) => {
      // One plain YAML scalar in the chart's manifest too (no ": ", " #", control characters).
      if (typeof arg !== 'string' || !FLAG_RE.test(arg) || !isChartArgSafe(arg)) {
        throw new InvalidInputError(
          `args[${index}]`,
          arg,
          'a flag such as --kubelet-insecure-tls or --metric-resolution=30s',
        );
      }
      const name = arg.split('=')[0] ?? arg;
      if (seen.has(name)) throw new InvalidInputError(`args[${index}]`, arg, `${name} only once`);
      seen.add(name);
      return arg;
    });
  }
  if (input.replicas !== undefined) {
    if (typeof input.replicas !== 'number' || !Number.isInteger(input.replicas) || input.replicas < 1) {
      throw new InvalidInputError('replicas', input.replicas, 'a whole number of at least 1');
    }
    values.replicas = input.replicas;
  }
  if (input.resources !== undefined) values.resources = validateResources(input.resources, 'resources');
  if (input.image !== undefined) {
    const { repository, tag } = input.image ?? {};
    if (
      repository !== undefined &&
      (typeof repository !== 'string' || !/^[a-z0-9][a-z0-9._\-/:]*[a-z0-9]$/.test(repository))
    ) {
      throw new InvalidInputError('image.repository', repository, 'an image repository without tag');
    }
    if (tag !== undefined && (typeof tag !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag))) {
      throw new InvalidInputError('image.tag', tag, 'an image tag such as v0.8.1');
    }
    values.image = {
      ...(repository !== undefined ? { repository } : {}),
      ...(tag !== undefined ? { tag } : {}),
    };
  }
  return values;
}
