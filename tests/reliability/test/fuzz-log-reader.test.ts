/**
 * Fuzz (issue 15): the autoscaler log reader never throws, whatever the lines (arbitrary text, JSON
 * of any shape and depth, klog-looking lines with garbage, byte streams cut anywhere), and its counts
 * stay consistent. Fixed seed; EKS_KIT_FUZZ_RUNS raises the runs.
 */
import { Readable } from 'node:stream';
import { readAutoscalerLog } from '@eks-kit/asg-discovery';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_SEED, fuzzRuns, fuzzTimeout } from './support/fuzz-settings.js';

const RUNS = 200;

const KLOG_PREFIX = fc
  .tuple(fc.constantFrom('I', 'W', 'E', 'F', 'X'), fc.integer({ min: 0, max: 1399 }), fc.nat(999_999))
  .map(([level, mmdd, frac]) => `${level}${String(mmdd).padStart(4, '0')} 07:00:00.${frac}       1 x.go:1] `);

const MESSAGES = [
  'Scale-up: setting group ng size to 5',
  'Final scale-up plan: [{ng 1->2 (max: 3)}]',
  'Pod default/web is unschedulable',
  '"Event occurred" object="default/web" reason="NotTriggerScaleUp" message="x"',
  'Scale-down: removing empty node "ip-10-0-0-1"',
  'Terminating EC2 instance: i-0123456789abcdef0',
];

const line = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc
    .tuple(KLOG_PREFIX, fc.oneof(fc.constantFrom(...MESSAGES), fc.string({ maxLength: 200 })))
    .map(([p, m]) => p + m),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc
    .tuple(
      fc.oneof(fc.double(), fc.string()),
      fc.string(),
      fc.jsonValue({ maxDepth: 4 }),
      fc.option(fc.constant(0)),
    )
    .map(([ts, msg, extra, v]) => JSON.stringify({ ts, msg, extra, ...(v === null ? {} : { v }) })),
  fc.nat(50_000).map((n) => `{"ts":1764140462123,"msg":"x","deep":${'['.repeat(n)}${']'.repeat(n)}}`),
);

function consistent(report: Awaited<ReturnType<typeof readAutoscalerLog>>): void {
  const { stats } = report;
  expect(stats.parsed + stats.malformed).toBeLessThanOrEqual(stats.lines);
  expect(stats.oversized).toBeLessThanOrEqual(stats.malformed);
  expect(stats.malformedLines.length).toBeLessThanOrEqual(Math.min(20, stats.malformed));
}

describe('fuzz: the log reader never throws', () => {
  it(
    'lines given as one string',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(line, { maxLength: 30 }), async (lines) => {
          consistent(await readAutoscalerLog(lines.join('\n'), { year: 2026 }));
        }),
        { seed: FUZZ_SEED, numRuns: fuzzRuns(RUNS) },
      );
    },
    fuzzTimeout(RUNS),
  );

  it(
    'bytes as a stream, cut into chunks anywhere (inside UTF-8 sequences and CRLF too)',
    async () => {
      const chunks = fc.array(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          line.map((l) => Buffer.from(`${l}\n`)),
        ),
        {
          maxLength: 30,
        },
      );
      await fc.assert(
        fc.asyncProperty(chunks, fc.array(fc.nat(), { maxLength: 10 }), async (parts, cuts) => {
          const all = Buffer.concat(parts.map((p) => Buffer.from(p)));
          const points = [...new Set(cuts.map((c) => (all.length ? c % all.length : 0)))].sort(
            (a, b) => a - b,
          );
          const pieces: Buffer[] = [];
          let from = 0;
          for (const at of points) {
            pieces.push(all.subarray(from, at));
            from = at;
          }
          pieces.push(all.subarray(from));
          const fromStream = await readAutoscalerLog(Readable.from(pieces.filter((p) => p.length > 0)));
          consistent(fromStream);
        }),
        { seed: FUZZ_SEED, numRuns: fuzzRuns(RUNS) },
      );
    },
    fuzzTimeout(RUNS),
  );
});
