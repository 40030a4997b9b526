/**
 * The seed's set-up as helmfile releases: cluster-autoscaler (auto-discovery, identity, version
 * from the Kubernetes minor) and metrics-server, both in kube-system.
 */
import { InvalidInputError } from '@eks-kit/core';
import {
  AUTOSCALER_REPOSITORY,
  CLUSTER_AUTOSCALER_CHART,
  METRICS_SERVER_CHART,
  METRICS_SERVER_CHART_VERSION,
  METRICS_SERVER_REPOSITORY,
} from './charts.js';
import {
  type ClusterAutoscalerValues,
  type ClusterAutoscalerValuesInput,
  clusterAutoscalerValues,
  existingServiceAccountAnnotations,
} from './cluster-autoscaler-values.js';
import {
  type HelmfileDefaults,
  type HelmfileOutput,
  type HelmfileRelease,
  type HelmfileRepository,
  helmfile,
} from './helmfile.js';
import { validateChartVersion, validateNamespace, validateReleaseName } from './kubernetes-names.js';
import { type MetricsServerValuesInput, metricsServerValues } from './metrics-server-values.js';
import {
  clusterAutoscalerServiceAccountName,
  DEFAULT_CLUSTER_AUTOSCALER_NAMESPACE,
  DEFAULT_CLUSTER_AUTOSCALER_RELEASE,
} from './service-account-name.js';
import { clusterAutoscalerChartVersion, kubernetesMinor } from './version-map.js';

/** Input of {@link clusterAutoscalerRelease}: the values' input plus where and which chart. */
export interface ClusterAutoscalerReleaseInput extends ClusterAutoscalerValuesInput {
  /** Release name (default `cluster-autoscaler`). */
  release?: string;
  /** Namespace (default `kube-system`). */
  namespace?: string;
  /** Pinned chart version; default from the version map (required for a minor the map does not know). */
  chartVersion?: string;
}

/** A release with what callers need to know about it. */
export interface ClusterAutoscalerRelease {
  repository: HelmfileRepository;
  release: HelmfileRelease & { version: string; values: [ClusterAutoscalerValues] };
  /** The service account the pod runs as: the IRSA `sub` / Pod Identity association must name it. */
  serviceAccountName: string;
  namespace: string;
  chartVersion: string;
  imageTag: string;
  /**
   * Annotations to put on the existing service account yourself (`serviceAccount.create: false`
   * with IRSA: the chart does not annotate an account it does not create); `{}` otherwise.
   */
  existingServiceAccountAnnotations: Record<string, string>;
  /** What the caller must do by hand for the release to work (empty when nothing). */
  notes: string[];
}

/**
 * The cluster-autoscaler release: repository, chart version from the version map (or pinned),
 * values from {@link clusterAutoscalerValues}, and the service account name the IAM trust needs.
 *
 * @example
 * ```ts
 * const ca = clusterAutoscalerRelease({
 *   cluster: 'eks-kit-demo', region: 'ap-northeast-1', kubernetesVersion: '1.35',
 *   identity: { type: 'pod-identity' },
 * });
 * ca.serviceAccountName; // 'cluster-autoscaler-aws-cluster-autoscaler'
 * ca.chartVersion;       // '9.59.0'
 * ```
 */
export function clusterAutoscalerRelease(input: ClusterAutoscalerReleaseInput): ClusterAutoscalerRelease {
  if (!input || typeof input !== 'object') throw new InvalidInputError('autoscaler', input, 'a map');
  const name = validateReleaseName(input.release ?? DEFAULT_CLUSTER_AUTOSCALER_RELEASE, 'release');
  const namespace = validateNamespace(input.namespace ?? DEFAULT_CLUSTER_AUTOSCALER_NAMESPACE, 'namespace');
  kubernetesMinor(input.kubernetesVersion);
  const values = clusterAutoscalerValues(input);
  const chartVersion = clusterAutoscalerChartVersion(input.kubernetesVersion, input.chartVersion);
  const serviceAccountName = clusterAutoscalerServiceAccountName(name, values.fullnameOverride, {
    ...(values.rbac.serviceAccount.name !== undefined
      ? { serviceAccountName: values.rbac.serviceAccount.name }
      : {}),
    createServiceAccount: values.rbac.serviceAccount.create,
  });
  const toAnnotate = existingServiceAccountAnnotations(input);
  const notes = Object.entries(toAnnotate).map(
    ([key, value]) =>
      `annotate the existing service account ${namespace}/${serviceAccountName} with ${key}=${value}: the chart does not annotate an account it does not create (serviceAccount.create: false)`,
  );
  return {
    repository: { ...AUTOSCALER_REPOSITORY },
    release: { name, namespace, chart: CLUSTER_AUTOSCALER_CHART, version: chartVersion, values: [values] },
    serviceAccountName,
    namespace,
    chartVersion,
    imageTag: values.image.tag,
    existingServiceAccountAnnotations: toAnnotate,
    notes,
  };
}

/** Input of {@link metricsServerRelease}. */
export interface MetricsServerReleaseInput extends MetricsServerValuesInput {
  /** Release name (default `metrics-server`). */
  release?: string;
  /** Namespace (default `kube-system`). */
  namespace?: string;
  /** Pinned chart version (default {@link METRICS_SERVER_CHART_VERSION}). */
  chartVersion?: string;
}

/**
 * The metrics-server release: repository, pinned chart version and values.
 *
 * @example
 * ```ts
 * metricsServerRelease({}).release;
 * // { name: 'metrics-server', namespace: 'kube-system', chart: 'metrics-server/metrics-server', version: '3.13.1', values: [{ apiService: { create: true } }] }
 * ```
 */
export function metricsServerRelease(input: MetricsServerReleaseInput = {}): {
  repository: HelmfileRepository;
  release: HelmfileRelease & { version: string };
} {
  const { release, namespace, chartVersion, ...valuesInput } = input ?? {};
  const name = validateReleaseName(release ?? 'metrics-server', 'release');
  const ns = validateNamespace(namespace ?? 'kube-system', 'namespace');
  const version = validateChartVersion(chartVersion ?? METRICS_SERVER_CHART_VERSION, 'chartVersion');
  const values = metricsServerValues(valuesInput);
  return {
    repository: { ...METRICS_SERVER_REPOSITORY },
    release: { name, namespace: ns, chart: METRICS_SERVER_CHART, version, values: [values] },
  };
}

/** Input of {@link clusterAddonsHelmfile}. */
export interface ClusterAddonsInput {
  autoscaler: ClusterAutoscalerReleaseInput;
  /** metrics-server release input, or `false` to leave it out. Default: installed with chart defaults. */
  metricsServer?: MetricsServerReleaseInput | false;
  helmDefaults?: HelmfileDefaults;
}

/**
 * The seed's set-up as one helmfile: the autoscaler and (unless `metricsServer: false`)
 * metrics-server, from their current repositories with pinned versions. Also returns the
 * autoscaler's service account name for the IAM trust.
 *
 * @example
 * ```ts
 * const { file, serviceAccountName } = clusterAddonsHelmfile({
 *   autoscaler: {
 *     cluster: 'eks-kit-demo', region: 'ap-northeast-1', kubernetesVersion: '1.35',
 *     identity: { type: 'irsa', roleArn: 'arn:aws:iam::123456789012:role/eks-kit-demo-cluster-autoscaler' },
 *   },
 * });
 * // file.fileName === 'helmfile.yaml'; serviceAccountName === 'cluster-autoscaler-aws-cluster-autoscaler'
 * ```
 */
export function clusterAddonsHelmfile(input: ClusterAddonsInput): {
  file: HelmfileOutput;
  serviceAccountName: string;
  autoscaler: ClusterAutoscalerRelease;
} {
  if (!input || typeof input !== 'object')
    throw new InvalidInputError('input', input, 'a map with autoscaler');
  let autoscaler: ClusterAutoscalerRelease;
  try {
    autoscaler = clusterAutoscalerRelease(input.autoscaler);
  } catch (error) {
    if (error instanceof InvalidInputError) throw error.under('autoscaler');
    throw error;
  }
  const repositories: HelmfileRepository[] = [autoscaler.repository];
  const releases: HelmfileRelease[] = [autoscaler.release];
  if (input.metricsServer !== false) {
    let ms: ReturnType<typeof metricsServerRelease>;
    try {
      ms = metricsServerRelease(input.metricsServer ?? {});
    } catch (error) {
      if (error instanceof InvalidInputError) throw error.under('metricsServer');
      throw error;
    }
    repositories.push(ms.repository);
    releases.push(ms.release);
  }
  const file = helmfile({
    repositories,
    releases,
    ...(input.helmDefaults !== undefined ? { helmDefaults: input.helmDefaults } : {}),
  });
  return { file, serviceAccountName: autoscaler.serviceAccountName, autoscaler };
}
