/**
 * Amazon EC2 (EC2 query dialect 2016-11-15), the part the Cluster Autoscaler reads, from the API
 * reference: DescribeInstanceTypes (`InstanceType.N`, filters, MaxResults 5-100, NextToken),
 * DescribeLaunchTemplates (`LaunchTemplateId.N` / `LaunchTemplateName.N`, MaxResults 5-200) and
 * DescribeLaunchTemplateVersions (one template by id or name with `LaunchTemplateVersion.N` numbers,
 * `$Latest`, `$Default`; or, without a template, `$Latest`/`$Default` of every template), and
 * GetInstanceTypesFromInstanceRequirements (the catalog filtered by architecture, VCpuCount and
 * MemoryMiB ranges, BurstablePerformance (default excluded), AllowedInstanceTypes and
 * ExcludedInstanceTypes with `*`; other requirement fields are accepted and not applied).
 *
 * DescribeRegions answers from framework/regions.ts (the world's `regions` key).
 *
 * World keys (`ec2`): `launchTemplates: [{ name, instanceType, id?, userData?, versions?: [{ instanceType,
 * userData? }], defaultVersion? }]` (version 1 has `instanceType`, further versions follow `versions`;
 * `userData` is plain text, served base64-encoded in `LaunchTemplateData.UserData` as EC2 does), and
 * `instanceTypes: [{ instanceType, vCpus, memoryMiB, maxEnis?, ipv4PerEni?, architecture?, gpus?: { count,
 * manufacturer, name, memoryMiB } }]` (gpus served as `GpuInfo`) added
 * to the built-in catalog.
 *
 * The catalog: vCPU and memory (MiB) and ENI limits as published in the EC2 instance type pages for
 * t3/t3a/t4g (nano-2xlarge), m5/m6i/m7i/m6g, c5/c6i, r5/r6i (large-24xlarge where they exist).
 */
import { AwsError } from '../framework/errors.js';
import { paginate } from '../framework/pagination.js';
import type { RandomSource } from '../framework/random.js';
import { partitionRegions } from '../framework/regions.js';
import { defineService } from '../framework/service.js';
import type { World } from '../types.js';

const VERSION = '2016-11-15';
const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

interface InstanceType {
  instanceType: string;
  vCpus: number;
  memoryMiB: number;
  maxEnis: number;
  ipv4PerEni: number;
  architecture: 'x86_64' | 'arm64';
  burstable: boolean;
  /** Accelerators (world `gpus: { count, manufacturer, name, memoryMiB }`), served as `GpuInfo`. */
  gpus?: { count: number; manufacturer: string; name: string; memoryMiB: number };
}

interface TemplateVersion {
  versionNumber: number;
  instanceType: string;
  createTime: Date;
  data: Record<string, unknown>;
}

interface LaunchTemplate {
  id: string;
  name: string;
  createTime: Date;
  defaultVersion: number;
  versions: TemplateVersion[];
}

/** State of the EC2 module. */
export interface Ec2State {
  accountId: string;
  random: RandomSource;
  instanceTypes: Map<string, InstanceType>;
  /** By id. */
  templates: Map<string, LaunchTemplate>;
  /** The world, for DescribeRegions (its `regions` key: opted-in Regions). */
  world: World;
}

type Input = Record<string, unknown>;

// size -> [vCPU, ENIs, IPv4 per ENI]; memory per vCPU comes from the family.
const SIZES: Record<string, [number, number, number]> = {
  large: [2, 3, 10],
  xlarge: [4, 4, 15],
  '2xlarge': [8, 4, 15],
  '4xlarge': [16, 8, 30],
  '8xlarge': [32, 8, 30],
  '12xlarge': [48, 8, 30],
  '16xlarge': [64, 15, 50],
  '24xlarge': [96, 15, 50],
};

const FAMILIES: Array<{ family: string; gibPerVcpu: number; arch: 'x86_64' | 'arm64'; sizes: string[] }> = [
  { family: 'm5', gibPerVcpu: 4, arch: 'x86_64', sizes: Object.keys(SIZES) },
  { family: 'm6i', gibPerVcpu: 4, arch: 'x86_64', sizes: Object.keys(SIZES) },
  { family: 'm7i', gibPerVcpu: 4, arch: 'x86_64', sizes: Object.keys(SIZES) },
  { family: 'm6g', gibPerVcpu: 4, arch: 'arm64', sizes: Object.keys(SIZES).filter((s) => s !== '24xlarge') },
  {
    family: 'c5',
    gibPerVcpu: 2,
    arch: 'x86_64',
    sizes: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  },
  { family: 'c6i', gibPerVcpu: 2, arch: 'x86_64', sizes: Object.keys(SIZES) },
  { family: 'r5', gibPerVcpu: 8, arch: 'x86_64', sizes: Object.keys(SIZES) },
  { family: 'r6i', gibPerVcpu: 8, arch: 'x86_64', sizes: Object.keys(SIZES) },
];

// Burstable: size -> [vCPU, memory MiB, ENIs, IPv4 per ENI].
const BURSTABLE: Record<string, [number, number, number, number]> = {
  nano: [2, 512, 2, 2],
  micro: [2, 1024, 2, 2],
  small: [2, 2048, 3, 4],
  medium: [2, 4096, 3, 6],
  large: [2, 8192, 3, 12],
  xlarge: [4, 16384, 4, 15],
  '2xlarge': [8, 32768, 4, 15],
};

function catalog(): Map<string, InstanceType> {
  const out = new Map<string, InstanceType>();
  for (const f of FAMILIES) {
    for (const size of f.sizes) {
      const [vCpus, maxEnis, ipv4PerEni] = SIZES[size]!;
      const name = `${f.family}.${size}`;
      out.set(name, {
        instanceType: name,
        vCpus,
        memoryMiB: vCpus * f.gibPerVcpu * 1024,
        maxEnis,
        ipv4PerEni,
        architecture: f.arch,
        burstable: false,
      });
    }
  }
  for (const family of ['t3', 't3a', 't4g']) {
    for (const [size, [vCpus, memoryMiB, maxEnis, ipv4PerEni]] of Object.entries(BURSTABLE)) {
      const name = `${family}.${size}`;
      out.set(name, {
        instanceType: name,
        vCpus,
        memoryMiB,
        maxEnis,
        ipv4PerEni,
        architecture: family === 't4g' ? 'arm64' : 'x86_64',
        burstable: true,
      });
    }
  }
  return out;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function strings(value: unknown): string[] {
  return list(value).map(String);
}

function maxResults(value: unknown, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new AwsError(
      'InvalidParameterValue',
      `Value ( ${String(value)} ) for parameter maxResults is invalid. Expecting a value between ${min} and ${max}.`,
      400,
    );
  return n;
}

function typeOut(t: InstanceType): Record<string, unknown> {
  // Graviton (arm64) has one thread per core; the Intel/AMD types here have two.
  const cores = t.architecture === 'arm64' ? t.vCpus : Math.max(1, t.vCpus / 2);
  return {
    instanceType: t.instanceType,
    currentGeneration: true,
    freeTierEligible: t.instanceType === 't3.micro',
    supportedUsageClasses: ['on-demand', 'spot'],
    supportedRootDeviceTypes: ['ebs'],
    supportedVirtualizationTypes: ['hvm'],
    bareMetal: false,
    hypervisor: 'nitro',
    processorInfo: { supportedArchitectures: [t.architecture] },
    vCpuInfo: { defaultVCpus: t.vCpus, defaultCores: cores, defaultThreadsPerCore: t.vCpus / cores },
    memoryInfo: { sizeInMiB: t.memoryMiB },
    instanceStorageSupported: false,
    ebsInfo: { ebsOptimizedSupport: 'default', encryptionSupport: 'supported', nvmeSupport: 'required' },
    networkInfo: {
      networkPerformance: t.vCpus >= 64 ? '25 Gigabit' : 'Up to 10 Gigabit',
      maximumNetworkInterfaces: t.maxEnis,
      ipv4AddressesPerInterface: t.ipv4PerEni,
      ipv6AddressesPerInterface: t.ipv4PerEni,
      ipv6Supported: true,
      enaSupport: 'required',
    },
    burstablePerformanceSupported: t.burstable,
    ...(t.gpus
      ? {
          gpuInfo: {
            gpus: [
              {
                name: t.gpus.name,
                manufacturer: t.gpus.manufacturer,
                count: t.gpus.count,
                memoryInfo: { sizeInMiB: t.gpus.memoryMiB },
              },
            ],
            totalGpuMemoryInMiB: t.gpus.count * t.gpus.memoryMiB,
          },
        }
      : {}),
  };
}

function matchesFilter(t: InstanceType, name: string, values: string[]): boolean {
  const glob = (v: string, text: string): boolean =>
    new RegExp(
      `^${v
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    ).test(text);
  switch (name) {
    case 'instance-type':
      return values.some((v) => glob(v, t.instanceType));
    case 'vcpu-info.default-vcpus':
      return values.includes(String(t.vCpus));
    case 'memory-info.size-in-mib':
      return values.includes(String(t.memoryMiB));
    case 'processor-info.supported-architecture':
      return values.includes(t.architecture);
    case 'current-generation':
      return values.includes('true');
    case 'burstable-performance-supported':
      return values.includes(String(t.burstable));
    default:
      throw new AwsError('InvalidParameterValue', `The filter '${name}' is invalid`, 400);
  }
}

function findTemplate(state: Ec2State, input: Input): LaunchTemplate | undefined {
  const id = input.LaunchTemplateId;
  const name = input.LaunchTemplateName;
  if (typeof id === 'string' && id !== '' && typeof name === 'string' && name !== '')
    throw new AwsError(
      'InvalidParameterCombination',
      'The parameters LaunchTemplateId and LaunchTemplateName cannot both be specified.',
      400,
    );
  if (typeof id === 'string' && id !== '') {
    const t = state.templates.get(id);
    if (!t)
      throw new AwsError(
        'InvalidLaunchTemplateId.NotFound',
        `The specified launch template, with template ID ${id}, does not exist.`,
        400,
      );
    return t;
  }
  if (typeof name === 'string' && name !== '') {
    const t = [...state.templates.values()].find((x) => x.name === name);
    if (!t)
      throw new AwsError(
        'InvalidLaunchTemplateName.NotFoundException',
        'At least one of the launch templates specified in the request does not exist.',
        400,
      );
    return t;
  }
  return undefined;
}

function versionOut(t: LaunchTemplate, v: TemplateVersion, accountId: string): Record<string, unknown> {
  return {
    launchTemplateId: t.id,
    launchTemplateName: t.name,
    versionNumber: v.versionNumber,
    createTime: v.createTime,
    createdBy: `arn:aws:iam::${accountId}:root`,
    defaultVersion: v.versionNumber === t.defaultVersion,
    launchTemplateData: { instanceType: v.instanceType, ...v.data },
  };
}

function pickVersion(t: LaunchTemplate, spec: string): TemplateVersion | undefined {
  if (spec === '$Latest') return t.versions[t.versions.length - 1];
  if (spec === '$Default') return t.versions.find((v) => v.versionNumber === t.defaultVersion);
  if (!/^\d+$/.test(spec))
    throw new AwsError(
      'InvalidLaunchTemplateId.VersionNotFound',
      `Could not find launch template version ${spec}.`,
      400,
    );
  return t.versions.find((v) => v.versionNumber === Number(spec));
}

/** The EC2 service module. */
export const ec2 = defineService<Ec2State>({
  signingName: 'ec2',
  protocol: { kind: 'ec2', version: VERSION, xmlns: XMLNS },
  createState(world, context) {
    const section = (world.ec2 ?? {}) as Record<string, unknown>;
    const state: Ec2State = {
      accountId: context.accountId,
      random: context.random,
      instanceTypes: catalog(),
      templates: new Map(),
      world,
    };
    for (const raw of list(section.instanceTypes) as Array<Record<string, unknown>>) {
      const name = String(raw.instanceType);
      state.instanceTypes.set(name, {
        instanceType: name,
        vCpus: Number(raw.vCpus ?? 2),
        memoryMiB: Number(raw.memoryMiB ?? 4096),
        maxEnis: Number(raw.maxEnis ?? 3),
        ipv4PerEni: Number(raw.ipv4PerEni ?? 10),
        architecture: raw.architecture === 'arm64' ? 'arm64' : 'x86_64',
        burstable: Boolean(raw.burstable),
        ...(raw.gpus && typeof raw.gpus === 'object'
          ? {
              gpus: {
                count: Number((raw.gpus as Record<string, unknown>).count ?? 1),
                manufacturer: String((raw.gpus as Record<string, unknown>).manufacturer ?? 'NVIDIA'),
                name: String((raw.gpus as Record<string, unknown>).name ?? 'T4'),
                memoryMiB: Number((raw.gpus as Record<string, unknown>).memoryMiB ?? 16384),
              },
            }
          : {}),
      });
    }
    const created = context.clock.date();
    for (const raw of list(section.launchTemplates) as Array<Record<string, unknown>>) {
      const id = typeof raw.id === 'string' ? raw.id : `lt-${context.random.hex(17)}`;
      const types = [String(raw.instanceType ?? 'm5.large')];
      const userData: Array<string | undefined> = [raw.userData as string | undefined];
      for (const v of list(raw.versions) as Array<Record<string, unknown>>) {
        types.push(String(v.instanceType ?? types[types.length - 1]));
        userData.push(v.userData as string | undefined);
      }
      state.templates.set(id, {
        id,
        name: String(raw.name),
        createTime: created,
        defaultVersion: Number(raw.defaultVersion ?? 1),
        versions: types.map((instanceType, i) => ({
          versionNumber: i + 1,
          instanceType,
          createTime: created,
          data:
            typeof userData[i] === 'string'
              ? { userData: Buffer.from(userData[i] as string, 'utf8').toString('base64') }
              : {},
        })),
      });
    }
    return state;
  },
  operations: {
    // DescribeRegions (EC2 API reference, read 2026-12-07): the Regions enabled for the account
    // (opt-in-not-required and opted-in) unless AllRegions; RegionName.N may name any Region, enabled
    // or not; filters region-name, opt-in-status, endpoint. One answer, no pagination.
    DescribeRegions: {
      logInput: ['AllRegions'],
      handler({ state, input, region }) {
        const known = partitionRegions(state.world, region);
        const names = strings(input.RegionName);
        const unknown = names.filter((n) => !known.some((k) => k.regionName === n));
        if (unknown.length)
          throw new AwsError('InvalidParameterValue', `Invalid region: ${unknown.join(', ')}`, 400);
        const all = String(input.AllRegions ?? '') === 'true';
        let regions = names.length
          ? known.filter((k) => names.includes(k.regionName))
          : known.filter((k) => all || k.optInStatus !== 'not-opted-in');
        const endpoint = (name: string) => `ec2.${name}.amazonaws.com${name.startsWith('cn-') ? '.cn' : ''}`;
        for (const raw of list(input.Filter) as Array<Record<string, unknown>>) {
          const values = strings(raw.Value);
          const field = String(raw.Name ?? '');
          const pick: Record<string, (k: (typeof known)[number]) => string> = {
            'region-name': (k) => k.regionName,
            'opt-in-status': (k) => k.optInStatus,
            endpoint: (k) => endpoint(k.regionName),
          };
          const get = pick[field];
          if (!get) throw new AwsError('InvalidParameterValue', `The filter '${field}' is invalid`, 400);
          regions = regions.filter((k) => values.includes(get(k)));
        }
        return {
          regionInfo: regions.map((k) => ({
            regionName: k.regionName,
            regionEndpoint: endpoint(k.regionName),
            optInStatus: k.optInStatus,
          })),
        };
      },
    },
    DescribeInstanceTypes: {
      logInput: ['MaxResults', 'NextToken'],
      handler({ state, input }) {
        const names = strings(input.InstanceType);
        if (names.length > 100)
          throw new AwsError('InvalidParameterValue', 'The maximum number of instance types is 100.', 400);
        const max = maxResults(input.MaxResults, 5, 100);
        const unknown = names.filter((n) => !state.instanceTypes.has(n));
        if (unknown.length)
          throw new AwsError(
            'InvalidInstanceType',
            `The following supplied instance types do not exist: [${unknown.join(', ')}]`,
            400,
          );
        let types = names.length
          ? [...new Set(names)].map((n) => state.instanceTypes.get(n)!)
          : [...state.instanceTypes.values()].sort((a, b) => a.instanceType.localeCompare(b.instanceType));
        for (const raw of list(input.Filter) as Array<Record<string, unknown>>) {
          const name = String(raw.Name ?? '');
          const values = strings(raw.Value);
          types = types.filter((t) => matchesFilter(t, name, values));
        }
        const page = paginate(types, input.NextToken as string | undefined, max ?? 100, 'InvalidNextToken');
        return {
          instanceTypeSet: page.items.map(typeOut),
          ...(page.nextToken ? { nextToken: page.nextToken } : {}),
        };
      },
    },
    GetInstanceTypesFromInstanceRequirements: {
      logInput: ['MaxResults', 'NextToken'],
      handler({ state, input }) {
        const architectures = strings(input.ArchitectureType);
        const virtualization = strings(input.VirtualizationType);
        const req = input.InstanceRequirements as Record<string, unknown> | undefined;
        const missing = (what: string) =>
          new AwsError('MissingParameter', `The request must contain the parameter ${what}`, 400);
        if (architectures.length === 0) throw missing('ArchitectureTypes');
        if (virtualization.length === 0) throw missing('VirtualizationTypes');
        if (!req) throw missing('InstanceRequirements');
        const range = (key: string): { min: number; max: number } => {
          const r = req[key] as Record<string, unknown> | undefined;
          if (!r || r.Min === undefined) throw missing(`InstanceRequirements.${key}.Min`);
          const min = Number(r.Min);
          const max = r.Max === undefined ? Number.POSITIVE_INFINITY : Number(r.Max);
          if (!Number.isFinite(min) || min < 0 || (Number.isFinite(max) && max < min))
            throw new AwsError('InvalidParameterValue', `Invalid ${key} range.`, 400);
          return { min, max };
        };
        const vcpu = range('VCpuCount');
        const memory = range('MemoryMiB');
        const burstable = String(req.BurstablePerformance ?? 'excluded');
        const glob = (pattern: string, text: string) =>
          new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(text);
        const allowed = strings(req.AllowedInstanceType);
        const excluded = strings(req.ExcludedInstanceType);
        if (allowed.length && excluded.length)
          throw new AwsError(
            'InvalidParameterCombination',
            'You cannot specify both AllowedInstanceTypes and ExcludedInstanceTypes.',
            400,
          );
        const max = maxResults(input.MaxResults, 1, 1000) ?? 1000;
        const types = [...state.instanceTypes.values()]
          .filter(
            (t) =>
              architectures.includes(t.architecture) &&
              virtualization.includes('hvm') &&
              t.vCpus >= vcpu.min &&
              t.vCpus <= vcpu.max &&
              t.memoryMiB >= memory.min &&
              t.memoryMiB <= memory.max &&
              (burstable === 'included' || (burstable === 'required' ? t.burstable : !t.burstable)) &&
              (allowed.length === 0 || allowed.some((a) => glob(a, t.instanceType))) &&
              !excluded.some((e) => glob(e, t.instanceType)),
          )
          .sort((a, b) => a.instanceType.localeCompare(b.instanceType));
        const page = paginate(types, input.NextToken as string | undefined, max, 'InvalidNextToken');
        return {
          instanceTypeSet: page.items.map((t) => ({ instanceType: t.instanceType })),
          ...(page.nextToken ? { nextToken: page.nextToken } : {}),
        };
      },
    },
    DescribeLaunchTemplates: {
      logInput: ['MaxResults', 'NextToken'],
      handler({ state, input }) {
        const ids = strings(input.LaunchTemplateId);
        const names = strings(input.LaunchTemplateName);
        const max = maxResults(input.MaxResults, 5, 200) ?? 200;
        const all = [...state.templates.values()].sort((a, b) => a.name.localeCompare(b.name));
        for (const id of ids)
          if (!state.templates.has(id))
            throw new AwsError(
              'InvalidLaunchTemplateId.NotFound',
              `The specified launch template, with template ID ${id}, does not exist.`,
              400,
            );
        for (const n of names)
          if (!all.some((t) => t.name === n))
            throw new AwsError(
              'InvalidLaunchTemplateName.NotFoundException',
              'At least one of the launch templates specified in the request does not exist.',
              400,
            );
        let selected = all;
        if (ids.length || names.length)
          selected = all.filter((t) => ids.includes(t.id) || names.includes(t.name));
        for (const raw of list(input.Filter) as Array<Record<string, unknown>>) {
          const name = String(raw.Name ?? '');
          const values = strings(raw.Value);
          if (name === 'launch-template-name') selected = selected.filter((t) => values.includes(t.name));
          else throw new AwsError('InvalidParameterValue', `The filter '${name}' is invalid`, 400);
        }
        const page = paginate(selected, input.NextToken as string | undefined, max, 'InvalidNextToken');
        return {
          launchTemplates: page.items.map((t) => ({
            launchTemplateId: t.id,
            launchTemplateName: t.name,
            createTime: t.createTime,
            createdBy: `arn:aws:iam::${state.accountId}:root`,
            defaultVersionNumber: t.defaultVersion,
            latestVersionNumber: t.versions.length,
          })),
          ...(page.nextToken ? { nextToken: page.nextToken } : {}),
        };
      },
    },
    DescribeLaunchTemplateVersions: {
      logInput: ['LaunchTemplateId', 'LaunchTemplateName', 'MaxResults', 'NextToken'],
      handler({ state, input }) {
        const template = findTemplate(state, input);
        const specs = strings(input.LaunchTemplateVersion);
        const max = maxResults(input.MaxResults, 1, 200) ?? 200;
        const rows: Array<Record<string, unknown>> = [];
        if (template) {
          const versions = specs.length
            ? specs.map((s) => {
                const v = pickVersion(template, s);
                if (!v)
                  throw new AwsError(
                    'InvalidLaunchTemplateId.VersionNotFound',
                    `Could not find launch template version ${s} for launch template ${template.id}.`,
                    400,
                  );
                return v;
              })
            : template.versions.filter(
                (v) =>
                  (input.MinVersion === undefined || v.versionNumber >= Number(input.MinVersion)) &&
                  (input.MaxVersion === undefined || v.versionNumber <= Number(input.MaxVersion)),
              );
          const seen = new Set<number>();
          for (const v of versions) {
            if (seen.has(v.versionNumber)) continue;
            seen.add(v.versionNumber);
            rows.push(versionOut(template, v, state.accountId));
          }
        } else {
          // Without a template: only $Latest / $Default, across every template (API reference).
          if (specs.length === 0 || specs.some((s) => s !== '$Latest' && s !== '$Default'))
            throw new AwsError(
              'MissingParameter',
              'The request must contain the parameter LaunchTemplateId or LaunchTemplateName, unless Versions is $Latest or $Default.',
              400,
            );
          for (const t of [...state.templates.values()].sort((a, b) => a.name.localeCompare(b.name))) {
            const seen = new Set<number>();
            for (const s of specs) {
              const v = pickVersion(t, s);
              if (v && !seen.has(v.versionNumber)) {
                seen.add(v.versionNumber);
                rows.push(versionOut(t, v, state.accountId));
              }
            }
          }
        }
        const page = paginate(rows, input.NextToken as string | undefined, max, 'InvalidNextToken');
        return {
          launchTemplateVersionSet: page.items,
          ...(page.nextToken ? { nextToken: page.nextToken } : {}),
        };
      },
    },
  },
});
