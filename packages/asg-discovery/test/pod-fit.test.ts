import { describe, expect, it } from 'vitest';
import {
  cpuMillicores,
  eniMaxPods,
  kubeReservedCpuMillicores,
  kubeReservedMemoryMebibytes,
  memoryMebibytes,
  podFits,
} from '../src/index.js';

const t3Large = { instanceType: 't3.large', vCpus: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 12 };
const m5XLarge = { instanceType: 'm5.xlarge', vCpus: 4, memoryMiB: 16384, maxEnis: 4, ipv4PerEni: 15 };

describe('EKS kube-reserved formula (awslabs/amazon-eks-ami bootstrap.sh / nodeadm)', () => {
  it('reserves 6% / 1% / 0.5% / 0.25% of cores', () => {
    expect(kubeReservedCpuMillicores(1)).toBe(60);
    expect(kubeReservedCpuMillicores(2)).toBe(70);
    expect(kubeReservedCpuMillicores(4)).toBe(80);
    expect(kubeReservedCpuMillicores(8)).toBe(90);
    expect(kubeReservedCpuMillicores(96)).toBe(310);
  });

  it('reserves 255Mi + 11Mi per pod', () => {
    expect(eniMaxPods(3, 10)).toBe(29);
    expect(kubeReservedMemoryMebibytes(29)).toBe(574);
  });

  it('parses quantities', () => {
    expect(cpuMillicores('1500m')).toBe(1500);
    expect(cpuMillicores('1.5')).toBe(1500);
    expect(cpuMillicores(2)).toBe(2000);
    expect(memoryMebibytes('1Gi')).toBe(1024);
    expect(memoryMebibytes('512Mi')).toBe(512);
    expect(memoryMebibytes('1G')).toBeCloseTo(953.67, 2);
    expect(() => cpuMillicores('lots', 'requests.cpu')).toThrow(/requests\.cpu/);
  });
});

describe('podFits', () => {
  it('seed case: 1500m fits a 2-vCPU node, 2000m does not', () => {
    const [fits] = podFits({ requests: { cpu: '1500m' }, instanceTypes: [t3Large] });
    expect(fits?.fits).toBe(true);
    expect(fits?.allocatable.cpuMillicores).toBe(1930);
    const [no] = podFits({ requests: { cpu: '2000m' }, instanceTypes: [t3Large] });
    expect(no?.fits).toBe(false);
    expect(no?.reasons[0]).toMatch(
      /Insufficient cpu: requests 2000m, 1930m left \(2000m - 70m kube-reserved/,
    );
  });

  it('subtracts DaemonSet overhead and memory reservation with numbers (EC2 memory figure as is)', () => {
    const [r] = podFits({
      requests: { cpu: '500m', memory: '6Gi' },
      instanceTypes: [t3Large],
      daemonSetOverhead: { cpu: '150m', memory: '300Mi' },
      vmMemoryOverheadPercent: 0,
    });
    // maxPods 3 x 11 + 2 = 35; reserved 255 + 385 = 640; allocatable 8192 - 640 - 100 = 7452; minus 300 = 7152
    expect(r?.maxPods).toBe(35);
    expect(r?.kubeReserved.memoryMiB).toBe(640);
    expect(r?.allocatable.memoryMiB).toBe(7452);
    expect(r?.available).toEqual({ cpuMillicores: 1780, memoryMiB: 7152 });
    expect(r?.fits).toBe(true);
    const [big] = podFits({
      requests: { memory: '7200Mi' },
      instanceTypes: [t3Large],
      daemonSetOverhead: { memory: '300Mi' },
      vmMemoryOverheadPercent: 0,
    });
    expect(big?.fits).toBe(false);
    expect(big?.reasons[0]).toMatch(/Insufficient memory: requests 7200Mi, 7152Mi left/);
  });

  it("takes 7.5% of EC2's memory figure off by default (the node gets less than EC2 says; Karpenter's vmMemoryOverheadPercent)", () => {
    // 8192 - 614.4 = 7577.6 capacity; - 640 kube-reserved - 100 eviction = 6837.6 allocatable
    const [r] = podFits({ requests: { memory: '7000Mi' }, instanceTypes: [t3Large] });
    expect(r).toMatchObject({
      ec2MemoryMiB: 8192,
      vmMemoryOverheadMiB: 614.4,
      capacity: { memoryMiB: 7577.6 },
      allocatable: { memoryMiB: 6837.6 },
      fits: false,
    });
    expect(r?.reasons[0]).toBe(
      'Insufficient memory: requests 7000Mi, 6837.6Mi left (8192Mi - 614.4Mi VM overhead - 640Mi kube-reserved - 100Mi eviction - 0Mi DaemonSets)',
    );
    // the same pod on EC2's figure as is would be promised a fit
    expect(
      podFits({ requests: { memory: '7000Mi' }, instanceTypes: [t3Large], vmMemoryOverheadPercent: 0 })[0]
        ?.fits,
    ).toBe(true);
    expect(() => podFits({ requests: {}, instanceTypes: [t3Large], vmMemoryOverheadPercent: 7.5 })).toThrow(
      /^vmMemoryOverheadPercent:/,
    );
  });

  it('answers per instance type', () => {
    const results = podFits({ requests: { cpu: '3' }, instanceTypes: [t3Large, m5XLarge] });
    expect(results.map((r) => [r.instanceType, r.fits])).toEqual([
      ['t3.large', false],
      ['m5.xlarge', true],
    ]);
  });

  it('refuses bad input naming the field', () => {
    expect(() => podFits({ requests: { cpu: 'x' }, instanceTypes: [t3Large] })).toThrow(/requests\.cpu/);
    expect(() => podFits({ requests: {}, instanceTypes: [] })).toThrow(/instanceTypes/);
    expect(() =>
      podFits({ requests: {}, instanceTypes: [{ instanceType: 'x', vCpus: 0, memoryMiB: 1 }] }),
    ).toThrow(/instanceTypes\[0\]\.vCpus/);
  });
});
