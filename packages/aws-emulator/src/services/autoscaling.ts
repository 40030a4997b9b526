/**
 * Amazon EC2 Auto Scaling (awsQuery 2011-01-01), from the API reference:
 * DescribeAutoScalingGroups (names, `tag-key` / `tag-value` / `tag:<key>` filters: several values OR,
 * several filters AND; MaxRecords <= 100, default 50; NextToken; IncludeInstances=false omits
 * Instances), CreateOrUpdateTags, DeleteTags,
 * DescribeTags (filters auto-scaling-group / key / value / propagate-at-launch), SetDesiredCapacity
 * and UpdateAutoScalingGroup (desired within min/max, AWS's messages), DescribeAutoScalingInstances,
 * TerminateInstanceInAutoScalingGroup, DescribeLaunchConfigurations.
 *
 * World keys (`autoscaling`):
 * - `groups`: `[{ name, minSize?, maxSize?, desiredCapacity?, launchTemplate?: { name | id, version? },
 *   mixedInstancesPolicy?: { launchTemplate: { name | id, version? }, overrides?: [{ instanceType } |
 *   { instanceRequirements: <the API's InstanceRequirements, e.g. { VCpuCount: { Min: 2, Max: 4 }, MemoryMiB: { Min: 4096 } }> }] },
 *   launchConfigurationName?, instanceType?, availabilityZones?, tags?: { key: value } |
 *   [{ key, value, propagateAtLaunch? }], instances?: number }]` (instances default: desiredCapacity).
 * - `launchConfigurations`: `[{ name, instanceType, imageId? }]`.
 * - `generate`: `{ count, prefix?, tags?, minSize?, maxSize?, desiredCapacity?, launchTemplate?,
 *   instanceTypes? }`: `count` groups named `<prefix>-00001`...; desired 0 by default (no instances).
 * Groups are kept sorted by name, with tag-key and tag-value indexes so 10,000 groups stay fast.
 */
import { AwsError, validationError } from '../framework/errors.js';
import { paginate } from '../framework/pagination.js';
import type { RandomSource } from '../framework/random.js';
import { defineService } from '../framework/service.js';
import type { World } from '../types.js';

const VERSION = '2011-01-01';
const XMLNS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';
const MAX_TAGS_PER_GROUP = 50;

interface LaunchTemplateRef {
  name?: string;
  id?: string;
  version?: string;
}

interface GroupTag {
  key: string;
  value: string;
  propagateAtLaunch: boolean;
}

interface GroupInstance {
  instanceId: string;
  instanceType: string;
  availabilityZone: string;
  lifecycleState: string;
  healthStatus: string;
  protectedFromScaleIn: boolean;
}

interface Group {
  name: string;
  arn: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  launchTemplate?: LaunchTemplateRef;
  mixedInstancesPolicy?: {
    launchTemplate: LaunchTemplateRef;
    overrides: Array<{ instanceType?: string; instanceRequirements?: Record<string, unknown> }>;
  };
  launchConfigurationName?: string;
  /** Instance type new instances get (first override, launch configuration or template). */
  instanceType: string;
  availabilityZones: string[];
  createdTime: Date;
  instances: Map<string, GroupInstance>;
  tags: Map<string, GroupTag>;
}

interface LaunchConfiguration {
  name: string;
  arn: string;
  instanceType: string;
  imageId: string;
  createdTime: Date;
}

/** State of the Auto Scaling module. */
export interface AutoScalingState {
  accountId: string;
  region: string;
  random: RandomSource;
  groups: Map<string, Group>;
  launchConfigurations: Map<string, LaunchConfiguration>;
  /** tag key -> group names. */
  byTagKey: Map<string, Set<string>>;
  /** tag value -> group names. */
  byTagValue: Map<string, Set<string>>;
  /** instance id -> group name. */
  instanceGroup: Map<string, string>;
  sortedNames: string[] | undefined;
}

type Input = Record<string, unknown>;

function list(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function strings(value: unknown): string[] {
  return list(value).map((v) => String(v));
}

function bool(value: unknown): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return value === true || value === 'true';
}

function int(value: unknown, field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw validationError(field, value, 'Member must be an integer');
  if (n < min) throw validationError(field, value, `Member must have value greater than or equal to ${min}`);
  if (n > max) throw validationError(field, value, `Member must have value less than or equal to ${max}`);
  return n;
}

function addIndex(index: Map<string, Set<string>>, key: string, name: string): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(name);
}

function removeIndex(index: Map<string, Set<string>>, key: string, name: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(name);
  if (set.size === 0) index.delete(key);
}

function setTag(state: AutoScalingState, group: Group, tag: GroupTag): void {
  const old = group.tags.get(tag.key);
  group.tags.set(tag.key, tag);
  // The old value leaves the value index only if no other tag of the group still has it.
  if (old && old.value !== tag.value && ![...group.tags.values()].some((t) => t.value === old.value))
    removeIndex(state.byTagValue, old.value, group.name);
  addIndex(state.byTagKey, tag.key, group.name);
  addIndex(state.byTagValue, tag.value, group.name);
}

function deleteTag(state: AutoScalingState, group: Group, key: string): void {
  const old = group.tags.get(key);
  if (!old) return;
  group.tags.delete(key);
  removeIndex(state.byTagKey, key, group.name);
  if (![...group.tags.values()].some((t) => t.value === old.value))
    removeIndex(state.byTagValue, old.value, group.name);
}

function newInstance(state: AutoScalingState, group: Group, index: number): GroupInstance {
  const instance: GroupInstance = {
    instanceId: `i-${state.random.hex(17)}`,
    instanceType: group.instanceType,
    availabilityZone: group.availabilityZones[index % group.availabilityZones.length] ?? `${state.region}a`,
    lifecycleState: 'InService',
    healthStatus: 'Healthy',
    protectedFromScaleIn: false,
  };
  group.instances.set(instance.instanceId, instance);
  state.instanceGroup.set(instance.instanceId, group.name);
  return instance;
}

/** Launch or terminate instances so the group has `desiredCapacity` (immediately). */
function converge(state: AutoScalingState, group: Group): void {
  let i = group.instances.size;
  while (group.instances.size < group.desiredCapacity) newInstance(state, group, i++);
  const extra = group.instances.size - group.desiredCapacity;
  if (extra > 0) {
    const victims = [...group.instances.values()].filter((x) => !x.protectedFromScaleIn).slice(0, extra);
    for (const v of victims) {
      group.instances.delete(v.instanceId);
      state.instanceGroup.delete(v.instanceId);
    }
  }
}

function templateRef(value: unknown): LaunchTemplateRef | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const ref: LaunchTemplateRef = {};
  const name = v.name ?? v.launchTemplateName ?? v.LaunchTemplateName;
  const id = v.id ?? v.launchTemplateId ?? v.LaunchTemplateId;
  const version = v.version ?? v.Version;
  if (typeof name === 'string') ref.name = name;
  if (typeof id === 'string') ref.id = id;
  if (version !== undefined) ref.version = String(version);
  return ref;
}

function seedGroup(
  state: AutoScalingState,
  world: World,
  raw: Record<string, unknown>,
  createdTime: Date,
): void {
  const name = String(raw.name ?? raw.AutoScalingGroupName ?? '');
  if (!name) throw new TypeError('autoscaling.groups[].name is required');
  const minSize = Number(raw.minSize ?? 0);
  const maxSize = Number(raw.maxSize ?? Math.max(minSize, 3));
  const desiredCapacity = Number(raw.desiredCapacity ?? minSize);
  const launchTemplate = templateRef(raw.launchTemplate);
  const mip = raw.mixedInstancesPolicy as Record<string, unknown> | undefined;
  const overrides = list(mip?.overrides).flatMap(
    (o): Array<{ instanceType?: string; instanceRequirements?: Record<string, unknown> }> => {
      const raw = o as Record<string, unknown>;
      if (typeof raw.instanceType === 'string') return [{ instanceType: raw.instanceType }];
      if (raw.instanceRequirements && typeof raw.instanceRequirements === 'object')
        return [{ instanceRequirements: raw.instanceRequirements as Record<string, unknown> }];
      return [];
    },
  );
  const mipTemplate = templateRef(mip?.launchTemplate);
  const launchConfigurationName =
    typeof raw.launchConfigurationName === 'string' ? raw.launchConfigurationName : undefined;
  const templates = (world.ec2?.launchTemplates ?? []) as Array<Record<string, unknown>>;
  const ltName = (launchTemplate ?? mipTemplate)?.name;
  const templateType = templates.find((t) => t.name === ltName)?.instanceType;
  const instanceType = String(
    raw.instanceType ??
      overrides.find((o) => o.instanceType)?.instanceType ??
      (launchConfigurationName
        ? state.launchConfigurations.get(launchConfigurationName)?.instanceType
        : undefined) ??
      templateType ??
      'm5.large',
  );
  const uuid = state.random.uuid();
  const group: Group = {
    name,
    arn: `arn:aws:autoscaling:${state.region}:${state.accountId}:autoScalingGroup:${uuid}:autoScalingGroupName/${name}`,
    minSize,
    maxSize,
    desiredCapacity,
    ...(launchTemplate ? { launchTemplate: { version: '$Default', ...launchTemplate } } : {}),
    ...(mip && mipTemplate
      ? { mixedInstancesPolicy: { launchTemplate: { version: '$Default', ...mipTemplate }, overrides } }
      : {}),
    ...(launchConfigurationName ? { launchConfigurationName } : {}),
    instanceType,
    availabilityZones: strings(raw.availabilityZones).length
      ? strings(raw.availabilityZones)
      : [`${state.region}a`, `${state.region}c`],
    createdTime,
    instances: new Map(),
    tags: new Map(),
  };
  state.groups.set(name, group);
  const tags = raw.tags;
  if (Array.isArray(tags)) {
    for (const t of tags as Array<Record<string, unknown>>)
      setTag(state, group, {
        key: String(t.key ?? t.Key),
        value: String(t.value ?? t.Value ?? ''),
        propagateAtLaunch: bool(t.propagateAtLaunch ?? t.PropagateAtLaunch) ?? false,
      });
  } else if (tags && typeof tags === 'object') {
    for (const [key, value] of Object.entries(tags as Record<string, unknown>))
      setTag(state, group, { key, value: String(value), propagateAtLaunch: false });
  }
  const count = raw.instances === undefined ? desiredCapacity : Number(raw.instances);
  for (let i = 0; i < count; i++) newInstance(state, group, i);
}

function sortedNames(state: AutoScalingState): string[] {
  if (!state.sortedNames) state.sortedNames = [...state.groups.keys()].sort();
  return state.sortedNames;
}

function getGroup(state: AutoScalingState, name: unknown): Group {
  const group = typeof name === 'string' ? state.groups.get(name) : undefined;
  // AWS's answer for SetDesiredCapacity & co. on a group that does not exist (aws/aws-sdk-go#1151).
  if (!group) throw new AwsError('ValidationError', `AutoScalingGroup name not found - null`, 400);
  return group;
}

function requireName(input: Input): string {
  const name = input.AutoScalingGroupName;
  if (typeof name !== 'string' || name === '')
    throw validationError('autoScalingGroupName', undefined, 'Member must not be null');
  return name;
}

function templateOut(ref: LaunchTemplateRef, state: AutoScalingState, ec2: unknown): Record<string, unknown> {
  const resolved = resolveTemplate(ref, ec2);
  return {
    LaunchTemplateId: ref.id ?? resolved?.id ?? `lt-${hashHex(ref.name ?? '', state.accountId)}`,
    LaunchTemplateName: ref.name ?? resolved?.name,
    Version: ref.version,
  };
}

/** Looks the template up in the EC2 module's state, whatever its exact shape (read-only). */
function resolveTemplate(ref: LaunchTemplateRef, ec2: unknown): { id?: string; name?: string } | undefined {
  const templates = (ec2 as { templates?: Map<string, { id: string; name: string }> } | undefined)?.templates;
  if (!(templates instanceof Map)) return undefined;
  for (const t of templates.values()) if (t.id === ref.id || t.name === ref.name) return t;
  return undefined;
}

function hashHex(text: string, salt: string): string {
  let h = 2166136261;
  for (const c of `${salt}/${text}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return (h.toString(16).padStart(8, '0') + h.toString(16).padStart(8, '0')).slice(0, 17).padEnd(17, '0');
}

function tagOut(group: Group, tag: GroupTag): Record<string, unknown> {
  return {
    ResourceId: group.name,
    ResourceType: 'auto-scaling-group',
    Key: tag.key,
    Value: tag.value,
    PropagateAtLaunch: tag.propagateAtLaunch,
  };
}

function instanceTemplateFields(
  group: Group,
  state: AutoScalingState,
  ec2: unknown,
): Record<string, unknown> {
  if (group.launchConfigurationName) return { LaunchConfigurationName: group.launchConfigurationName };
  const ref = group.launchTemplate ?? group.mixedInstancesPolicy?.launchTemplate;
  return ref ? { LaunchTemplate: templateOut(ref, state, ec2) } : {};
}

function groupOut(
  group: Group,
  state: AutoScalingState,
  ec2: unknown,
  includeInstances = true,
): Record<string, unknown> {
  return {
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    ...(group.launchConfigurationName ? { LaunchConfigurationName: group.launchConfigurationName } : {}),
    ...(group.launchTemplate ? { LaunchTemplate: templateOut(group.launchTemplate, state, ec2) } : {}),
    ...(group.mixedInstancesPolicy
      ? {
          MixedInstancesPolicy: {
            LaunchTemplate: {
              LaunchTemplateSpecification: templateOut(group.mixedInstancesPolicy.launchTemplate, state, ec2),
              Overrides: group.mixedInstancesPolicy.overrides.map((o) =>
                o.instanceRequirements
                  ? { InstanceRequirements: o.instanceRequirements }
                  : { InstanceType: o.instanceType },
              ),
            },
            InstancesDistribution: {
              OnDemandAllocationStrategy: 'prioritized',
              OnDemandBaseCapacity: 0,
              OnDemandPercentageAboveBaseCapacity: 100,
              SpotAllocationStrategy: 'price-capacity-optimized',
            },
          },
        }
      : {}),
    MinSize: group.minSize,
    MaxSize: group.maxSize,
    DesiredCapacity: group.desiredCapacity,
    DefaultCooldown: 300,
    AvailabilityZones: group.availabilityZones,
    LoadBalancerNames: [],
    TargetGroupARNs: [],
    HealthCheckType: 'EC2',
    HealthCheckGracePeriod: 300,
    // IncludeInstances=false (DescribeAutoScalingGroups, default true): no instance details.
    ...(includeInstances
      ? {
          Instances: [...group.instances.values()].map((i) => ({
            InstanceId: i.instanceId,
            InstanceType: i.instanceType,
            AvailabilityZone: i.availabilityZone,
            LifecycleState: i.lifecycleState,
            HealthStatus: i.healthStatus,
            ...instanceTemplateFields(group, state, ec2),
            ProtectedFromScaleIn: i.protectedFromScaleIn,
          })),
        }
      : {}),
    CreatedTime: group.createdTime,
    SuspendedProcesses: [],
    EnabledMetrics: [],
    Tags: [...group.tags.values()].map((t) => tagOut(group, t)),
    TerminationPolicies: ['Default'],
    NewInstancesProtectedFromScaleIn: false,
    ServiceLinkedRoleARN: `arn:aws:iam::${state.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    CapacityRebalance: false,
  };
}

function union(sets: Array<Set<string> | undefined>): Set<string> {
  // One set: the index itself (callers only read it).
  if (sets.length === 1) return sets[0] ?? new Set();
  const out = new Set<string>();
  for (const s of sets) if (s) for (const x of s) out.add(x);
  return out;
}

/** Group names matching DescribeAutoScalingGroups filters (values OR, filters AND), or undefined: all. */
function filterGroups(state: AutoScalingState, filters: unknown[]): Set<string> | undefined {
  let result: Set<string> | undefined;
  for (const raw of filters) {
    const f = raw as Record<string, unknown>;
    const name = String(f.Name ?? '');
    const values = strings(f.Values);
    let matches: Set<string>;
    if (name === 'tag-key') matches = union(values.map((v) => state.byTagKey.get(v)));
    else if (name === 'tag-value') matches = union(values.map((v) => state.byTagValue.get(v)));
    else if (name.startsWith('tag:')) {
      const key = name.slice(4);
      matches = new Set();
      for (const g of state.byTagKey.get(key) ?? []) {
        const tag = state.groups.get(g)?.tags.get(key);
        if (tag && values.includes(tag.value)) matches.add(g);
      }
    } else {
      throw new AwsError(
        'ValidationError',
        `Filter name ${name} is invalid. Valid filter names are tag-key, tag-value and tag:<key>.`,
        400,
      );
    }
    if (!result) result = matches;
    else {
      const next = new Set<string>();
      const [small, large] = result.size <= matches.size ? [result, matches] : [matches, result];
      for (const x of small) if (large.has(x)) next.add(x);
      result = next;
    }
  }
  return result;
}

/** Auto Scaling's error code for a NextToken it did not issue. */
const INVALID_TOKEN = 'InvalidNextToken';

/**
 * Checks one member of a Tags list. Field paths carry the 1-based member index as AWS writes them
 * (`Value '...' at 'tags.6.member.key' failed to satisfy constraint`, fog/fog-aws#125).
 */
function validateTagInput(
  t: Record<string, unknown>,
  index: number,
  state: AutoScalingState,
  requireValue: boolean,
): Group {
  const member = `tags.${index + 1}.member`;
  if (t.ResourceType !== undefined && t.ResourceType !== 'auto-scaling-group')
    throw validationError(`${member}.resourceType`, t.ResourceType, 'Member must be auto-scaling-group');
  const key = t.Key;
  if (typeof key !== 'string' || key.length < 1 || key.length > 128)
    throw validationError(
      `${member}.key`,
      key,
      'Member must have length less than or equal to 128 and greater than or equal to 1',
    );
  if (key.toLowerCase().startsWith('aws:'))
    throw new AwsError(
      'ValidationError',
      `Tag keys starting with 'aws:' are reserved for internal use.`,
      400,
    );
  if (requireValue && typeof t.Value === 'string' && t.Value.length > 256)
    throw validationError(`${member}.value`, t.Value, 'Member must have length less than or equal to 256');
  const id = t.ResourceId;
  if (typeof id !== 'string' || id === '')
    throw validationError(`${member}.resourceId`, undefined, 'Member must not be null');
  const group = state.groups.get(id);
  // The message as AWS answered it (cloud-custodian/cloud-custodian#380).
  if (!group)
    throw new AwsError(
      'ValidationError',
      `AutoScalingGroup not found - AutoScaling Group ${id} not found`,
      400,
    );
  return group;
}

function activity(state: AutoScalingState, group: Group, description: string, cause: string, now: Date) {
  return {
    ActivityId: state.random.uuid(),
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    Description: description,
    Cause: cause,
    StartTime: now,
    StatusCode: 'InProgress',
    Progress: 0,
    Details: JSON.stringify({ 'Availability Zone': group.availabilityZones[0] ?? '' }),
  };
}

/** The Auto Scaling service module. */
export const autoscaling = defineService<AutoScalingState>({
  signingName: 'autoscaling',
  protocol: { kind: 'query', version: VERSION, xmlns: XMLNS },
  createState(world, context) {
    const section = (world.autoscaling ?? {}) as Record<string, unknown>;
    const state: AutoScalingState = {
      accountId: context.accountId,
      region: context.region,
      random: context.random,
      groups: new Map(),
      launchConfigurations: new Map(),
      byTagKey: new Map(),
      byTagValue: new Map(),
      instanceGroup: new Map(),
      sortedNames: undefined,
    };
    const created = context.clock.date();
    for (const raw of list(section.launchConfigurations) as Array<Record<string, unknown>>) {
      const name = String(raw.name);
      state.launchConfigurations.set(name, {
        name,
        arn: `arn:aws:autoscaling:${state.region}:${state.accountId}:launchConfiguration:${state.random.uuid()}:launchConfigurationName/${name}`,
        instanceType: String(raw.instanceType ?? 'm5.large'),
        imageId: String(raw.imageId ?? `ami-${state.random.hex(17)}`),
        createdTime: created,
      });
    }
    for (const raw of list(section.groups) as Array<Record<string, unknown>>)
      seedGroup(state, world, raw, created);
    const gen = section.generate as Record<string, unknown> | undefined;
    if (gen) {
      const count = Number(gen.count ?? 0);
      const prefix = String(gen.prefix ?? 'asg');
      const width = Math.max(5, String(count).length);
      const instanceTypes = strings(gen.instanceTypes);
      for (let i = 1; i <= count; i++) {
        seedGroup(
          state,
          world,
          {
            name: `${prefix}-${String(i).padStart(width, '0')}`,
            minSize: gen.minSize ?? 0,
            maxSize: gen.maxSize ?? 10,
            desiredCapacity: gen.desiredCapacity ?? 0,
            tags: gen.tags ?? {},
            ...(gen.launchTemplate ? { launchTemplate: gen.launchTemplate } : {}),
            ...(instanceTypes.length && gen.launchTemplate
              ? {
                  launchTemplate: undefined,
                  mixedInstancesPolicy: {
                    launchTemplate: gen.launchTemplate,
                    overrides: instanceTypes.map((instanceType) => ({ instanceType })),
                  },
                }
              : {}),
          },
          created,
        );
      }
    }
    return state;
  },
  operations: {
    DescribeAutoScalingGroups: {
      logInput: ['MaxRecords', 'NextToken', 'IncludeInstances'],
      handler({ state, input, stateOf }) {
        const max = int(input.MaxRecords, 'maxRecords', 1, 100) ?? 50;
        const names = strings(input.AutoScalingGroupNames);
        const filtered = filterGroups(state, list(input.Filters));
        let candidates = names.length
          ? [...new Set(names)].sort().filter((n) => state.groups.has(n))
          : sortedNames(state);
        if (filtered) candidates = candidates.filter((n) => filtered.has(n));
        const page = paginate(candidates, input.NextToken as string | undefined, max, INVALID_TOKEN);
        const ec2 = safeStateOf(stateOf, 'ec2');
        return {
          AutoScalingGroups: page.items.map((n) =>
            groupOut(state.groups.get(n)!, state, ec2, bool(input.IncludeInstances) !== false),
          ),
          ...(page.nextToken ? { NextToken: page.nextToken } : {}),
        };
      },
    },
    DescribeTags: {
      logInput: ['MaxRecords', 'NextToken'],
      handler({ state, input }) {
        const max = int(input.MaxRecords, 'maxRecords', 1, 100) ?? 50;
        const filters = list(input.Filters).map((f) => {
          const r = f as Record<string, unknown>;
          return { name: String(r.Name ?? ''), values: strings(r.Values) };
        });
        for (const f of filters)
          if (!['auto-scaling-group', 'key', 'value', 'propagate-at-launch'].includes(f.name))
            throw new AwsError('ValidationError', `Filter name ${f.name} is invalid.`, 400);
        const groupFilter = filters.filter((f) => f.name === 'auto-scaling-group');
        let names = sortedNames(state);
        for (const f of groupFilter) names = names.filter((n) => f.values.includes(n));
        const keyFilters = filters.filter((f) => f.name === 'key');
        if (keyFilters.length) {
          const withKey = union(keyFilters.flatMap((f) => f.values.map((v) => state.byTagKey.get(v))));
          names = names.filter((n) => withKey.has(n));
        }
        const rows: Array<Record<string, unknown>> = [];
        for (const n of names) {
          const g = state.groups.get(n)!;
          for (const t of [...g.tags.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
            const ok = filters.every((f) =>
              f.name === 'key'
                ? f.values.includes(t.key)
                : f.name === 'value'
                  ? f.values.includes(t.value)
                  : f.name === 'propagate-at-launch'
                    ? f.values.includes(String(t.propagateAtLaunch))
                    : true,
            );
            if (ok) rows.push(tagOut(g, t));
          }
        }
        const page = paginate(rows, input.NextToken as string | undefined, max, INVALID_TOKEN);
        return { Tags: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
      },
    },
    CreateOrUpdateTags: {
      mutating: true,
      resource: (input) => tagResource(input),
      handler({ state, input }) {
        const tags = list(input.Tags) as Array<Record<string, unknown>>;
        if (tags.length === 0) throw validationError('tags', undefined, 'Member must not be null');
        const planned = tags.map((t, i) => ({ group: validateTagInput(t, i, state, true), t }));
        for (const group of new Set(planned.map((p) => p.group))) {
          const keys = new Set(group.tags.keys());
          for (const p of planned) if (p.group === group) keys.add(String(p.t.Key));
          // The 50-tag quota is documented; the message wording is ours (no AWS sample found).
          if (keys.size > MAX_TAGS_PER_GROUP)
            throw new AwsError(
              'LimitExceeded',
              `The number of tags for Auto Scaling group ${group.name} would exceed the limit of ${MAX_TAGS_PER_GROUP}.`,
              400,
            );
        }
        for (const { group, t } of planned)
          setTag(state, group, {
            key: String(t.Key),
            value: typeof t.Value === 'string' ? t.Value : '',
            propagateAtLaunch: bool(t.PropagateAtLaunch) ?? false,
          });
        return {};
      },
    },
    DeleteTags: {
      mutating: true,
      resource: (input) => tagResource(input),
      handler({ state, input }) {
        const tags = list(input.Tags) as Array<Record<string, unknown>>;
        if (tags.length === 0) throw validationError('tags', undefined, 'Member must not be null');
        const planned = tags.map((t, i) => ({ group: validateTagInput(t, i, state, false), t }));
        for (const { group, t } of planned) deleteTag(state, group, String(t.Key));
        return {};
      },
    },
    SetDesiredCapacity: {
      mutating: true,
      logInput: ['AutoScalingGroupName', 'DesiredCapacity', 'HonorCooldown'],
      resource: (input, r) => groupArn(r.state, input.AutoScalingGroupName),
      handler({ state, input }) {
        const group = getGroup(state, requireName(input));
        const desired = int(input.DesiredCapacity, 'desiredCapacity');
        if (desired === undefined)
          throw validationError('desiredCapacity', undefined, 'Member must not be null');
        if (desired > group.maxSize)
          throw new AwsError(
            'ValidationError',
            `New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`,
            400,
          );
        if (desired < group.minSize)
          throw new AwsError(
            'ValidationError',
            `New SetDesiredCapacity value ${desired} is below min value ${group.minSize} for the AutoScalingGroup.`,
            400,
          );
        group.desiredCapacity = desired;
        converge(state, group);
        return {};
      },
    },
    UpdateAutoScalingGroup: {
      mutating: true,
      logInput: ['AutoScalingGroupName', 'MinSize', 'MaxSize', 'DesiredCapacity'],
      resource: (input, r) => groupArn(r.state, input.AutoScalingGroupName),
      handler({ state, input }) {
        const group = getGroup(state, requireName(input));
        const min = int(input.MinSize, 'minSize') ?? group.minSize;
        const max = int(input.MaxSize, 'maxSize') ?? group.maxSize;
        if (max < min)
          throw new AwsError(
            'ValidationError',
            `Max bound, ${max}, must be greater than or equal to min bound, ${min}`,
            400,
          );
        let desired = int(input.DesiredCapacity, 'desiredCapacity');
        if (desired !== undefined && (desired < min || desired > max))
          throw new AwsError(
            'ValidationError',
            `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`,
            400,
          );
        // AWS moves the desired capacity into the new bounds when only min/max change.
        desired ??= Math.min(Math.max(group.desiredCapacity, min), max);
        group.minSize = min;
        group.maxSize = max;
        group.desiredCapacity = desired;
        const lt = templateRef(input.LaunchTemplate);
        if (lt) group.launchTemplate = { version: '$Default', ...lt };
        converge(state, group);
        return {};
      },
    },
    DescribeAutoScalingInstances: {
      logInput: ['MaxRecords', 'NextToken', 'IncludeInstances'],
      handler({ state, input, stateOf }) {
        const max = int(input.MaxRecords, 'maxRecords', 1, 50) ?? 50;
        const ids = strings(input.InstanceIds);
        const ec2 = safeStateOf(stateOf, 'ec2');
        const rows: Array<Record<string, unknown>> = [];
        const wanted = ids.length ? ids : [...state.instanceGroup.keys()].sort();
        for (const id of wanted) {
          const groupName = state.instanceGroup.get(id);
          const group = groupName ? state.groups.get(groupName) : undefined;
          const instance = group?.instances.get(id);
          if (!group || !instance) continue;
          rows.push({
            InstanceId: instance.instanceId,
            InstanceType: instance.instanceType,
            AutoScalingGroupName: group.name,
            AvailabilityZone: instance.availabilityZone,
            // This API writes HealthStatus in capitals (HEALTHY) but LifecycleState as DescribeAutoScalingGroups does.
            LifecycleState: instance.lifecycleState,
            HealthStatus: instance.healthStatus.toUpperCase(),
            ...instanceTemplateFields(group, state, ec2),
            ProtectedFromScaleIn: instance.protectedFromScaleIn,
          });
        }
        const page = paginate(rows, input.NextToken as string | undefined, max, INVALID_TOKEN);
        return { AutoScalingInstances: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
      },
    },
    TerminateInstanceInAutoScalingGroup: {
      mutating: true,
      logInput: ['InstanceId', 'ShouldDecrementDesiredCapacity'],
      handler({ state, input, clock }) {
        const id = input.InstanceId;
        if (typeof id !== 'string' || id === '')
          throw validationError('instanceId', undefined, 'Member must not be null');
        const decrement = bool(input.ShouldDecrementDesiredCapacity);
        if (decrement === undefined)
          throw validationError('shouldDecrementDesiredCapacity', undefined, 'Member must not be null');
        const groupName = state.instanceGroup.get(id);
        const group = groupName ? state.groups.get(groupName) : undefined;
        if (!group)
          throw new AwsError(
            'ValidationError',
            `Instance Id not found - No managed instance found for instance ID: ${id}`,
            400,
          );
        const before = group.desiredCapacity;
        // AWS's wording (buildkite/elastic-ci-stack-for-aws#1261, hashicorp/nomad-autoscaler#1290).
        if (decrement && group.desiredCapacity <= group.minSize)
          throw new AwsError(
            'ValidationError',
            `Currently, desiredSize equals minSize (${group.minSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
            400,
          );
        group.instances.delete(id);
        state.instanceGroup.delete(id);
        if (decrement) group.desiredCapacity -= 1;
        else converge(state, group);
        const now = clock.date();
        const cause = `At ${now.toISOString().replace(/\.\d+Z$/, 'Z')} instance ${id} was taken out of service in response to a user request${decrement ? `, shrinking the capacity from ${before} to ${group.desiredCapacity}` : ''}.`;
        return { Activity: activity(state, group, `Terminating EC2 instance: ${id}`, cause, now) };
      },
    },
    DescribeLaunchConfigurations: {
      logInput: ['MaxRecords', 'NextToken'],
      handler({ state, input }) {
        const max = int(input.MaxRecords, 'maxRecords', 1, 100) ?? 50;
        const names = strings(input.LaunchConfigurationNames);
        const all = [...state.launchConfigurations.keys()].sort();
        const selected = names.length ? all.filter((n) => names.includes(n)) : all;
        const page = paginate(selected, input.NextToken as string | undefined, max, INVALID_TOKEN);
        return {
          LaunchConfigurations: page.items.map((n) => {
            const lc = state.launchConfigurations.get(n)!;
            return {
              LaunchConfigurationName: lc.name,
              LaunchConfigurationARN: lc.arn,
              ImageId: lc.imageId,
              InstanceType: lc.instanceType,
              CreatedTime: lc.createdTime,
              SecurityGroups: [],
              BlockDeviceMappings: [],
              EbsOptimized: false,
            };
          }),
          ...(page.nextToken ? { NextToken: page.nextToken } : {}),
        };
      },
    },
  },
});

function safeStateOf(stateOf: <T>(service: string) => T, service: string): unknown {
  try {
    return stateOf(service);
  } catch {
    return undefined;
  }
}

function groupArn(state: AutoScalingState, name: unknown): string {
  return (typeof name === 'string' ? state.groups.get(name)?.arn : undefined) ?? '*';
}

function tagResource(input: Record<string, unknown>): string {
  const first = list(input.Tags)[0] as Record<string, unknown> | undefined;
  return typeof first?.ResourceId === 'string' ? `autoScalingGroupName/${first.ResourceId}` : '*';
}
