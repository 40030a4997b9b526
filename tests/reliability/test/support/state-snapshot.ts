/**
 * A normalised snapshot of the emulator's state: what a user would see in AWS (roles, policies,
 * tags, records, certificates, repositories, pod identity associations), without ids, ARNs made
 * of random parts, timestamps or statuses that move with time. Two runs that converge to the same
 * AWS state give equal snapshots; a duplicate resource shows as an extra entry.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Objects with sorted keys, so that `toEqual` diffs read well and JSON is stable. */
function sortKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return (value ?? null) as Json;
}

/** A policy document as a comparable value: parsed, statements sorted by their JSON. */
function policy(text: string | undefined): Json {
  if (text === undefined) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return text;
  }
  const sorted = sortKeys(doc) as { Statement?: Json };
  if (Array.isArray(sorted.Statement))
    sorted.Statement = [...sorted.Statement].sort((a, b) =>
      JSON.stringify(a).localeCompare(JSON.stringify(b)),
    );
  return sorted as Json;
}

function tagList(tags: Array<{ Key: string; Value?: string }> | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value ?? '']).sort());
}

interface IamStateLike {
  roles: Map<
    string,
    {
      name: string;
      path: string;
      trustPolicy: string;
      description?: string;
      maxSessionDuration: number;
      permissionsBoundaryArn?: string;
      tags: Array<{ Key: string; Value: string }>;
      inline: Map<string, { name: string; document: string }>;
      attached: string[];
    }
  >;
  policies: Map<
    string,
    {
      name: string;
      path: string;
      arn: string;
      description?: string;
      defaultVersionId: string;
      versions: Array<{ versionId: string; document: string }>;
      tags: Array<{ Key: string; Value: string }>;
      awsManaged: boolean;
    }
  >;
  oidcProviders: Map<string, { arn: string }>;
}

interface AsgStateLike {
  groups: Map<
    string,
    {
      name: string;
      minSize: number;
      maxSize: number;
      desiredCapacity: number;
      tags: Map<string, { key: string; value: string; propagateAtLaunch: boolean }>;
    }
  >;
}

interface AcmStateLike {
  certificates: Map<
    string,
    {
      region: string;
      domainName: string;
      names: string[];
      keyAlgorithm: string;
      type: string;
      validationMethod: string;
      transparency: string;
      tags: Array<{ Key: string; Value?: string }>;
    }
  >;
}

interface Route53StateLike {
  zones: Map<
    string,
    {
      name: string;
      private: boolean;
      records: Array<{ name: string; type: string; ttl: number | undefined; values: string[] }>;
    }
  >;
}

interface EcrStateLike {
  repositories: Map<
    string,
    {
      name: string;
      region: string;
      imageTagMutability: string;
      exclusionFilters: Array<{ filterType: string; filter: string }>;
      scanOnPush: boolean;
      encryptionType: string;
      kmsKey?: string;
      tags: Map<string, string>;
      lifecyclePolicyText?: string;
      policyText?: string;
    }
  >;
}

interface EksStateLike {
  associations: Map<
    string,
    {
      clusterName: string;
      namespace: string;
      serviceAccount: string;
      roleArn: string;
      tags: Record<string, string>;
    }
  >;
}

/** The normalised snapshot. Lists (not maps) where a duplicate could hide: certificates, zones. */
export interface StateSnapshot {
  roles: Json;
  managedPolicies: Json;
  oidcProviders: Json;
  autoScalingGroups: Json;
  certificates: Json;
  hostedZones: Json;
  repositories: Json;
  podIdentityAssociations: Json;
}

/**
 * Snapshot `emu.state` (live service states by signing name).
 *
 * @example
 * ```ts
 * const clean = snapshotState(emu.state);
 * expect(snapshotState(other.state)).toEqual(clean);
 * ```
 */
export function snapshotState(state: Record<string, unknown>): StateSnapshot {
  const iam = state.iam as IamStateLike | undefined;
  const asg = state.autoscaling as AsgStateLike | undefined;
  const acm = state.acm as AcmStateLike | undefined;
  const route53 = state.route53 as Route53StateLike | undefined;
  const ecr = state.ecr as EcrStateLike | undefined;
  const eks = state.eks as EksStateLike | undefined;
  const byJson = (a: Json, b: Json): number => JSON.stringify(a).localeCompare(JSON.stringify(b));
  return sortKeys({
    roles: [...(iam?.roles.values() ?? [])]
      .map((r) => ({
        name: r.name,
        path: r.path,
        trust: policy(r.trustPolicy),
        description: r.description ?? null,
        maxSessionDuration: r.maxSessionDuration,
        permissionsBoundary: r.permissionsBoundaryArn ?? null,
        tags: tagList(r.tags),
        inline: Object.fromEntries([...r.inline.values()].map((p) => [p.name, policy(p.document)])),
        attached: [...r.attached].sort(),
      }))
      .sort(byJson),
    managedPolicies: [...(iam?.policies.values() ?? [])]
      .filter((p) => !p.awsManaged)
      .map((p) => ({
        name: p.name,
        path: p.path,
        arn: p.arn,
        description: p.description ?? null,
        document: policy(p.versions.find((v) => v.versionId === p.defaultVersionId)?.document),
        versionCount: p.versions.length,
        tags: tagList(p.tags),
      }))
      .sort(byJson),
    oidcProviders: [...(iam?.oidcProviders.values() ?? [])].map((p) => p.arn).sort(),
    autoScalingGroups: [...(asg?.groups.values() ?? [])]
      .map((g) => ({
        name: g.name,
        size: [g.minSize, g.desiredCapacity, g.maxSize],
        tags: Object.fromEntries(
          [...g.tags.values()].map((t) => [t.key, `${t.value}${t.propagateAtLaunch ? ' (propagate)' : ''}`]),
        ),
      }))
      .sort(byJson),
    certificates: [...(acm?.certificates.values() ?? [])]
      .map((c) => ({
        region: c.region,
        domainName: c.domainName,
        names: c.names,
        keyAlgorithm: c.keyAlgorithm,
        type: c.type,
        validationMethod: c.validationMethod,
        transparency: c.transparency,
        tags: tagList(c.tags),
      }))
      .sort(byJson),
    hostedZones: [...(route53?.zones.values() ?? [])]
      .map((z) => ({
        name: z.name,
        private: z.private,
        records: z.records
          .filter((r) => r.type !== 'SOA' && r.type !== 'NS')
          .map((r) => ({ name: r.name, type: r.type, ttl: r.ttl ?? null, values: [...r.values].sort() }))
          .sort(byJson),
      }))
      .sort(byJson),
    repositories: [...(ecr?.repositories.values() ?? [])]
      .map((r) => ({
        name: r.name,
        region: r.region,
        tagMutability: r.imageTagMutability,
        exclusions: r.exclusionFilters,
        scanOnPush: r.scanOnPush,
        encryption: r.encryptionType,
        kmsKey: r.kmsKey ?? null,
        tags: Object.fromEntries([...r.tags.entries()].sort()),
        lifecyclePolicy: policy(r.lifecyclePolicyText),
        policy: policy(r.policyText),
      }))
      .sort(byJson),
    podIdentityAssociations: [...(eks?.associations.values() ?? [])]
      .map((a) => ({
        cluster: a.clusterName,
        namespace: a.namespace,
        serviceAccount: a.serviceAccount,
        roleArn: a.roleArn,
        tags: a.tags,
      }))
      .sort(byJson),
  }) as unknown as StateSnapshot;
}

/**
 * Resources that exist more than once under the same identity (two certificates for one set of
 * names, two repositories of one name, ...): what a rerun after a crash must never create.
 *
 * @example
 * ```ts
 * expect(duplicates(snapshotState(emu.state))).toEqual([]);
 * ```
 */
export function duplicates(snapshot: StateSnapshot): string[] {
  const found: string[] = [];
  const check = (kind: string, keys: string[]): void => {
    const seen = new Set<string>();
    for (const key of keys) {
      if (seen.has(key)) found.push(`${kind} ${key}`);
      seen.add(key);
    }
  };
  const list = (v: Json): Array<Record<string, Json>> =>
    Array.isArray(v) ? (v as Array<Record<string, Json>>) : [];
  check(
    'role',
    list(snapshot.roles).map((r) => String(r.name).toLowerCase()),
  );
  check(
    'managed policy',
    list(snapshot.managedPolicies).map((p) => String(p.arn)),
  );
  check(
    'certificate',
    list(snapshot.certificates).map(
      (c) => `${String(c.region)} ${JSON.stringify([...(c.names as string[])].sort())}`,
    ),
  );
  check(
    'repository',
    list(snapshot.repositories).map((r) => `${String(r.region)}/${String(r.name)}`),
  );
  check(
    'hosted zone',
    list(snapshot.hostedZones).map((z) => String(z.name)),
  );
  for (const zone of list(snapshot.hostedZones))
    check(
      `record in ${String(zone.name)}`,
      list(zone.records as Json).map((r) => `${String(r.name)} ${String(r.type)}`),
    );
  check(
    'pod identity association',
    list(snapshot.podIdentityAssociations).map(
      (a) => `${String(a.cluster)} ${String(a.namespace)} ${String(a.serviceAccount)}`,
    ),
  );
  return found;
}
