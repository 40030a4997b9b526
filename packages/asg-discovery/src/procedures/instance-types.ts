/** Instance types: of a group (launch template, overrides, launch configuration) and their sizes. */
import { DescribeLaunchConfigurationsCommand } from '@aws-sdk/client-auto-scaling';
// Types only: the EC2 package (several MiB of code unbundled) is loaded where a call needs it (issue 21).
import type {
  _InstanceType,
  EC2Client,
  InstanceRequirementsRequest,
  LaunchTemplateVersion,
} from '@aws-sdk/client-ec2';
import { type AwsClients, InvalidInputError, mapConcurrent, wrapAwsError } from '@eks-kit/core';
import type { InstanceTypeInfo } from '../builders/pod-fit.js';
import type { LaunchTemplateRef, NodeGroup } from './node-group.js';

/** Above this many distinct templates, `$Latest`/`$Default` are read account-wide in one paged call. */
const PER_TEMPLATE_CALL_LIMIT = 10;

/** EC2's answers for a launch template or version that does not exist. */
function isMissingTemplate(error: unknown): boolean {
  const code = (error as { name?: unknown; Code?: unknown } | undefined)?.name;
  return (
    typeof code === 'string' &&
    /^InvalidLaunchTemplate(Id|Name)\.(NotFound|NotFoundException|VersionNotFound)$/.test(code)
  );
}

function templateKey(ref: { id?: string; name?: string }): string {
  return ref.id ? `id:${ref.id}` : `name:${ref.name ?? ''}`;
}

/**
 * Fill `instanceTypes` of groups that get them from a launch template or a launch configuration,
 * with as few calls as possible: one DescribeLaunchTemplateVersions per template (all its versions
 * at once), or one account-wide paged call for `$Latest`/`$Default` when there are many templates;
 * DescribeLaunchConfigurations 50 names per call. A template, version or configuration that no
 * longer exists leaves that group's `instanceTypes` empty with the reason in `instanceTypesUnresolved`.
 * A group with attribute-based selection (InstanceRequirements overrides) gets the types EC2 answers
 * to GetInstanceTypesFromInstanceRequirements, as the autoscaler asks it (aws_wrapper.go, which then
 * models the group on the first type answered): the architecture is that of the launch template's
 * instance type (the autoscaler reads the AMI's with DescribeImages; the template's type runs the
 * same AMI). A template without an instance type leaves the group unresolved, saying why.
 *
 * @example
 * ```ts
 * const groups = await resolveInstanceTypes(clients, await findNodeGroups(clients, { cluster: 'prod' }));
 * ```
 */
export async function resolveInstanceTypes(clients: AwsClients, groups: NodeGroup[]): Promise<NodeGroup[]> {
  const needTemplate = groups.filter((g) => g.instanceTypes.length === 0 && g.launchTemplate);
  const needConfig = groups.filter(
    (g) => g.instanceTypes.length === 0 && !g.launchTemplate && g.launchConfigurationName,
  );
  // Launch templates and launch configurations are read at once (neither needs the other).
  const [{ typeOf, missing }, configType] = await Promise.all([
    needTemplate.length
      ? readTemplateTypes(clients, needTemplate)
      : { typeOf: new Map<string, string>(), missing: new Map<string, string>() },
    needConfig.length ? readConfigTypes(clients, needConfig) : new Map<string, string>(),
  ]);
  const resolved = groups.map((g) => {
    if (g.instanceTypes.length) return g;
    if (g.launchTemplate) {
      const ref = g.launchTemplate;
      const type =
        (ref.id ? typeOf.get(`id:${ref.id}@${ref.version}`) : undefined) ??
        (ref.name ? typeOf.get(`name:${ref.name}@${ref.version}`) : undefined);
      if (type) return { ...g, instanceTypes: [type] };
      const gone = missing.get(`${templateKey(ref)}@${ref.version}`);
      // An attribute-based group's template without a type: resolveRequirements says why.
      if (!gone && g.instanceRequirements?.length) return g;
      const why = gone ?? `launch template ${ref.name ?? ref.id} version ${ref.version} not found`;
      return { ...g, instanceTypesUnresolved: why };
    }
    const type = g.launchConfigurationName ? configType.get(g.launchConfigurationName) : undefined;
    if (type) return { ...g, instanceTypes: [type] };
    return g.launchConfigurationName
      ? { ...g, instanceTypesUnresolved: `launch configuration ${g.launchConfigurationName} not found` }
      : g;
  });
  if (!resolved.some((g) => g.instanceRequirements?.length)) return resolved;
  return resolveRequirements(clients, resolved);
}

/** Instance types by `${templateKey}@${version}`, and why a template or version resolved to nothing. */
interface TemplateTypes {
  typeOf: Map<string, string>;
  missing: Map<string, string>;
}

/** The instance type of each launch template version the groups name. */
async function readTemplateTypes(clients: AwsClients, needTemplate: NodeGroup[]): Promise<TemplateTypes> {
  const found: TemplateTypes = { typeOf: new Map(), missing: new Map() };
  const ec2 = await clients.ec2();
  const byTemplate = new Map<string, { ref: LaunchTemplateRef; versions: Set<string> }>();
  for (const g of needTemplate) {
    const ref = g.launchTemplate!;
    const key = templateKey(ref);
    const entry = byTemplate.get(key) ?? { ref, versions: new Set<string>() };
    entry.versions.add(ref.version);
    byTemplate.set(key, entry);
  }
  const entries = [...byTemplate.values()];
  const onlyAliases = entries.every((e) => [...e.versions].every((v) => v === '$Latest' || v === '$Default'));
  if (entries.length > PER_TEMPLATE_CALL_LIMIT && onlyAliases)
    await readAliasesAccountWide(ec2, entries, found);
  else await readPerTemplate(ec2, entries, found);
  return found;
}

function recordVersion(found: TemplateTypes, v: LaunchTemplateVersion, version: string): void {
  const type = v.LaunchTemplateData?.InstanceType;
  if (!type) return;
  found.typeOf.set(`id:${v.LaunchTemplateId}@${version}`, type);
  found.typeOf.set(`name:${v.LaunchTemplateName}@${version}`, type);
}

/** Many templates, only `$Latest`/`$Default`: one account-wide paged call per alias. */
async function readAliasesAccountWide(
  ec2: EC2Client,
  entries: Array<{ versions: Set<string> }>,
  found: TemplateTypes,
): Promise<void> {
  const { DescribeLaunchTemplateVersionsCommand } = await import('@aws-sdk/client-ec2');
  for (const alias of ['$Latest', '$Default']) {
    if (!entries.some((e) => e.versions.has(alias))) continue;
    let token: string | undefined;
    do {
      try {
        const out = await ec2.send(
          new DescribeLaunchTemplateVersionsCommand({ Versions: [alias], MaxResults: 200, NextToken: token }),
        );
        for (const v of out.LaunchTemplateVersions ?? []) recordVersion(found, v, alias);
        token = out.NextToken;
      } catch (error) {
        throw wrapAwsError(error, 'ec2:DescribeLaunchTemplateVersions', alias);
      }
    } while (token);
  }
}

/**
 * One call per template; if EC2 refuses it for a missing version, one call per version, so one
 * group's deleted version does not leave its siblings unresolved.
 */
async function readPerTemplate(
  ec2: EC2Client,
  entries: Array<{ ref: LaunchTemplateRef; versions: Set<string> }>,
  found: TemplateTypes,
): Promise<void> {
  const { DescribeLaunchTemplateVersionsCommand } = await import('@aws-sdk/client-ec2');
  const describe = async (ref: LaunchTemplateRef, versions: string[]): Promise<void> => {
    const out = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        ...(ref.id ? { LaunchTemplateId: ref.id } : { LaunchTemplateName: ref.name }),
        Versions: versions,
      }),
    );
    // $Latest is among the answers when asked, and it is the highest version number.
    const answers = out.LaunchTemplateVersions ?? [];
    const latest = Math.max(...answers.map((x) => x.VersionNumber ?? 0));
    for (const v of answers)
      for (const want of versions)
        if (
          (want === '$Default' && v.DefaultVersion) ||
          (want === '$Latest' && v.VersionNumber === latest) ||
          want === String(v.VersionNumber)
        )
          recordVersion(found, v, want);
  };
  // The templates at once (issue 22: one call deep, not one per template); a template's fallback
  // to one call per version stays in order.
  await mapConcurrent(entries, 8, async ({ ref, versions }) => {
    const batches = [[...versions]];
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b]!;
      try {
        await describe(ref, batch);
      } catch (error) {
        if (!isMissingTemplate(error))
          throw wrapAwsError(error, 'ec2:DescribeLaunchTemplateVersions', ref.name ?? ref.id);
        if (batch.length > 1) {
          batches.push(...batch.map((v) => [v]));
          continue;
        }
        // A deleted template or version leaves its groups unresolved, not the discovery failed.
        found.missing.set(
          `${templateKey(ref)}@${batch[0]}`,
          `launch template ${ref.name ?? ref.id} version ${batch[0]}: ${(error as Error).name}`,
        );
      }
    }
  });
}

/** The instance type of each launch configuration the groups name (50 names per call). */
async function readConfigTypes(clients: AwsClients, needConfig: NodeGroup[]): Promise<Map<string, string>> {
  const configType = new Map<string, string>();
  const asg = await clients.autoScaling();
  const names = [...new Set(needConfig.map((g) => g.launchConfigurationName!))];
  for (let i = 0; i < names.length; i += 50) {
    const chunk = names.slice(i, i + 50);
    try {
      const out = await asg.send(
        new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: chunk, MaxRecords: 50 }),
      );
      for (const lc of out.LaunchConfigurations ?? [])
        if (lc.LaunchConfigurationName && lc.InstanceType)
          configType.set(lc.LaunchConfigurationName, lc.InstanceType);
    } catch (error) {
      throw wrapAwsError(error, 'autoscaling:DescribeLaunchConfigurations', chunk.join(','));
    }
  }
  return configType;
}

/** Groups with InstanceRequirements: the template's type gives the architecture, EC2 the types. */
async function resolveRequirements(clients: AwsClients, groups: NodeGroup[]): Promise<NodeGroup[]> {
  const ec2 = await clients.ec2();
  const { DescribeInstanceTypesCommand, GetInstanceTypesFromInstanceRequirementsCommand } = await import(
    '@aws-sdk/client-ec2'
  );
  const templateTypes = [
    ...new Set(groups.filter((g) => g.instanceRequirements?.length).flatMap((g) => g.instanceTypes)),
  ];
  const architectureOf = new Map<string, string[]>();
  if (templateTypes.length) {
    try {
      const out = await ec2.send(
        new DescribeInstanceTypesCommand({ InstanceTypes: templateTypes as _InstanceType[] }),
      );
      for (const t of out.InstanceTypes ?? [])
        if (t.InstanceType)
          architectureOf.set(t.InstanceType, (t.ProcessorInfo?.SupportedArchitectures ?? []).map(String));
    } catch (error) {
      throw wrapAwsError(error, 'ec2:DescribeInstanceTypes', templateTypes.join(','));
    }
  }
  const out: NodeGroup[] = [];
  for (const g of groups) {
    if (!g.instanceRequirements?.length) {
      out.push(g);
      continue;
    }
    const templateType = g.instanceTypes[0];
    const architectures = templateType ? architectureOf.get(templateType) : undefined;
    if (!templateType || !architectures?.length) {
      out.push({
        ...g,
        instanceTypes: [],
        instanceTypeSource: 'instance-requirements',
        instanceTypesUnresolved:
          g.instanceTypesUnresolved ??
          `cannot resolve the InstanceRequirements: the launch template ${g.launchTemplate?.name ?? g.launchTemplate?.id ?? ''} names no instance type, so eks-kit does not know the AMI's architecture (the autoscaler reads it with ec2:DescribeImages); pass --instance-type`,
      });
      continue;
    }
    const types = new Set<string>();
    for (const requirements of g.instanceRequirements) {
      let token: string | undefined;
      do {
        try {
          const page = await ec2.send(
            new GetInstanceTypesFromInstanceRequirementsCommand({
              ArchitectureTypes: architectures as never,
              VirtualizationTypes: ['hvm'],
              InstanceRequirements: requirements as unknown as InstanceRequirementsRequest,
              NextToken: token,
            }),
          );
          for (const t of page.InstanceTypes ?? []) if (t.InstanceType) types.add(t.InstanceType);
          token = page.NextToken;
        } catch (error) {
          throw wrapAwsError(error, 'ec2:GetInstanceTypesFromInstanceRequirements', g.name);
        }
      } while (token);
    }
    out.push(
      types.size
        ? { ...g, instanceTypes: [...types], instanceTypeSource: 'instance-requirements' }
        : {
            ...g,
            instanceTypes: [],
            instanceTypeSource: 'instance-requirements',
            instanceTypesUnresolved: `no instance type meets the InstanceRequirements of ${g.name} (${architectures.join(', ')})`,
          },
    );
  }
  return out;
}

/**
 * vCPU, memory and ENI limits of instance types from EC2 DescribeInstanceTypes (100 per call), in
 * the shape `podFits` takes.
 *
 * @example
 * ```ts
 * const types = await describeInstanceTypes(clients, ['t3.large', 'm5.xlarge']);
 * podFits({ requests: { cpu: '1500m' }, instanceTypes: types });
 * ```
 */
export async function describeInstanceTypes(
  clients: AwsClients,
  names: readonly string[],
): Promise<InstanceTypeInfo[]> {
  if (!Array.isArray(names) || names.length === 0)
    throw new InvalidInputError('instanceTypes', names, 'a non-empty list of instance type names');
  names.forEach((n, i) => {
    if (typeof n !== 'string' || !/^[a-z0-9-]+\.[a-z0-9-]+$/.test(n))
      throw new InvalidInputError(`instanceTypes[${i}]`, n, 'an instance type such as m5.large');
  });
  const unique = [...new Set(names)];
  const ec2 = await clients.ec2();
  const { DescribeInstanceTypesCommand } = await import('@aws-sdk/client-ec2');
  const byName = new Map<string, InstanceTypeInfo>();
  for (let i = 0; i < unique.length; i += 100) {
    const chunk = unique.slice(i, i + 100);
    let token: string | undefined;
    do {
      try {
        const out = await ec2.send(
          new DescribeInstanceTypesCommand({ InstanceTypes: chunk as _InstanceType[], NextToken: token }),
        );
        for (const t of out.InstanceTypes ?? []) {
          if (!t.InstanceType) continue;
          byName.set(t.InstanceType, {
            instanceType: t.InstanceType,
            vCpus: t.VCpuInfo?.DefaultVCpus ?? 0,
            memoryMiB: t.MemoryInfo?.SizeInMiB ?? 0,
            ...(t.NetworkInfo?.MaximumNetworkInterfaces !== undefined
              ? { maxEnis: t.NetworkInfo.MaximumNetworkInterfaces }
              : {}),
            ...(t.NetworkInfo?.Ipv4AddressesPerInterface !== undefined
              ? { ipv4PerEni: t.NetworkInfo.Ipv4AddressesPerInterface }
              : {}),
            ...(t.ProcessorInfo?.SupportedArchitectures
              ? { architectures: t.ProcessorInfo.SupportedArchitectures.map(String) }
              : {}),
            ...(t.GpuInfo?.Gpus?.length
              ? {
                  gpus: {
                    count: t.GpuInfo.Gpus.reduce((n, g) => n + (g.Count ?? 0), 0),
                    manufacturer: t.GpuInfo.Gpus[0]?.Manufacturer ?? 'unknown',
                  },
                }
              : {}),
          });
        }
        token = out.NextToken;
      } catch (error) {
        throw wrapAwsError(error, 'ec2:DescribeInstanceTypes', chunk.join(','));
      }
    } while (token);
  }
  return names
    .filter((n, i) => names.indexOf(n) === i)
    .map((n) => byName.get(n))
    .filter((t): t is InstanceTypeInfo => !!t);
}
