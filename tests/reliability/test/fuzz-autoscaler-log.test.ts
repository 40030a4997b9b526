import { readAutoscalerLog } from '@eks-kit/asg-discovery';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// issue 19: the reader's promise holds for the new line shapes too: garbage never throws, and every
// line is either blank, parsed, or counted as malformed. Fragments of the new shapes are mixed with
// arbitrary text so the regexes of logs/more-events.ts see near-misses, not just noise.
const FRAGMENTS = [
  'Fast evaluation: node ',
  ' cannot be removed: ',
  'non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: ',
  'pod with local storage present: ',
  'pod annotated as not safe to evict present: ',
  'not enough pod disruption budget to move ',
  ' is not replicated',
  ' is not suitable for removal: failed to find place for ',
  'nodes template-node-for-',
  ' are not similar, labels do not match',
  'Skipping node group ',
  ' - max size reached',
  'Instance group ',
  ' cannot provision any more nodes!',
  'Failed adding 3 nodes (3 unseen previously) to group ',
  ' due to OutOfResource.placeholder-cannot-be-fulfilled',
  'Disabling scale-up for node group ',
  '; errorClass=OutOfResource; errorCode=',
  'instance i-placeholder-',
  ' is detected as a placeholder',
  'InsufficientInstanceCapacity',
  'UnfulfillableCapacity',
  'NoCredentialProviders: no valid providers in chain',
  '"',
  '\\',
  ' ',
];
const KLOG = 'I1126 07:00:01.450000       1 x.go:1] ';

const message = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 })), { maxLength: 8 })
  .map((parts) => parts.join(''));
const line = fc.oneof(
  message.map((m) => `${KLOG}${m}`),
  message.map((m) => JSON.stringify({ ts: 1795676401300, msg: m, v: 0 })),
  message.map((m) => `{"ts":1795676401300,"msg":${JSON.stringify(m)}`), // cut JSON
  message,
);

describe('readAutoscalerLog fuzz over the issue-19 line shapes', () => {
  it('never throws; blank + parsed + malformed = lines; every event has its line number', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 20 }), async (lines) => {
        const input = lines.map((l) => l.replace(/\n/g, ' ')).join('\n');
        const events: number[] = [];
        const report = await readAutoscalerLog(input, { year: 2026, onEvent: (e) => events.push(e.line) });
        // The reader splits text on newlines and drops one trailing empty line (a final newline).
        const split = input.split('\n');
        if (split[split.length - 1] === '') split.pop();
        const blank = split.filter((l) => l.trim() === '').length;
        expect(report.stats.parsed + report.stats.malformed + blank).toBe(report.stats.lines);
        expect(events).toEqual(report.events.map((e) => e.line));
        for (const d of report.diagnoses) expect(d.count).toBeGreaterThan(0);
      }),
      { numRuns: 300, seed: 19 },
    );
  });
});
