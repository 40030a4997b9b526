/**
 * The chart's service account rule lives in @eks-kit/helm-values (one rule, one place):
 * `<release>-aws-cluster-autoscaler`, as cluster-autoscaler/charts/cluster-autoscaler/templates/_helpers.tpl names it.
 * Re-exported here so asg-discovery users need one import.
 */
export {
  clusterAutoscalerServiceAccountName,
  DEFAULT_CLUSTER_AUTOSCALER_NAMESPACE as DEFAULT_NAMESPACE,
  DEFAULT_CLUSTER_AUTOSCALER_RELEASE as DEFAULT_RELEASE_NAME,
  validateKubernetesName,
  validateNamespace,
} from '@eks-kit/helm-values';
