/**
 * Which cluster-autoscaler image and chart go with which Kubernetes minor.
 *
 * The autoscaler embeds the scheduler of one Kubernetes minor, so its minor must match the
 * cluster's ("We recommend using Cluster Autoscaler with the Kubernetes control plane version for
 * which it was meant"). Sources, read in November 2026:
 * - Kubernetes minor -> first chart for it: the "Releases" table of kubernetes/autoscaler
 *   cluster-autoscaler/README.md (1.34 -> 9.51.0+, 1.33 -> 9.47.0+, 1.32 -> 9.45.0+,
 *   1.31 -> 9.38.0+, 1.30 -> 9.37.0+) and docs/AWS-FACTS.md#autoscaler-helm-chart (1.35 -> chart 9.59.x).
 * - Chart -> appVersion: kubernetes/autoscaler's Chart.yaml history (the chart lives in
 *   cluster-autoscaler/charts/cluster-autoscaler/ since October 2025, charts/cluster-autoscaler/ before)
 *   (read there: 9.38.0 and 9.43.1 have appVersion 1.31.0; 9.48.0 -> 1.33.0 and 9.59.0 -> 1.35.0
 *   as listed by projects that pin those charts). Every chart we pin lies in its minor's range
 *   (at or after the first chart for that minor, before the first chart for the next one), so
 *   its RBAC covers what that autoscaler reads.
 * - Image patch releases: tags `cluster-autoscaler-1.x.y` of kubernetes/autoscaler
 *   (https://github.com/kubernetes/autoscaler/releases), as also pinned by kubernetes/kops
 *   pkg/model/components/clusterautoscaler.go (v1.32.7, v1.33.5, v1.34.4; v1.35.2 is the newer
 *   1.35 patch). The image tag is always written to `image.tag`, so a chart's own default
 *   (`appVersion`, which lags behind patch releases) never decides what runs.
 * Minors outside this table are refused unless the caller pins `chartVersion` and `image.tag`.
 *
 * Each row names the chart tag (and its commit) whose values.yaml and templates the rendered values
 * were checked against: test/upstream/cluster-autoscaler-chart-<version>.json, written by
 * scripts/refresh-upstream-data.mjs. Note that charts lag in `appVersion` (9.51.0 says 1.33.0): the
 * image tag of the row decides what runs.
 */
import { InvalidInputError } from '@eks-kit/core';
import { validateChartVersion } from './kubernetes-names.js';

/** One row of the version map. */
export interface ClusterAutoscalerVersion {
  /** Kubernetes minor, e.g. `1.35`. */
  kubernetesMinor: string;
  /** The `cluster-autoscaler` chart version to install, e.g. `9.59.0`. */
  chartVersion: string;
  /** The autoscaler image tag, e.g. `v1.35.2`: same minor as Kubernetes. */
  imageTag: string;
}

/** The version map, newest first. See the file comment for the sources. */
export const CLUSTER_AUTOSCALER_VERSIONS: readonly ClusterAutoscalerVersion[] = Object.freeze([
  { kubernetesMinor: '1.35', chartVersion: '9.59.0', imageTag: 'v1.35.2' }, // checked against cluster-autoscaler-chart-9.59.0 (5a0b98e45f, cluster-autoscaler/charts/cluster-autoscaler/)
  { kubernetesMinor: '1.34', chartVersion: '9.51.0', imageTag: 'v1.34.4' }, // checked against cluster-autoscaler-chart-9.51.0 (9befb31fd9, charts/cluster-autoscaler/)
  { kubernetesMinor: '1.33', chartVersion: '9.48.0', imageTag: 'v1.33.5' }, // checked against cluster-autoscaler-chart-9.48.0 (8482fd7ac1, charts/cluster-autoscaler/)
  { kubernetesMinor: '1.32', chartVersion: '9.45.0', imageTag: 'v1.32.7' }, // checked against cluster-autoscaler-chart-9.45.0 (100be41fdb, charts/cluster-autoscaler/)
  { kubernetesMinor: '1.31', chartVersion: '9.43.1', imageTag: 'v1.31.2' }, // checked against cluster-autoscaler-chart-9.43.1 (2120a0beb5, charts/cluster-autoscaler/)
  { kubernetesMinor: '1.30', chartVersion: '9.37.0', imageTag: 'v1.30.4' }, // checked against cluster-autoscaler-chart-9.37.0 (adea8a0fab, charts/cluster-autoscaler/)
]);

const KUBERNETES_VERSION_RE = /^v?(1)\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:[-+][0-9A-Za-z.-]+)?$/;

/**
 * The minor (`1.35`) of a Kubernetes version written `1.35`, `1.35.2`, `v1.35.2` or `v1.35.2-eks-1a2b3c`.
 *
 * @example
 * ```ts
 * kubernetesMinor('v1.35.2-eks-113cf36'); // '1.35'
 * kubernetesMinor('1.3');                 // '1.3' (YAML read an unquoted 1.30 as 1.3: quote it)
 * ```
 */
export function kubernetesMinor(value: unknown, field = 'kubernetesVersion'): string {
  if (typeof value === 'number') {
    throw new InvalidInputError(field, value, 'a Kubernetes version as a string such as "1.35"', {
      hint: 'quote it: YAML reads 1.30 unquoted as the number 1.3',
    });
  }
  const match = typeof value === 'string' ? KUBERNETES_VERSION_RE.exec(value) : null;
  if (!match) throw new InvalidInputError(field, value, 'a Kubernetes version such as 1.35 or 1.35.2');
  return `${match[1]}.${match[2]}`;
}

function knownMinors(): string {
  return CLUSTER_AUTOSCALER_VERSIONS.map((row) => row.kubernetesMinor)
    .reverse()
    .join(', ');
}

function rowFor(minor: string): ClusterAutoscalerVersion | undefined {
  return CLUSTER_AUTOSCALER_VERSIONS.find((row) => row.kubernetesMinor === minor);
}

function unknownMinor(kubernetesVersion: unknown, minor: string, pin: string): InvalidInputError {
  return new InvalidInputError(
    'kubernetesVersion',
    kubernetesVersion,
    `a Kubernetes minor in eks-kit's autoscaler version map (${knownMinors()}), or ${pin} pinned`,
    {
      hint: `eks-kit does not know which autoscaler goes with Kubernetes ${minor}: pin ${pin} (autoscaler v${minor}.x), or upgrade eks-kit`,
    },
  );
}

/** Options of {@link clusterAutoscalerImageTag}. */
export interface ImageTagOptions {
  /** Accept an image whose minor differs from the cluster's (not recommended upstream). */
  allowVersionSkew?: boolean;
  /** Field name used in errors for the pinned tag. Default `image.tag`. */
  field?: string;
}

const IMAGE_TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_TAG_VERSION_RE = /^v?(\d+)\.(\d+)(?:\.\d+)?/;

/**
 * The autoscaler image tag for a Kubernetes version: the pinned tag if given (its minor must
 * match the cluster's unless `allowVersionSkew`), else the version map's. An unknown minor
 * without a pinned tag is refused.
 *
 * @example
 * ```ts
 * clusterAutoscalerImageTag('1.35');            // 'v1.35.2'
 * clusterAutoscalerImageTag('1.36', 'v1.36.1'); // 'v1.36.1' (pinned)
 * clusterAutoscalerImageTag('1.36');            // throws InvalidInputError naming kubernetesVersion
 * ```
 */
export function clusterAutoscalerImageTag(
  kubernetesVersion: unknown,
  pinnedTag?: unknown,
  options: ImageTagOptions = {},
): string {
  const minor = kubernetesMinor(kubernetesVersion);
  const field = options.field ?? 'image.tag';
  if (pinnedTag !== undefined) {
    if (typeof pinnedTag !== 'string' || !IMAGE_TAG_RE.test(pinnedTag)) {
      throw new InvalidInputError(field, pinnedTag, 'an image tag such as v1.35.2');
    }
    const tagVersion = IMAGE_TAG_VERSION_RE.exec(pinnedTag);
    if (tagVersion && `${tagVersion[1]}.${tagVersion[2]}` !== minor && !options.allowVersionSkew) {
      throw new InvalidInputError(
        field,
        pinnedTag,
        `an autoscaler image of the cluster's minor (v${minor}.x)`,
        {
          hint: 'the autoscaler simulates the scheduler of its own minor; set allowVersionSkew to override',
        },
      );
    }
    return pinnedTag;
  }
  const row = rowFor(minor);
  if (!row) throw unknownMinor(kubernetesVersion, minor, 'image.tag');
  return row.imageTag;
}

/**
 * The `cluster-autoscaler` chart version for a Kubernetes version: the pinned one if given, else
 * the version map's. An unknown minor without a pinned chart version is refused.
 *
 * @example
 * ```ts
 * clusterAutoscalerChartVersion('1.34');           // '9.51.0'
 * clusterAutoscalerChartVersion('1.36', '9.59.0'); // '9.59.0' (pinned)
 * ```
 */
export function clusterAutoscalerChartVersion(
  kubernetesVersion: unknown,
  pinnedChartVersion?: unknown,
): string {
  const minor = kubernetesMinor(kubernetesVersion);
  if (pinnedChartVersion !== undefined) return validateChartVersion(pinnedChartVersion, 'chartVersion');
  const row = rowFor(minor);
  if (!row) throw unknownMinor(kubernetesVersion, minor, 'chartVersion');
  return row.chartVersion;
}

/**
 * Chart version and image tag for a Kubernetes version, each from its pin or the version map.
 * An unknown minor needs both pinned.
 *
 * @example
 * ```ts
 * clusterAutoscalerVersionFor('1.35.2');
 * // { kubernetesMinor: '1.35', chartVersion: '9.59.0', imageTag: 'v1.35.2' }
 * clusterAutoscalerVersionFor('1.36', { chartVersion: '9.59.0', imageTag: 'v1.36.1' });
 * ```
 */
export function clusterAutoscalerVersionFor(
  kubernetesVersion: unknown,
  pins: { chartVersion?: unknown; imageTag?: unknown; allowVersionSkew?: boolean } = {},
): ClusterAutoscalerVersion {
  const minor = kubernetesMinor(kubernetesVersion);
  return {
    kubernetesMinor: minor,
    chartVersion: clusterAutoscalerChartVersion(kubernetesVersion, pins.chartVersion),
    imageTag: clusterAutoscalerImageTag(kubernetesVersion, pins.imageTag, {
      ...(pins.allowVersionSkew !== undefined ? { allowVersionSkew: pins.allowVersionSkew } : {}),
    }),
  };
}
