/**
 * @eks-kit/helm-values: typed cluster-autoscaler and metrics-server Helm values, helmfile.yaml for
 * helmfile v1, and the Kubernetes-to-autoscaler version map. Builders only: no I/O.
 *
 * @packageDocumentation
 */

/** Deep key sorting lives in core (one rule for every sorted output); re-exported for callers of 0.1. */
export { sortKeysDeep } from '@eks-kit/core';
export {
  AUTOSCALER_REPOSITORY,
  CLUSTER_AUTOSCALER_CHART,
  METRICS_SERVER_CHART,
  METRICS_SERVER_CHART_VERSION,
  METRICS_SERVER_REPOSITORY,
} from './builders/charts.js';
export {
  AUTOSCALER_ENABLED_TAG,
  type ClusterAutoscalerValues,
  type ClusterAutoscalerValuesInput,
  clusterAutoscalerValues,
  DEFAULT_CLUSTER_AUTOSCALER_RESOURCES,
  existingServiceAccountAnnotations,
} from './builders/cluster-autoscaler-values.js';
export {
  CHECKED_EXTRA_ARGS,
  type ClusterAutoscalerExtraArgs,
  clusterAutoscalerExtraArgs,
  EXPANDER_SINCE,
  EXPANDERS,
  EXPANDERS_REFUSED_ON_AWS,
  type Expander,
  type ExtraArgValue,
  helmVerbatimNumber,
  isChartArgSafe,
  LOGGING_FORMATS,
  type RenderedExtraArgValue,
  STDERR_THRESHOLDS,
} from './builders/extra-args.js';
export { validateGoDuration } from './builders/go-duration.js';
export {
  type HelmfileDefaults,
  type HelmfileEnvironment,
  type HelmfileInput,
  type HelmfileOutput,
  type HelmfileRelease,
  type HelmfileRepository,
  type HelmfileValues,
  helmfile,
} from './builders/helmfile.js';
export {
  type IdentityAnnotations,
  IRSA_ROLE_ANNOTATION,
  identityAnnotations,
  KUBE2IAM_ROLE_ANNOTATION,
  POD_IDENTITY_TYPES,
  type PodIdentity,
  validateRoleArn,
} from './builders/identity.js';
export {
  validateChartVersion,
  validateKubernetesName,
  validateNamespace,
  validateQuantity,
  validateReleaseName,
} from './builders/kubernetes-names.js';
export {
  type MetricsServerValues,
  type MetricsServerValuesInput,
  metricsServerValues,
} from './builders/metrics-server-values.js';
export { assertPlainData, type PlainValue } from './builders/plain-data.js';
export {
  type ClusterAddonsInput,
  type ClusterAutoscalerRelease,
  type ClusterAutoscalerReleaseInput,
  clusterAddonsHelmfile,
  clusterAutoscalerRelease,
  type MetricsServerReleaseInput,
  metricsServerRelease,
} from './builders/releases.js';
export {
  type ResourceQuantities,
  type ResourceRequirements,
  validateResources,
} from './builders/resources.js';
export {
  clusterAutoscalerFullname,
  clusterAutoscalerServiceAccountName,
  DEFAULT_CLUSTER_AUTOSCALER_NAMESPACE,
  DEFAULT_CLUSTER_AUTOSCALER_RELEASE,
  type ServiceAccountNameOptions,
} from './builders/service-account-name.js';
export { valuesRef } from './builders/templates.js';
export { generatedHeader, type ValuesYamlOptions, valuesYaml } from './builders/values-yaml.js';
export {
  CLUSTER_AUTOSCALER_VERSIONS,
  type ClusterAutoscalerVersion,
  clusterAutoscalerChartVersion,
  clusterAutoscalerImageTag,
  clusterAutoscalerVersionFor,
  type ImageTagOptions,
  kubernetesMinor,
} from './builders/version-map.js';
