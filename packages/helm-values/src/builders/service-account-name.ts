/**
 * The service account name the `cluster-autoscaler` chart gives its pod: the IAM trust (IRSA `sub`,
 * Pod Identity association) must name exactly this account, so every package asks this one rule.
 *
 * Mirrors cluster-autoscaler/charts/cluster-autoscaler/templates/_helpers.tpl (kubernetes/autoscaler;
 * under charts/cluster-autoscaler/ until October 2025):
 * - `cluster-autoscaler.name` = nameOverride, else `<cloudProvider>-<chart name>` = `aws-cluster-autoscaler`;
 * - `cluster-autoscaler.fullname` = fullnameOverride, else `<release>-<name>` unless the release
 *   name *equals* that name (the chart compares with `ne`, not `contains`: a release called
 *   `my-aws-cluster-autoscaler` still gets the prefix), each `trunc 63 | trimSuffix "-"`;
 * - `cluster-autoscaler.serviceAccountName` = rbac.serviceAccount.name, else the fullname when
 *   rbac.serviceAccount.create, else `default`.
 */
import { validateKubernetesName, validateReleaseName } from './kubernetes-names.js';

/** The release name eks-kit installs the autoscaler chart under by default. */
export const DEFAULT_CLUSTER_AUTOSCALER_RELEASE = 'cluster-autoscaler';
/** The namespace eks-kit installs the autoscaler chart into by default. */
export const DEFAULT_CLUSTER_AUTOSCALER_NAMESPACE = 'kube-system';

/** Chart name plus the `aws` cloud provider prefix, the chart's `cluster-autoscaler.name` for AWS. */
const AWS_CHART_NAME = 'aws-cluster-autoscaler';

/** Options of {@link clusterAutoscalerServiceAccountName} beyond the release and fullnameOverride. */
export interface ServiceAccountNameOptions {
  /** The chart's `nameOverride` value. */
  nameOverride?: string;
  /** The chart's `rbac.serviceAccount.name` value: wins over the generated name. */
  serviceAccountName?: string;
  /** The chart's `rbac.serviceAccount.create` value (default `true`). */
  createServiceAccount?: boolean;
}

/** Go template `trunc 63 | trimSuffix "-"`: first 63 characters, then one trailing `-` removed. */
function truncate63(name: string): string {
  const cut = name.slice(0, 63);
  return cut.endsWith('-') ? cut.slice(0, -1) : cut;
}

/**
 * The chart's `cluster-autoscaler.fullname` for `cloudProvider: aws`: the name of its Deployment
 * and, by default, of its service account.
 *
 * @example
 * ```ts
 * clusterAutoscalerFullname('cluster-autoscaler');     // 'cluster-autoscaler-aws-cluster-autoscaler'
 * clusterAutoscalerFullname('aws-cluster-autoscaler'); // 'aws-cluster-autoscaler'
 * ```
 */
export function clusterAutoscalerFullname(
  release: string = DEFAULT_CLUSTER_AUTOSCALER_RELEASE,
  fullnameOverride?: string,
  nameOverride?: string,
): string {
  validateReleaseName(release, 'release');
  if (fullnameOverride) return truncate63(validateKubernetesName(fullnameOverride, 'fullnameOverride'));
  const name = nameOverride ? validateKubernetesName(nameOverride, 'nameOverride') : AWS_CHART_NAME;
  return truncate63(name !== release ? `${release}-${name}` : name);
}

/**
 * The service account the `cluster-autoscaler` chart runs the autoscaler as (cloudProvider aws):
 * `<release>-aws-cluster-autoscaler` unless `rbac.serviceAccount.name` or an override is set.
 * Use it for the IRSA trust's `system:serviceaccount:<namespace>:<name>` subject.
 *
 * @example
 * ```ts
 * clusterAutoscalerServiceAccountName();                            // 'cluster-autoscaler-aws-cluster-autoscaler'
 * clusterAutoscalerServiceAccountName('ca');                        // 'ca-aws-cluster-autoscaler'
 * clusterAutoscalerServiceAccountName('ca', 'cluster-autoscaler');  // 'cluster-autoscaler'
 * clusterAutoscalerServiceAccountName('ca', undefined, { serviceAccountName: 'autoscaler' }); // 'autoscaler'
 * ```
 */
export function clusterAutoscalerServiceAccountName(
  release: string = DEFAULT_CLUSTER_AUTOSCALER_RELEASE,
  fullnameOverride?: string,
  options: ServiceAccountNameOptions = {},
): string {
  const fullname = clusterAutoscalerFullname(release, fullnameOverride, options.nameOverride);
  if (options.serviceAccountName !== undefined && options.serviceAccountName !== '') {
    return validateKubernetesName(options.serviceAccountName, 'serviceAccount.name');
  }
  if (options.createServiceAccount === false) return 'default';
  return fullname;
}
