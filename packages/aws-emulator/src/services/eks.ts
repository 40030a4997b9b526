/**
 * Amazon EKS (restJson1), from the API reference: ListClusters, DescribeCluster (status, version,
 * arn, `identity.oidc.issuer`), and EKS Pod Identity associations: Create (one per namespace and
 * service account: ResourceInUseException), List (namespace / serviceAccount filters, maxResults
 * 1-100, nextToken), Describe, Update (role), Delete. Unknown clusters and associations answer
 * ResourceNotFoundException (404) with `clusterName` / `associationId` fields as EKS does.
 *
 * Add-ons: DescribeAddon (ResourceNotFoundException 404 with `addonName` / `clusterName` fields for an
 * add-on that is not installed) and ListAddons (maxResults 1-100, nextToken), read-only.
 *
 * EKS Auto Mode: a cluster seeded with `autoMode: true` (or `{ nodePools?, nodeRoleArn? }`) answers
 * DescribeCluster with `computeConfig: { enabled: true, nodePools, nodeRoleArn }`,
 * `storageConfig.blockStorage.enabled` and `kubernetesNetworkConfig.elasticLoadBalancing.enabled` true
 * (the three switches AWS requires together); any other cluster with them `enabled: false`.
 *
 * World keys (`eks`): `clusters: [{ name, version?, oidcIssuer?, status?, roleArn?, tags?, autoMode?,
 * addons?: [{ name, version?, status? }] }]` (add-on status default ACTIVE)
 * (issuer default `https://oidc.eks.<region>.amazonaws.com/id/<32 hex>`),
 * `podIdentityAssociations: [{ clusterName, namespace, serviceAccount, roleArn }]`,
 * `nodegroups: [{ clusterName, name, autoScalingGroup?, labels?, taints?: [{ key, value?, effect }],
 * instanceTypes?, capacityType?, minSize?, maxSize?, desiredSize?, launchTemplate?: { name?, id?, version? },
 * amiType?, subnets?, tags? }]` (effect as EKS spells it: NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE;
 * `autoScalingGroup` names the group in the `autoscaling` section, default `eks-<name>-<uuid>`).
 *
 * Managed node groups (API reference): ListNodegroups (`GET /clusters/{name}/node-groups`, maxResults
 * 1-100, nextToken) and DescribeNodegroup (labels, taints, scalingConfig, instanceTypes, capacityType,
 * `resources.autoScalingGroups`); an unknown one answers ResourceNotFoundException
 * `No node group found for name: <name>.` with `clusterName` and `nodegroupName`.
 */
import { AwsError } from '../framework/errors.js';
import { paginate } from '../framework/pagination.js';
import type { RandomSource } from '../framework/random.js';
import { defineService } from '../framework/service.js';

interface Cluster {
  name: string;
  arn: string;
  version: string;
  status: string;
  oidcIssuer: string;
  roleArn: string;
  createdAt: Date;
  endpoint: string;
  tags: Record<string, string>;
  /** Installed add-ons by name. */
  addons: Map<string, { name: string; version: string; status: string; createdAt: Date }>;
  /** EKS Auto Mode (computeConfig.enabled), its node pools and node role. */
  autoMode?: { nodePools: string[]; nodeRoleArn: string };
}

interface Association {
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  associationArn: string;
  associationId: string;
  tags: Record<string, string>;
  createdAt: Date;
  modifiedAt: Date;
  disableSessionTags: boolean;
  targetRoleArn?: string;
}

interface Nodegroup {
  clusterName: string;
  name: string;
  arn: string;
  autoScalingGroup: string;
  labels: Record<string, string>;
  taints: Array<{ key: string; value?: string; effect: string }>;
  instanceTypes: string[];
  capacityType: string;
  scaling: { minSize: number; maxSize: number; desiredSize: number };
  launchTemplate?: { name?: string; id?: string; version?: string };
  amiType: string;
  subnets: string[];
  tags: Record<string, string>;
  createdAt: Date;
}

const TAINT_EFFECTS = ['NO_SCHEDULE', 'NO_EXECUTE', 'PREFER_NO_SCHEDULE'];

/** State of the EKS module. */
export interface EksState {
  accountId: string;
  region: string;
  random: RandomSource;
  clusters: Map<string, Cluster>;
  /** By association id. */
  associations: Map<string, Association>;
  /** By `<cluster>/<nodegroup>`. */
  nodegroups: Map<string, Nodegroup>;
}

type Input = Record<string, unknown>;

const ROLE_ARN_RE = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const K8S_NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function clusterNotFound(name: string): AwsError {
  return new AwsError('ResourceNotFoundException', `No cluster found for name: ${name}.`, 404, {
    fields: { clusterName: name },
  });
}

function getCluster(state: EksState, name: unknown): Cluster {
  const cluster = typeof name === 'string' ? state.clusters.get(name) : undefined;
  if (!cluster) throw clusterNotFound(String(name));
  return cluster;
}

function getAssociation(state: EksState, cluster: Cluster, id: unknown): Association {
  const a = typeof id === 'string' ? state.associations.get(id) : undefined;
  if (!a || a.clusterName !== cluster.name)
    throw new AwsError(
      'ResourceNotFoundException',
      `No Pod Identity Association found for id: ${String(id)}.`,
      404,
      {
        fields: { clusterName: cluster.name, associationId: String(id) },
      },
    );
  return a;
}

function invalidParameter(message: string, clusterName?: string): AwsError {
  return new AwsError('InvalidParameterException', message, 400, {
    fields: clusterName ? { clusterName } : {},
  });
}

function nodegroupOut(n: Nodegroup, version: string, accountId: string): Record<string, unknown> {
  return {
    nodegroupName: n.name,
    nodegroupArn: n.arn,
    clusterName: n.clusterName,
    version,
    releaseVersion: `${version}.0-20250101`,
    createdAt: n.createdAt,
    modifiedAt: n.createdAt,
    status: 'ACTIVE',
    capacityType: n.capacityType,
    scalingConfig: n.scaling,
    instanceTypes: n.instanceTypes,
    subnets: n.subnets,
    amiType: n.amiType,
    nodeRole: `arn:aws:iam::${accountId}:role/${n.clusterName}-node`,
    labels: n.labels,
    ...(n.taints.length ? { taints: n.taints } : {}),
    resources: { autoScalingGroups: [{ name: n.autoScalingGroup }] },
    ...(n.launchTemplate ? { launchTemplate: n.launchTemplate } : { diskSize: 20 }),
    health: { issues: [] },
    updateConfig: { maxUnavailable: 1 },
    tags: n.tags,
  };
}

function getNodegroup(state: EksState, cluster: Cluster, name: unknown): Nodegroup {
  const n = typeof name === 'string' ? state.nodegroups.get(`${cluster.name}/${name}`) : undefined;
  if (!n)
    throw new AwsError('ResourceNotFoundException', `No node group found for name: ${String(name)}.`, 404, {
      fields: { clusterName: cluster.name, nodegroupName: String(name) },
    });
  return n;
}

function clusterOut(c: Cluster): Record<string, unknown> {
  return {
    name: c.name,
    arn: c.arn,
    createdAt: c.createdAt,
    version: c.version,
    endpoint: c.endpoint,
    roleArn: c.roleArn,
    resourcesVpcConfig: {
      subnetIds: [],
      securityGroupIds: [],
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
    },
    kubernetesNetworkConfig: {
      serviceIpv4Cidr: '10.100.0.0/16',
      ipFamily: 'ipv4',
      elasticLoadBalancing: { enabled: c.autoMode !== undefined },
    },
    computeConfig: c.autoMode
      ? { enabled: true, nodePools: [...c.autoMode.nodePools], nodeRoleArn: c.autoMode.nodeRoleArn }
      : { enabled: false },
    storageConfig: { blockStorage: { enabled: c.autoMode !== undefined } },
    identity: { oidc: { issuer: c.oidcIssuer } },
    status: c.status,
    certificateAuthority: { data: Buffer.from(`emulated CA of ${c.name}`).toString('base64') },
    platformVersion: 'eks.1',
    tags: c.tags,
    accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
  };
}

function autoModeSeed(
  raw: unknown,
  cluster: string,
  accountId: string,
): { autoMode?: { nodePools: string[]; nodeRoleArn: string } } {
  if (raw === undefined || raw === false) return {};
  const given = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    nodePools?: string[];
    nodeRoleArn?: string;
  };
  return {
    autoMode: {
      nodePools: given.nodePools ?? ['general-purpose', 'system'],
      nodeRoleArn: given.nodeRoleArn ?? `arn:aws:iam::${accountId}:role/${cluster}-auto-mode-node`,
    },
  };
}

function associationOut(a: Association): Record<string, unknown> {
  return {
    clusterName: a.clusterName,
    namespace: a.namespace,
    serviceAccount: a.serviceAccount,
    roleArn: a.roleArn,
    associationArn: a.associationArn,
    associationId: a.associationId,
    tags: a.tags,
    createdAt: a.createdAt,
    modifiedAt: a.modifiedAt,
    disableSessionTags: a.disableSessionTags,
    ...(a.targetRoleArn ? { targetRoleArn: a.targetRoleArn } : {}),
  };
}

function createAssociation(state: EksState, cluster: Cluster, input: Input, now: Date): Association {
  const namespace = input.namespace;
  const serviceAccount = input.serviceAccount;
  const roleArn = input.roleArn;
  if (typeof namespace !== 'string' || !K8S_NAME_RE.test(namespace))
    throw invalidParameter('namespace must be a valid Kubernetes namespace name.', cluster.name);
  if (typeof serviceAccount !== 'string' || !K8S_NAME_RE.test(serviceAccount))
    throw invalidParameter('serviceAccount must be a valid Kubernetes service account name.', cluster.name);
  if (typeof roleArn !== 'string' || !ROLE_ARN_RE.test(roleArn))
    throw invalidParameter(`Role ARN ${String(roleArn)} is not a valid IAM role ARN.`, cluster.name);
  for (const a of state.associations.values())
    if (a.clusterName === cluster.name && a.namespace === namespace && a.serviceAccount === serviceAccount)
      throw new AwsError('ResourceInUseException', `Association already exists: ${a.associationId}`, 409, {
        fields: { clusterName: cluster.name },
      });
  const id = `a-${state.random.chars(17, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
  const association: Association = {
    clusterName: cluster.name,
    namespace,
    serviceAccount,
    roleArn,
    associationArn: `arn:aws:eks:${state.region}:${state.accountId}:podidentityassociation/${cluster.name}/${id}`,
    associationId: id,
    tags: (input.tags as Record<string, string> | undefined) ?? {},
    createdAt: now,
    modifiedAt: now,
    disableSessionTags: input.disableSessionTags === true,
    ...(typeof input.targetRoleArn === 'string' ? { targetRoleArn: input.targetRoleArn } : {}),
  };
  state.associations.set(id, association);
  return association;
}

/** The EKS service module. */
export const eks = defineService<EksState>({
  signingName: 'eks',
  protocol: {
    kind: 'restJson',
    routes: [
      { method: 'GET', path: '/clusters', operation: 'ListClusters' },
      { method: 'GET', path: '/clusters/{name}', operation: 'DescribeCluster' },
      { method: 'GET', path: '/clusters/{clusterName}/addons', operation: 'ListAddons' },
      { method: 'GET', path: '/clusters/{clusterName}/addons/{addonName}', operation: 'DescribeAddon' },
      {
        method: 'POST',
        path: '/clusters/{clusterName}/pod-identity-associations',
        operation: 'CreatePodIdentityAssociation',
      },
      {
        method: 'GET',
        path: '/clusters/{clusterName}/pod-identity-associations',
        operation: 'ListPodIdentityAssociations',
      },
      {
        method: 'GET',
        path: '/clusters/{clusterName}/pod-identity-associations/{associationId}',
        operation: 'DescribePodIdentityAssociation',
      },
      {
        method: 'POST',
        path: '/clusters/{clusterName}/pod-identity-associations/{associationId}',
        operation: 'UpdatePodIdentityAssociation',
      },
      {
        method: 'DELETE',
        path: '/clusters/{clusterName}/pod-identity-associations/{associationId}',
        operation: 'DeletePodIdentityAssociation',
      },
      { method: 'GET', path: '/clusters/{name}/node-groups', operation: 'ListNodegroups' },
      {
        method: 'GET',
        path: '/clusters/{name}/node-groups/{nodegroupName}',
        operation: 'DescribeNodegroup',
      },
    ],
  },
  createState(world, context) {
    const section = (world.eks ?? {}) as Record<string, unknown>;
    const state: EksState = {
      accountId: context.accountId,
      region: context.region,
      random: context.random,
      clusters: new Map(),
      associations: new Map(),
      nodegroups: new Map(),
    };
    const now = context.clock.date();
    for (const raw of (section.clusters ?? []) as Array<Record<string, unknown>>) {
      const name = String(raw.name);
      const oidcId = context.random.hex(32).toUpperCase();
      state.clusters.set(name, {
        name,
        arn: `arn:aws:eks:${context.region}:${context.accountId}:cluster/${name}`,
        version: String(raw.version ?? '1.33'),
        status: String(raw.status ?? 'ACTIVE'),
        oidcIssuer: String(raw.oidcIssuer ?? `https://oidc.eks.${context.region}.amazonaws.com/id/${oidcId}`),
        roleArn: String(raw.roleArn ?? `arn:aws:iam::${context.accountId}:role/${name}-cluster`),
        createdAt: now,
        endpoint: `https://${oidcId}.gr7.${context.region}.eks.amazonaws.com`,
        tags: (raw.tags as Record<string, string> | undefined) ?? {},
        addons: new Map(
          ((raw.addons ?? []) as Array<Record<string, unknown>>).map((a) => [
            String(a.name),
            {
              name: String(a.name),
              version: String(a.version ?? 'v1.0.0-eksbuild.1'),
              status: String(a.status ?? 'ACTIVE'),
              createdAt: now,
            },
          ]),
        ),
        ...autoModeSeed(raw.autoMode, name, context.accountId),
      });
    }
    for (const raw of (section.podIdentityAssociations ?? []) as Array<Record<string, unknown>>) {
      const cluster = state.clusters.get(String(raw.clusterName));
      if (!cluster)
        throw new TypeError(`eks.podIdentityAssociations: unknown cluster ${String(raw.clusterName)}`);
      createAssociation(state, cluster, raw, now);
    }
    for (const raw of (section.nodegroups ?? []) as Array<Record<string, unknown>>) {
      const cluster = state.clusters.get(String(raw.clusterName));
      if (!cluster) throw new TypeError(`eks.nodegroups: unknown cluster ${String(raw.clusterName)}`);
      const name = String(raw.name);
      const uuid = [8, 4, 4, 4, 12].map((n) => context.random.hex(n)).join('-');
      const taints = ((raw.taints ?? []) as Array<Record<string, unknown>>).map((t) => {
        const effect = String(t.effect);
        if (!TAINT_EFFECTS.includes(effect))
          throw new TypeError(
            `eks.nodegroups[${name}].taints: effect ${effect} is not one of ${TAINT_EFFECTS.join(', ')}`,
          );
        return { key: String(t.key), ...(t.value !== undefined ? { value: String(t.value) } : {}), effect };
      });
      const minSize = Number(raw.minSize ?? 1);
      state.nodegroups.set(`${cluster.name}/${name}`, {
        clusterName: cluster.name,
        name,
        arn: `arn:aws:eks:${context.region}:${context.accountId}:nodegroup/${cluster.name}/${name}/${uuid}`,
        autoScalingGroup: String(raw.autoScalingGroup ?? `eks-${name}-${uuid}`),
        labels: (raw.labels as Record<string, string> | undefined) ?? {},
        taints,
        instanceTypes: (raw.instanceTypes as string[] | undefined) ?? ['t3.medium'],
        capacityType: String(raw.capacityType ?? 'ON_DEMAND'),
        scaling: {
          minSize,
          maxSize: Number(raw.maxSize ?? Math.max(minSize, 1)),
          desiredSize: Number(raw.desiredSize ?? minSize),
        },
        ...(raw.launchTemplate ? { launchTemplate: raw.launchTemplate as Nodegroup['launchTemplate'] } : {}),
        amiType: String(raw.amiType ?? 'AL2023_x86_64_STANDARD'),
        subnets: (raw.subnets as string[] | undefined) ?? ['subnet-0a1b2c3d'],
        tags: (raw.tags as Record<string, string> | undefined) ?? {},
        createdAt: now,
      });
    }
    return state;
  },
  operations: {
    ListClusters: {
      logInput: ['maxResults', 'nextToken'],
      handler({ state, input }) {
        const max = input.maxResults === undefined ? 100 : Number(input.maxResults);
        if (!Number.isInteger(max) || max < 1 || max > 100)
          throw invalidParameter('maxResults must be between 1 and 100.');
        const page = paginate(
          [...state.clusters.keys()].sort(),
          input.nextToken as string | undefined,
          max,
          'InvalidParameterException',
        );
        return { clusters: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
      },
    },
    DescribeCluster: {
      logInput: ['name'],
      resource: (input, r) => `arn:aws:eks:${r.region}:${r.accountId}:cluster/${String(input.name)}`,
      handler({ state, input }) {
        return { cluster: clusterOut(getCluster(state, input.name)) };
      },
    },
    DescribeAddon: {
      logInput: ['clusterName', 'addonName'],
      resource: (input, r) =>
        `arn:aws:eks:${r.region}:${r.accountId}:addon/${String(input.clusterName)}/${String(input.addonName)}/*`,
      handler({ state, input }) {
        const cluster = getCluster(state, input.clusterName);
        const addon = cluster.addons.get(String(input.addonName));
        if (!addon)
          throw new AwsError(
            'ResourceNotFoundException',
            `No addon: ${String(input.addonName)} found in cluster: ${cluster.name}`,
            404,
            { fields: { clusterName: cluster.name, addonName: String(input.addonName) } },
          );
        return {
          addon: {
            addonName: addon.name,
            clusterName: cluster.name,
            status: addon.status,
            addonVersion: addon.version,
            health: { issues: [] },
            addonArn: `arn:aws:eks:${state.region}:${state.accountId}:addon/${cluster.name}/${addon.name}/${addon.name.length}a1b2c3`,
            createdAt: addon.createdAt,
            modifiedAt: addon.createdAt,
            tags: {},
          },
        };
      },
    },
    ListAddons: {
      logInput: ['clusterName', 'maxResults', 'nextToken'],
      handler({ state, input }) {
        const cluster = getCluster(state, input.clusterName);
        const max = input.maxResults === undefined ? 100 : Number(input.maxResults);
        if (!Number.isInteger(max) || max < 1 || max > 100)
          throw invalidParameter('maxResults must be between 1 and 100.', cluster.name);
        const page = paginate(
          [...cluster.addons.keys()].sort(),
          input.nextToken as string | undefined,
          max,
          'InvalidParameterException',
        );
        return { addons: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
      },
    },
    CreatePodIdentityAssociation: {
      mutating: true,
      logInput: ['clusterName', 'namespace', 'serviceAccount', 'roleArn'],
      resource: (input, r) => `arn:aws:eks:${r.region}:${r.accountId}:cluster/${String(input.clusterName)}`,
      handler({ state, input, clock }) {
        const cluster = getCluster(state, input.clusterName);
        return { association: associationOut(createAssociation(state, cluster, input, clock.date())) };
      },
    },
    ListPodIdentityAssociations: {
      logInput: ['clusterName', 'namespace', 'serviceAccount', 'maxResults', 'nextToken'],
      handler({ state, input }) {
        const cluster = getCluster(state, input.clusterName);
        const max = input.maxResults === undefined ? 100 : Number(input.maxResults);
        if (!Number.isInteger(max) || max < 1 || max > 100)
          throw invalidParameter('maxResults must be between 1 and 100.', cluster.name);
        const rows = [...state.associations.values()]
          .filter(
            (a) =>
              a.clusterName === cluster.name &&
              (input.namespace === undefined || a.namespace === input.namespace) &&
              (input.serviceAccount === undefined || a.serviceAccount === input.serviceAccount),
          )
          .sort((a, b) => a.associationId.localeCompare(b.associationId))
          .map((a) => ({
            clusterName: a.clusterName,
            namespace: a.namespace,
            serviceAccount: a.serviceAccount,
            associationArn: a.associationArn,
            associationId: a.associationId,
          }));
        const page = paginate(rows, input.nextToken as string | undefined, max, 'InvalidParameterException');
        return { associations: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
      },
    },
    DescribePodIdentityAssociation: {
      logInput: ['clusterName', 'associationId'],
      handler({ state, input }) {
        const cluster = getCluster(state, input.clusterName);
        return { association: associationOut(getAssociation(state, cluster, input.associationId)) };
      },
    },
    UpdatePodIdentityAssociation: {
      mutating: true,
      logInput: ['clusterName', 'associationId', 'roleArn'],
      handler({ state, input, clock }) {
        const cluster = getCluster(state, input.clusterName);
        const a = getAssociation(state, cluster, input.associationId);
        if (input.roleArn !== undefined) {
          if (typeof input.roleArn !== 'string' || !ROLE_ARN_RE.test(input.roleArn))
            throw invalidParameter(
              `Role ARN ${String(input.roleArn)} is not a valid IAM role ARN.`,
              cluster.name,
            );
          a.roleArn = input.roleArn;
        }
        if (typeof input.disableSessionTags === 'boolean') a.disableSessionTags = input.disableSessionTags;
        a.modifiedAt = clock.date();
        return { association: associationOut(a) };
      },
    },
    ListNodegroups: {
      logInput: ['name', 'maxResults', 'nextToken'],
      handler({ state, input }) {
        const cluster = getCluster(state, input.name);
        const max = input.maxResults === undefined ? 100 : Number(input.maxResults);
        if (!Number.isInteger(max) || max < 1 || max > 100)
          throw invalidParameter('maxResults must be between 1 and 100.', cluster.name);
        const names = [...state.nodegroups.values()]
          .filter((n) => n.clusterName === cluster.name)
          .map((n) => n.name)
          .sort();
        const page = paginate(names, input.nextToken as string | undefined, max, 'InvalidParameterException');
        return { nodegroups: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
      },
    },
    DescribeNodegroup: {
      logInput: ['name', 'nodegroupName'],
      resource: (input, r) =>
        `arn:aws:eks:${r.region}:${r.accountId}:nodegroup/${String(input.name)}/${String(input.nodegroupName)}/*`,
      handler({ state, input }) {
        const cluster = getCluster(state, input.name);
        return {
          nodegroup: nodegroupOut(
            getNodegroup(state, cluster, input.nodegroupName),
            cluster.version,
            state.accountId,
          ),
        };
      },
    },
    DeletePodIdentityAssociation: {
      mutating: true,
      logInput: ['clusterName', 'associationId'],
      handler({ state, input }) {
        const cluster = getCluster(state, input.clusterName);
        const a = getAssociation(state, cluster, input.associationId);
        state.associations.delete(a.associationId);
        return { association: associationOut(a) };
      },
    },
  },
});
