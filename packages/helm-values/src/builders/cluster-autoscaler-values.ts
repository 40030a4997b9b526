/**
 * Values for the `cluster-autoscaler` chart (https://kubernetes.github.io/autoscaler, chart 9.x)
 * on EKS with auto-discovery of tagged Auto Scaling groups.
 */
import { InvalidInputError, ownEntries, setOwn, validateClusterName, validateRegion } from '@eks-kit/core';
import {
  type ClusterAutoscalerExtraArgs,
  clusterAutoscalerExtraArgs,
  type ExtraArgValue,
  type RenderedExtraArgValue,
} from './extra-args.js';
import { identityAnnotations, type PodIdentity } from './identity.js';
import { validateKubernetesName } from './kubernetes-names.js';
import { type ResourceRequirements, validateResources } from './resources.js';
import { clusterAutoscalerImageTag } from './version-map.js';

/** Input of {@link clusterAutoscalerValues}. */
export interface ClusterAutoscalerValuesInput {
  /** EKS cluster name: `autoDiscovery.clusterName` and the discovery tag `k8s.io/cluster-autoscaler/<cluster>`. */
  cluster: string;
  /** AWS region of the cluster: `awsRegion` (the chart requires it for aws). */
  region: string;
  /** Kubernetes version of the cluster (`1.35`, `1.35.2`): picks the image tag from the version map. */
  kubernetesVersion: string;
  /** How the pod gets its AWS role. */
  identity: PodIdentity;
  /**
   * The chart's service account: a fixed name, or `create: false` with the `name` of an existing one.
   * With an existing account and IRSA the chart cannot annotate it: put the annotations that
   * {@link existingServiceAccountAnnotations} returns on that account yourself.
   */
  serviceAccount?: { name?: string; create?: boolean; annotations?: Record<string, string> };
  /** Checked autoscaler flags. */
  extraArgs?: ClusterAutoscalerExtraArgs;
  /** Flags eks-kit does not check, passed through as they are (one-line strings, numbers, booleans). */
  uncheckedExtraArgs?: Record<string, ExtraArgValue>;
  /**
   * Container resources. Default: requests and limits of 100m CPU / 600Mi memory, as in the
   * upstream cluster-autoscaler-autodiscover.yaml example; `null` leaves the chart's (none).
   */
  resources?: ResourceRequirements | null;
  /** Image: `tag` pins the tag (its minor must match the cluster's unless `allowVersionSkew`); `repository` for a mirror. */
  image?: { repository?: string; tag?: string; allowVersionSkew?: boolean };
  /** The chart's `fullnameOverride` (also changes the service account name). */
  fullnameOverride?: string;
  /** Priority expander config (`{ 10: ['.*spot.*'], 50: ['.*on-demand.*'] }`); needs `priority` in the expander list. */
  expanderPriorities?: Record<string, readonly string[]>;
}

/** The values {@link clusterAutoscalerValues} produces (a subset of the chart's values.yaml). */
export interface ClusterAutoscalerValues {
  cloudProvider: 'aws';
  awsRegion: string;
  autoDiscovery: { clusterName: string; tags: string[] };
  image: { repository?: string; tag: string };
  rbac: {
    create: true;
    serviceAccount: { create: boolean; name?: string; annotations?: Record<string, string> };
  };
  podAnnotations?: Record<string, string>;
  /** Checked flags; numbers are digit strings so that Helm prints them verbatim ({@link helmVerbatimNumber}). */
  extraArgs?: Record<string, RenderedExtraArgValue>;
  expanderPriorities?: Record<string, string[]>;
  resources?: ResourceRequirements;
  fullnameOverride?: string;
}

/** Resources of the upstream AWS example manifest (cluster-autoscaler-autodiscover.yaml). */
export const DEFAULT_CLUSTER_AUTOSCALER_RESOURCES: ResourceRequirements = Object.freeze({
  requests: { cpu: '100m', memory: '600Mi' },
  limits: { cpu: '100m', memory: '600Mi' },
});

/** The tag key every autoscaled group carries (docs/AWS-FACTS.md#autoscaler-discovery-tags). */
export const AUTOSCALER_ENABLED_TAG = 'k8s.io/cluster-autoscaler/enabled';

const IMAGE_REPOSITORY_RE =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\.[a-z0-9-]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

interface CheckedServiceAccount {
  create: boolean;
  name?: string;
  extra: Record<string, string>;
}

function checkServiceAccount(input: ClusterAutoscalerValuesInput['serviceAccount']): CheckedServiceAccount {
  if (input === undefined) return { create: true, extra: {} };
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidInputError('serviceAccount', input, 'a map with name, create or annotations');
  }
  if (input.create !== undefined && typeof input.create !== 'boolean') {
    throw new InvalidInputError('serviceAccount.create', input.create, 'true or false');
  }
  const extra: Record<string, string> = {};
  if (input.annotations !== undefined) {
    if (!input.annotations || typeof input.annotations !== 'object' || Array.isArray(input.annotations)) {
      throw new InvalidInputError(
        'serviceAccount.annotations',
        input.annotations,
        'a map of annotation keys to strings',
      );
    }
    for (const [key, value] of ownEntries(input.annotations, 'serviceAccount.annotations')) {
      if (typeof value !== 'string') {
        throw new InvalidInputError(`serviceAccount.annotations.${key}`, value, 'a string');
      }
      setOwn(extra, key, value);
    }
  }
  return {
    create: input.create ?? true,
    ...(input.name !== undefined ? { name: validateKubernetesName(input.name, 'serviceAccount.name') } : {}),
    extra,
  };
}

function checkExpanderPriorities(
  value: unknown,
  extraArgs: Record<string, RenderedExtraArgValue>,
): Record<string, string[]> | undefined {
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError(
      'expanderPriorities',
      value,
      'a map of priorities to lists of node group name patterns',
    );
  }
  const expander = extraArgs['expander'];
  if (typeof expander !== 'string' || !expander.split(',').includes('priority')) {
    throw new InvalidInputError(
      'expanderPriorities',
      value,
      'priorities only with priority in extraArgs.expander',
      {
        hint: 'the chart writes the priority ConfigMap only when the expander list has priority',
      },
    );
  }
  const out: Record<string, string[]> = {};
  for (const [priority, patterns] of ownEntries(value as Record<string, unknown>, 'expanderPriorities')) {
    const field = `expanderPriorities.${priority}`;
    if (!/^(0|[1-9]\d{0,8})$/.test(priority))
      throw new InvalidInputError(field, priority, 'a whole-number priority');
    if (!Array.isArray(patterns) || patterns.length === 0) {
      throw new InvalidInputError(field, patterns, 'a non-empty list of node group name patterns');
    }
    out[priority] = patterns.map((pattern, index) => {
      if (typeof pattern !== 'string' || pattern === '') {
        throw new InvalidInputError(`${field}[${index}]`, pattern, 'a regular expression such as .*spot.*');
      }
      try {
        new RegExp(pattern);
      } catch {
        throw new InvalidInputError(`${field}[${index}]`, pattern, 'a valid regular expression');
      }
      return pattern;
    });
  }
  return out;
}

/**
 * Values for the `cluster-autoscaler` chart on EKS: `cloudProvider: aws`, `awsRegion`,
 * auto-discovery of the groups tagged `k8s.io/cluster-autoscaler/enabled` and
 * `k8s.io/cluster-autoscaler/<cluster>`, the image tag matching the Kubernetes minor, the identity's
 * annotations (IRSA on the service account, kube2iam/kiam on the pod, none for Pod Identity) and
 * checked `extraArgs`. Pure: the same input always gives the same values.
 *
 * @example
 * ```ts
 * const values = clusterAutoscalerValues({
 *   cluster: 'eks-kit-demo',
 *   region: 'ap-northeast-1',
 *   kubernetesVersion: '1.35',
 *   identity: { type: 'irsa', roleArn: 'arn:aws:iam::123456789012:role/eks-kit-demo-cluster-autoscaler' },
 *   extraArgs: { expander: 'least-waste', 'balance-similar-node-groups': true, 'scale-down-unneeded-time': '5m' },
 * });
 * values.rbac.serviceAccount.annotations; // { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::...' }
 * values.image.tag;                       // 'v1.35.2'
 * ```
 */
export function clusterAutoscalerValues(input: ClusterAutoscalerValuesInput): ClusterAutoscalerValues {
  if (!input || typeof input !== 'object') {
    throw new InvalidInputError('input', input, 'a map with cluster, region, kubernetesVersion and identity');
  }
  const cluster = validateClusterName(input.cluster, 'cluster');
  const region = validateRegion(input.region, 'region');
  const image = input.image ?? {};
  if (typeof image !== 'object' || Array.isArray(image)) {
    throw new InvalidInputError('image', image, 'a map with tag and/or repository');
  }
  const tag = clusterAutoscalerImageTag(input.kubernetesVersion, image.tag, {
    ...(image.allowVersionSkew !== undefined ? { allowVersionSkew: image.allowVersionSkew } : {}),
  });
  if (
    image.repository !== undefined &&
    (typeof image.repository !== 'string' || !IMAGE_REPOSITORY_RE.test(image.repository))
  ) {
    throw new InvalidInputError(
      'image.repository',
      image.repository,
      'an image repository without tag, e.g. registry.k8s.io/autoscaling/cluster-autoscaler',
    );
  }
  const annotations = identityAnnotations(input.identity, 'identity');
  const serviceAccount = checkServiceAccount(input.serviceAccount);
  if (!serviceAccount.create) {
    // The chart renders rbac.serviceAccount.annotations only on an account it creates.
    if (Object.keys(serviceAccount.extra).length > 0) {
      throw new InvalidInputError(
        'serviceAccount.annotations',
        serviceAccount.extra,
        'no annotations with serviceAccount.create false (the chart ignores them)',
        { hint: 'put the annotations on your existing service account itself' },
      );
    }
    if (input.identity.type === 'irsa' && serviceAccount.name === undefined) {
      throw new InvalidInputError(
        'serviceAccount.name',
        undefined,
        'the name of your existing service account (irsa with serviceAccount.create false)',
        {
          hint: "without a name the chart runs the pod as the namespace's default account; annotating that with the role would give it to every pod there",
        },
      );
    }
  }
  for (const key of Object.keys(annotations.serviceAccount)) {
    if (Object.hasOwn(serviceAccount.extra, key)) {
      throw new InvalidInputError(
        `serviceAccount.annotations.${key}`,
        serviceAccount.extra[key],
        'no value: the identity sets it',
      );
    }
  }
  // With an existing account (create: false) the IRSA annotation is the caller's to set on it:
  // see existingServiceAccountAnnotations().
  const saAnnotations = serviceAccount.create
    ? { ...serviceAccount.extra, ...annotations.serviceAccount }
    : {};
  const extraArgs = clusterAutoscalerExtraArgs(input.extraArgs, input.uncheckedExtraArgs, { imageTag: tag });
  const expanderPriorities = checkExpanderPriorities(input.expanderPriorities, extraArgs);
  const resources =
    input.resources === null
      ? undefined
      : input.resources === undefined
        ? structuredClone(DEFAULT_CLUSTER_AUTOSCALER_RESOURCES)
        : validateResources(input.resources, 'resources');
  const fullnameOverride =
    input.fullnameOverride !== undefined && input.fullnameOverride !== ''
      ? validateKubernetesName(input.fullnameOverride, 'fullnameOverride')
      : undefined;

  const values: ClusterAutoscalerValues = {
    cloudProvider: 'aws',
    awsRegion: region,
    autoDiscovery: {
      clusterName: cluster,
      tags: [AUTOSCALER_ENABLED_TAG, `k8s.io/cluster-autoscaler/${cluster}`],
    },
    image: { ...(image.repository !== undefined ? { repository: image.repository } : {}), tag },
    rbac: {
      create: true,
      serviceAccount: {
        create: serviceAccount.create,
        ...(serviceAccount.name !== undefined ? { name: serviceAccount.name } : {}),
        ...(Object.keys(saAnnotations).length > 0 ? { annotations: saAnnotations } : {}),
      },
    },
  };
  if (Object.keys(annotations.pod).length > 0) values.podAnnotations = annotations.pod;
  if (Object.keys(extraArgs).length > 0) values.extraArgs = extraArgs;
  if (expanderPriorities) values.expanderPriorities = expanderPriorities;
  if (resources) values.resources = resources;
  if (fullnameOverride) values.fullnameOverride = fullnameOverride;
  return values;
}

/**
 * The annotations a service account the chart does not create (`serviceAccount.create: false`) must
 * carry for the identity to work: `eks.amazonaws.com/role-arn` for IRSA (the chart renders
 * `rbac.serviceAccount.annotations` only on an account it creates), nothing otherwise. Empty when the
 * chart creates the account (it annotates it itself).
 *
 * @example
 * ```ts
 * existingServiceAccountAnnotations({
 *   identity: { type: 'irsa', roleArn: 'arn:aws:iam::123456789012:role/ca' },
 *   serviceAccount: { create: false, name: 'cluster-autoscaler' },
 * });
 * // { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/ca' }
 * ```
 */
export function existingServiceAccountAnnotations(
  input: Pick<ClusterAutoscalerValuesInput, 'identity' | 'serviceAccount'>,
): Record<string, string> {
  if (!input || typeof input !== 'object') throw new InvalidInputError('input', input, 'a map with identity');
  const annotations = identityAnnotations(input.identity, 'identity');
  return input.serviceAccount?.create === false ? { ...annotations.serviceAccount } : {};
}
