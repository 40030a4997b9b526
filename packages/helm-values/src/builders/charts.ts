/**
 * The charts eks-kit installs: their current repositories (the archived `stable/` repository is
 * gone since 2020-11-13) and, for metrics-server, the pinned chart version.
 */
import type { HelmfileRepository } from './helmfile.js';

/** kubernetes/autoscaler's chart repository (chart `cluster-autoscaler` 9.x). */
export const AUTOSCALER_REPOSITORY: Readonly<HelmfileRepository> = Object.freeze({
  name: 'autoscaler',
  url: 'https://kubernetes.github.io/autoscaler',
});

/** kubernetes-sigs/metrics-server's chart repository. */
export const METRICS_SERVER_REPOSITORY: Readonly<HelmfileRepository> = Object.freeze({
  name: 'metrics-server',
  url: 'https://kubernetes-sigs.github.io/metrics-server/',
});

/**
 * metrics-server chart pinned by default: 3.13.1 (2026-02-27, metrics-server 0.8.1), per
 * kubernetes-sigs/metrics-server charts/metrics-server/CHANGELOG.md. metrics-server supports a
 * wide range of Kubernetes minors, so one pin serves every cluster in the autoscaler version map.
 */
export const METRICS_SERVER_CHART_VERSION = '3.13.1';

/** The autoscaler chart reference in a helmfile. */
export const CLUSTER_AUTOSCALER_CHART = `${AUTOSCALER_REPOSITORY.name}/cluster-autoscaler`;
/** The metrics-server chart reference in a helmfile. */
export const METRICS_SERVER_CHART = `${METRICS_SERVER_REPOSITORY.name}/metrics-server`;
