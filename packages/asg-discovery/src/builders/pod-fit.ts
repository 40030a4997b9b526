/**
 * Will a pending pod fit on a new node? Node allocatable as EKS AMIs compute it:
 * awslabs/amazon-eks-ami, AL2 `templates/al2/runtime/bootstrap.sh` (get_cpu_millicores_to_reserve,
 * get_memory_mebibytes_to_reserve) and AL2023 nodeadm `internal/kubelet/config.go`:
 * - kube-reserved memory = 255Mi + 11Mi x maxPods
 * - kube-reserved CPU = 6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% of the rest
 * - eviction threshold `memory.available<100Mi`
 * - maxPods from the VPC CNI's eni-max-pods rule: ENIs x (IPv4 per ENI - 1) + 2
 * The node's memory capacity is below EC2's `MemoryInfo.SizeInMiB` (the kernel and firmware keep some):
 * like Karpenter (`settings.vmMemoryOverheadPercent`, default 0.075) we take 7.5% off EC2's figure
 * before the formula, so a "fits" is not an over-promise; pass `vmMemoryOverheadPercent: 0` for EC2's figure.
 */
import { InvalidInputError } from '@eks-kit/core';
import { cpuMillicores, memoryMebibytes } from './quantity.js';

/** vCPU, memory and networking of an instance type (from DescribeInstanceTypes). */
export interface InstanceTypeInfo {
  instanceType: string;
  vCpus: number;
  memoryMiB: number;
  /** Network interfaces the type supports (for maxPods). */
  maxEnis?: number;
  /** IPv4 addresses per interface (for maxPods). */
  ipv4PerEni?: number;
  /** Explicit max pods (kubelet `maxPods`), overrides the ENI rule. */
  maxPods?: number;
  architectures?: string[];
  /** Accelerators per node (EC2 `GpuInfo`), e.g. `{ count: 1, manufacturer: 'NVIDIA' }`. */
  gpus?: { count: number; manufacturer: string };
}

/** Requests of a pod (or overhead of the DaemonSets on every node), as Kubernetes quantities. */
export interface ResourceRequests {
  cpu?: string | number;
  memory?: string | number;
}

/** The numbers of one instance type in a {@link podFits} answer. */
export interface PodFitResult {
  instanceType: string;
  fits: boolean;
  /** Why not, one line per resource, with the numbers. Empty when it fits. */
  reasons: string[];
  maxPods: number;
  /** EC2's memory figure (DescribeInstanceTypes `MemoryInfo.SizeInMiB`). */
  ec2MemoryMiB: number;
  /** What the kernel keeps of EC2's figure (estimate: `vmMemoryOverheadPercent`). */
  vmMemoryOverheadMiB: number;
  /** The node's capacity: vCPUs, and EC2's memory less the VM overhead. */
  capacity: { cpuMillicores: number; memoryMiB: number };
  kubeReserved: { cpuMillicores: number; memoryMiB: number };
  evictionMemoryMiB: number;
  allocatable: { cpuMillicores: number; memoryMiB: number };
  daemonSetOverhead: { cpuMillicores: number; memoryMiB: number };
  /** Left for the pod after DaemonSets. */
  available: { cpuMillicores: number; memoryMiB: number };
  requested: { cpuMillicores: number; memoryMiB: number };
}

/** Eviction hard threshold on EKS AMIs. */
export const EKS_EVICTION_MEMORY_MIB = 100;

/** Share of EC2's memory figure the node does not get (Karpenter's default `vmMemoryOverheadPercent`). */
export const DEFAULT_VM_MEMORY_OVERHEAD_PERCENT = 0.075;

/**
 * Max pods by the VPC CNI rule without prefix delegation: ENIs x (IPv4 per ENI - 1) + 2.
 *
 * @example
 * ```ts
 * eniMaxPods(3, 10); // 29 (m5.large)
 * ```
 */
export function eniMaxPods(maxEnis: number, ipv4PerEni: number): number {
  return maxEnis * (ipv4PerEni - 1) + 2;
}

/**
 * kube-reserved CPU in millicores for a number of vCPUs (EKS AMI formula).
 *
 * @example
 * ```ts
 * kubeReservedCpuMillicores(2); // 70 (60 + 10)
 * kubeReservedCpuMillicores(8); // 90 (60 + 10 + 10 + 10)
 * ```
 */
export function kubeReservedCpuMillicores(vCpus: number): number {
  const tiers: Array<[upTo: number, percent: number]> = [
    [1, 6],
    [2, 1],
    [4, 0.5],
    [Number.POSITIVE_INFINITY, 0.25],
  ];
  let reserved = 0;
  let from = 0;
  for (const [upTo, percent] of tiers) {
    if (vCpus <= from) break;
    reserved += ((Math.min(vCpus, upTo) - from) * 1000 * percent) / 100;
    from = upTo;
  }
  return Math.round(reserved * 100) / 100;
}

/**
 * kube-reserved memory in MiB for a max pod count (EKS AMI formula: 255 + 11 x maxPods).
 *
 * @example
 * ```ts
 * kubeReservedMemoryMebibytes(29); // 574
 * ```
 */
export function kubeReservedMemoryMebibytes(maxPods: number): number {
  return 255 + 11 * maxPods;
}

/**
 * Whether a pending pod fits on a new node of each instance type, with the numbers.
 * Allocatable = capacity - kube-reserved - eviction threshold, where memory capacity is EC2's
 * figure less `vmMemoryOverheadPercent` (default 7.5%, an estimate of what the kernel keeps: a pod
 * within that margin may still fit on the real node); the pod must fit what the DaemonSets leave.
 *
 * @example
 * ```ts
 * const [m] = podFits({ requests: { cpu: '1500m' }, instanceTypes: [{ instanceType: 't3.large', vCpus: 2, memoryMiB: 8192 }] });
 * m.fits; // true: 1500m <= 1930m allocatable (2000m - 70m kube-reserved)
 * m.capacity.memoryMiB; // 7577.6 (8192 MiB from EC2 less 7.5%)
 * ```
 */
export function podFits(input: {
  requests: ResourceRequests;
  instanceTypes: readonly InstanceTypeInfo[];
  daemonSetOverhead?: ResourceRequests;
  /** Share of EC2's memory figure the node does not get, 0 to < 1 (default 0.075). */
  vmMemoryOverheadPercent?: number;
}): PodFitResult[] {
  if (!input || typeof input !== 'object') throw new InvalidInputError('input', input, 'an object');
  const requests = input.requests;
  if (!requests || typeof requests !== 'object')
    throw new InvalidInputError('requests', requests, 'an object such as { cpu: "500m", memory: "1Gi" }');
  const reqCpu = requests.cpu === undefined ? 0 : cpuMillicores(requests.cpu, 'requests.cpu');
  const reqMem = requests.memory === undefined ? 0 : memoryMebibytes(requests.memory, 'requests.memory');
  const ds = input.daemonSetOverhead ?? {};
  const dsCpu = ds.cpu === undefined ? 0 : cpuMillicores(ds.cpu, 'daemonSetOverhead.cpu');
  const dsMem = ds.memory === undefined ? 0 : memoryMebibytes(ds.memory, 'daemonSetOverhead.memory');
  const overhead = input.vmMemoryOverheadPercent ?? DEFAULT_VM_MEMORY_OVERHEAD_PERCENT;
  if (typeof overhead !== 'number' || !(overhead >= 0 && overhead < 1))
    throw new InvalidInputError(
      'vmMemoryOverheadPercent',
      overhead,
      'a fraction from 0 to below 1, such as 0.075',
    );
  if (!Array.isArray(input.instanceTypes) || input.instanceTypes.length === 0)
    throw new InvalidInputError('instanceTypes', input.instanceTypes, 'at least one instance type');
  return input.instanceTypes.map((type, i) => {
    const field = `instanceTypes[${i}]`;
    if (!type || typeof type.instanceType !== 'string')
      throw new InvalidInputError(`${field}.instanceType`, type?.instanceType, 'an instance type name');
    if (!(type.vCpus > 0)) throw new InvalidInputError(`${field}.vCpus`, type.vCpus, 'a positive number');
    if (!(type.memoryMiB > 0))
      throw new InvalidInputError(`${field}.memoryMiB`, type.memoryMiB, 'a positive number');
    const maxPods =
      type.maxPods ?? (type.maxEnis && type.ipv4PerEni ? eniMaxPods(type.maxEnis, type.ipv4PerEni) : 110);
    const vmMemoryOverheadMiB = round2(type.memoryMiB * overhead);
    const capacity = {
      cpuMillicores: type.vCpus * 1000,
      memoryMiB: round2(type.memoryMiB - vmMemoryOverheadMiB),
    };
    const kubeReserved = {
      cpuMillicores: kubeReservedCpuMillicores(type.vCpus),
      memoryMiB: kubeReservedMemoryMebibytes(maxPods),
    };
    const allocatable = {
      cpuMillicores: Math.floor(capacity.cpuMillicores - kubeReserved.cpuMillicores),
      memoryMiB: round2(capacity.memoryMiB - kubeReserved.memoryMiB - EKS_EVICTION_MEMORY_MIB),
    };
    const available = {
      cpuMillicores: allocatable.cpuMillicores - dsCpu,
      memoryMiB: round2(allocatable.memoryMiB - dsMem),
    };
    const reasons: string[] = [];
    if (reqCpu > available.cpuMillicores)
      reasons.push(
        `Insufficient cpu: requests ${reqCpu}m, ${available.cpuMillicores}m left (${capacity.cpuMillicores}m - ${kubeReserved.cpuMillicores}m kube-reserved - ${dsCpu}m DaemonSets)`,
      );
    if (reqMem > available.memoryMiB)
      reasons.push(
        `Insufficient memory: requests ${round2(reqMem)}Mi, ${available.memoryMiB}Mi left (${type.memoryMiB}Mi - ${vmMemoryOverheadMiB}Mi VM overhead - ${kubeReserved.memoryMiB}Mi kube-reserved - ${EKS_EVICTION_MEMORY_MIB}Mi eviction - ${round2(dsMem)}Mi DaemonSets)`,
      );
    return {
      instanceType: type.instanceType,
      fits: reasons.length === 0,
      reasons,
      maxPods,
      ec2MemoryMiB: type.memoryMiB,
      vmMemoryOverheadMiB,
      capacity,
      kubeReserved,
      evictionMemoryMiB: EKS_EVICTION_MEMORY_MIB,
      allocatable,
      daemonSetOverhead: { cpuMillicores: dsCpu, memoryMiB: round2(dsMem) },
      available,
      requested: { cpuMillicores: reqCpu, memoryMiB: round2(reqMem) },
    };
  });
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
