import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAutoscalerLogReader, parseGoDuration, readAutoscalerLog } from '../src/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('readAutoscalerLog, klog text', () => {
  it('reads a scale-up and two scale-downs with their timing', async () => {
    const report = await readAutoscalerLog(readFileSync(fixture('scale-up-down.klog.log'), 'utf8'), {
      year: 2026,
    });
    expect(report.summary.unschedulablePods).toEqual([
      'default/web-7c9f8d6b5-x2k4p',
      'default/web-7c9f8d6b5-q8r2t',
    ]);
    expect(report.summary.scaleUps).toHaveLength(1);
    const up = report.summary.scaleUps[0]!;
    expect(up).toMatchObject({
      group: 'eks-workers-2a-3cc5f1a2',
      from: 4,
      to: 5,
      max: 8,
      status: 'finished',
    });
    expect(up.reportedSeconds).toBe(120.79);
    expect(up.secondsToFinish).toBe(120.79); // 07:00:01.450 -> 07:02:02.240
    expect(new Date(up.plannedAtMs).toISOString()).toBe('2026-11-26T07:00:01.450Z');
    expect(report.summary.scaleDowns).toEqual([
      expect.objectContaining({
        node: 'ip-10-0-12-7.ap-northeast-1.compute.internal',
        empty: true,
        unneededSeconds: 600.017896,
      }),
      expect.objectContaining({
        node: 'ip-10-0-13-9.ap-northeast-1.compute.internal',
        empty: false,
        unneededSeconds: 599.9 + 0,
      }),
    ]);
    // auto_scaling_groups.go logs the activity description: `Terminating EC2 instance: <id>` (no group)
    expect(report.summary.terminatedInstances).toEqual([{ instanceId: 'i-0a1b2c3d4e5f67890', line: 12 }]);
    expect(report.diagnoses).toEqual([]);
  });

  it('skips and counts malformed lines, never fatal', async () => {
    const report = await readAutoscalerLog(readFileSync(fixture('scale-up-down.klog.log'), 'utf8'));
    expect(report.stats).toMatchObject({ lines: 15, malformed: 2, malformedLines: [8, 15], format: 'klog' });
  });

  it('diagnoses each failure line of docs/AWS-FACTS.md#autoscaler-log-lines with a fix', async () => {
    const report = await readAutoscalerLog(createReadStream(fixture('failures.klog.log')));
    const codes = report.diagnoses.map((d) => [d.code, d.subject, d.count]);
    expect(codes).toEqual([
      ['insufficient-resource', 'cpu', 1],
      ['max-size-reached', undefined, 2],
      ['access-denied', 'autoscaling:SetDesiredCapacity', 2],
      ['backoff', 'eks-workers-2c-9aa1', 1],
      ['web-identity', undefined, 1],
      ['ec2-permission', 'ec2:DescribeInstanceTypes', 1],
    ]);
    for (const d of report.diagnoses) expect(d.fix.length).toBeGreaterThan(20);
    expect(report.diagnoses[2]?.fix).toMatch(/enabled=true/);
    // Fixes name the CLI command first (issue 9: "podFits shows..." meant nothing to a CLI user).
    expect(report.diagnoses[0]?.fix).toContain('eks-kit autoscaler fit');
    expect(report.diagnoses[1]?.fix).toContain('eks-kit autoscaler verify');
    const noScaleUp = report.events.find((e) => e.type === 'no-scale-up');
    expect(noScaleUp).toMatchObject({
      pod: 'batch/train-0',
      reasons: [{ count: 1, reason: 'Insufficient cpu' }],
    });
    expect(report.summary.scaleUps.map((s) => [s.group, s.from, s.to, s.max, s.status])).toEqual([
      ['eks-workers-2c-9aa1', 1, 2, 3, 'planned'],
      ['eks-spot-2c-77b0', 0, 1, 10, 'planned'],
    ]);
    // the two continuation lines of the multi-line WebIdentityErr are not klog lines
    expect(report.stats.malformed).toBe(2);
  });
});

describe('readAutoscalerLog, --logging-format=json', () => {
  it('reads events with their own timestamps and the err field', async () => {
    const report = await readAutoscalerLog(readFileSync(fixture('scale-up.json.log'), 'utf8'));
    expect(report.stats).toMatchObject({ format: 'json', malformed: 2, parsed: 6 });
    const up = report.summary.scaleUps[0]!;
    expect(up).toMatchObject({
      group: 'eks-workers-2a-3cc5f1a2',
      from: 4,
      to: 5,
      max: 8,
      status: 'finished',
    });
    expect(up.secondsToFinish).toBeCloseTo(120.79, 2);
    expect(new Date(up.plannedAtMs).getUTCFullYear()).toBe(2026);
    expect(report.diagnoses.map((d) => [d.code, d.subject])).toEqual([
      ['access-denied', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
    ]);
    const error = report.events.find((e) => e.type === 'error');
    expect(error?.level).toBe('E');
  });

  it('reads an async iterable of lines', async () => {
    async function* lines(): AsyncGenerator<string> {
      yield '{"ts":1795676401450.5,"msg":"Scale-up: setting group ng size to 3","v":0}';
      yield 'I1126 07:00:01.450200       1 executor.go:147] Scale-up: setting group ng size to 4';
    }
    const report = await readAutoscalerLog(lines());
    expect(report.events.map((e) => (e.type === 'size-set' ? e.size : 0))).toEqual([3, 4]);
    expect(report.stats.format).toBe('mixed');
  });

  it('has an incremental reader and refuses bad input', async () => {
    const reader = createAutoscalerLogReader();
    reader.push('');
    expect(reader.report().stats).toMatchObject({ lines: 1, parsed: 0, malformed: 0, format: 'empty' });
    await expect(readAutoscalerLog(42 as never)).rejects.toThrow(/^input:/);
  });
});

describe('readAutoscalerLog, format details (kubernetes.io "System Logs")', () => {
  it('unquotes structured klog messages and keeps their key/value pairs', async () => {
    const report = await readAutoscalerLog(
      'I1126 07:00:01.450200       1 executor.go:147] "Scale-up: setting group ng-a size to 3" group="ng-a"\n',
    );
    expect(report.events[0]).toMatchObject({ type: 'size-set', group: 'ng-a', size: 3 });
  });

  it('treats a JSON line without v as an error line', async () => {
    const report = await readAutoscalerLog(
      '{"ts":1795676401450.5,"caller":"x.go:1","msg":"Failed to refresh cache"}\n',
    );
    expect(report.events[0]).toMatchObject({
      type: 'error',
      kind: 'other',
      level: 'E',
      message: 'Failed to refresh cache',
    });
    expect(report.diagnoses[0]?.code).toBe('error');
  });

  it('reads the structured scale-up plan of newer releases (scaleUpInfos, text and JSON)', async () => {
    const report = await readAutoscalerLog(
      [
        'I1126 09:00:01.000000       1 orchestrator.go:560] "Final scale-up plan" scaleUpInfos="[{pool-a 0->1 (max: 2)} {pool-b 0->1 (max: 2)}]"',
        '{"ts":1795683700000,"caller":"orchestrator/orchestrator.go:560","msg":"Final scale-up plan","scaleUpInfos":[{"nodeGroupId":"pool-c","currentSize":3,"newSize":5,"maxSize":9}],"v":1}',
      ].join('\n'),
      { year: 2026 },
    );
    expect(report.summary.scaleUps.map((s) => [s.group, s.from, s.to, s.max])).toEqual([
      ['pool-a', 0, 1, 2],
      ['pool-b', 0, 1, 2],
      ['pool-c', 3, 5, 9],
    ]);
  });

  it('moves klog lines to the next year across New Year (klog has no year)', async () => {
    const report = await readAutoscalerLog(
      [
        'I1231 23:59:30.000000       1 orchestrator.go:565] Final scale-up plan: [{ng 1->2 (max: 3)}]',
        'I0101 00:01:30.500000       1 clusterstate.go:252] Scale up in group ng finished successfully in 2m0.5s',
      ].join('\n'),
      { year: 2026 },
    );
    const [up] = report.summary.scaleUps;
    expect(up?.secondsToFinish).toBe(120.5);
    expect(new Date(up?.finishedAtMs ?? 0).toISOString()).toBe('2027-01-01T00:01:30.500Z');
  });

  it('reads JSON timestamps in seconds (older releases) and milliseconds', async () => {
    const report = await readAutoscalerLog(
      [
        '{"ts":1795676401.45,"msg":"Final scale-up plan: [{ng 1->2 (max: 3)}]","v":0}',
        '{"ts":1795676461450,"msg":"Scale up in group ng finished successfully in 1m0s","v":0}',
      ].join('\n'),
    );
    expect(report.summary.scaleUps[0]?.secondsToFinish).toBe(60);
  });
});

describe('readAutoscalerLog, line shapes from the sources (client-go event logging, AWS provider)', () => {
  it('reads NotTriggerScaleUp events logged as "Event occurred" (klog text and JSON)', async () => {
    const report = await readAutoscalerLog(readFileSync(fixture('structured-events.log'), 'utf8'), {
      year: 2026,
    });
    const noScaleUps = report.events.filter((e) => e.type === 'no-scale-up');
    expect(noScaleUps).toEqual([
      expect.objectContaining({
        pod: 'batch/train-1',
        reasons: [
          { count: 2, reason: 'Insufficient memory' },
          { count: 1, reason: 'max node group size reached' },
        ],
      }),
      expect.objectContaining({ pod: 'batch/train-2', reasons: [{ count: 1, reason: 'Insufficient cpu' }] }),
    ]);
    expect(report.diagnoses.map((d) => [d.code, d.subject])).toEqual([
      ['insufficient-resource', 'memory'],
      ['max-size-reached', undefined],
      ['insufficient-resource', 'cpu'],
      ['scale-up-timeout', 'eks-gpu-2a'],
    ]);
    expect(report.diagnoses[3]?.fix).toMatch(/describe-scaling-activities/);
  });

  it("takes the AWS provider's `Setting asg` line as the size set, and `Terminating EC2 instance` as a termination", async () => {
    const report = await readAutoscalerLog(readFileSync(fixture('structured-events.log'), 'utf8'), {
      year: 2026,
    });
    expect(report.summary.scaleUps).toEqual([
      expect.objectContaining({ group: 'eks-gpu-2a', from: 0, to: 1, max: 4, status: 'size-set' }),
    ]);
    expect(report.summary.terminatedInstances).toEqual([{ instanceId: 'i-0fedcba9876543210', line: 6 }]);
    expect(report.stats).toMatchObject({ malformed: 0, format: 'mixed' });
  });
});

describe('parseGoDuration', () => {
  it('parses Go durations', () => {
    expect(parseGoDuration('2m0.79s')).toBe(120.79);
    expect(parseGoDuration('1h2m3s')).toBe(3723);
    expect(parseGoDuration('350ms')).toBe(0.35);
    expect(parseGoDuration('soon')).toBeUndefined();
  });
});
