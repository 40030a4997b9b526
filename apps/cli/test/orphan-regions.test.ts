/**
 * `eks-kit plan | apply --prune | check` with `--all-regions` / `--regions a,b` (issue 21): a
 * certificate moved to another region in the file is an orphan (`-`) only with a flag, deleted by
 * `apply --prune --all-regions`; a region that cannot be searched is a warning (no exit code of its
 * own); a bad `--regions` exits 64 before any AWS call.
 */
import { describe, expect, it } from 'vitest';
import {
  certificatesFor,
  oneLine,
  runCli,
  seedWith,
  tempDir,
  useResetSeedEmulator,
  writeIn,
} from './helpers.js';

const seed = useResetSeedEmulator();
const { withEndpoint } = seed;
const EXTRA = 'bar.foo.example.com';
const mutating = () =>
  seed
    .emu()
    .calls({ mutating: true })
    .map((c) => `${c.service}:${c.operation}`);
const regionsOf = (domainName: string) =>
  (certificatesFor(seed.emu(), domainName) as Array<{ region: string }>).map((c) => c.region).sort();
const withBarIn = (region: string) =>
  writeIn(
    tempDir(),
    'eks-kit.yaml',
    seedWith('certificates:\n', `certificates:\n  - domainName: ${EXTRA}\n    region: ${region}\n`),
  );
type Plan = {
  changes: Array<{ action: string; resource: string }>;
  orphans: Array<{ resource: string; reason: string }>;
  findings: Array<{ check: string; status: string; resource: string }>;
};
const orphanCertificates = (plan: Plan) =>
  plan.changes.filter(
    (c) => c.action === 'delete' && /^acm certificate .*arn:aws:acm:eu-west-1:/.test(c.resource),
  );

describe('eks-kit plan, apply and check across regions (built CLI against the emulator)', () => {
  it('plan shows a certificate moved to another region as `-` only with --all-regions; apply --prune --all-regions deletes it', async () => {
    const before = withBarIn('eu-west-1');
    const moved = withBarIn('us-east-1');
    expect((await runCli(withEndpoint('apply', '-f', before, '--yes', '--no-wait'))).code).toBe(0);
    // Moved in the file, applied without --prune: the eu-west-1 certificate stays, unseen.
    const kept = await runCli(withEndpoint('apply', '-f', moved, '--yes', '--no-wait'));
    expect(kept.code).toBe(0);
    expect(regionsOf(EXTRA)).toEqual(['eu-west-1', 'us-east-1']);

    const plain = await runCli(withEndpoint('plan', '-f', moved, '--detailed-exitcode', '--json'));
    expect(plain.code).toBe(0);
    expect(orphanCertificates(JSON.parse(plain.stdout) as Plan)).toEqual([]);

    // Found with --all-regions; apply leaves it without --prune, so plan lists it apart: no change.
    const all = await runCli(
      withEndpoint('plan', '-f', moved, '--detailed-exitcode', '--all-regions', '--json'),
    );
    expect(all.code).toBe(0);
    expect((JSON.parse(all.stdout) as Plan).orphans).toEqual([
      expect.objectContaining({ resource: expect.stringContaining('(arn:aws:acm:eu-west-1:') }),
    ]);
    // With --prune, as apply --prune --all-regions runs: its deletion is a change.
    const pruning = await runCli(
      withEndpoint('plan', '-f', moved, '--detailed-exitcode', '--prune', '--all-regions', '--json'),
    );
    expect(pruning.code).toBe(2); // changes: the orphan's deletion
    expect(orphanCertificates(JSON.parse(pruning.stdout) as Plan)).toEqual([
      expect.objectContaining({ resource: expect.stringContaining('arn:aws:acm:eu-west-1:') }),
    ]);
    const text = await runCli(withEndpoint('plan', '-f', moved, '--regions', 'eu-west-1'));
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      'Left (not in the file; `eks-kit apply --prune --regions eu-west-1` deletes them):',
    );
    expect(text.stdout).toMatch(/\n {2}acm certificate bar\.foo\.example\.com \(arn:aws:acm:eu-west-1:/);

    // apply --all-regions without --prune names it as left, with the command that deletes it.
    const left = await runCli(withEndpoint('apply', '-f', moved, '--yes', '--no-wait', '--all-regions'));
    expect(left.code).toBe(0);
    expect(left.stderr).toContain('eks-kit apply --prune --all-regions deletes them');
    expect(regionsOf(EXTRA)).toEqual(['eu-west-1', 'us-east-1']);

    const checked = await runCli(withEndpoint('check', '-f', moved, '--all-regions', '--json'));
    expect(checked.code).toBe(0); // a warning
    const findings = (JSON.parse(checked.stdout) as Plan).findings;
    expect(findings.filter((f) => f.check === 'stack.orphan')).toEqual([
      expect.objectContaining({
        status: 'warn',
        resource: expect.stringContaining('arn:aws:acm:eu-west-1:'),
      }),
    ]);

    seed.emu().resetCalls();
    const pruned = await runCli(
      withEndpoint('apply', '-f', moved, '--yes', '--no-wait', '--prune', '--all-regions'),
    );
    expect(pruned.code).toBe(0);
    expect(mutating()).toEqual(['acm:DeleteCertificate']);
    expect(regionsOf(EXTRA)).toEqual(['us-east-1']);
  });

  it('a region that cannot be searched is a warning: plan exits 0 (2 only for changes), apply says so on stderr', async () => {
    const plan = await runCli(
      withEndpoint('plan', '-f', withBarIn('us-east-1'), '--regions', 'af-south-1', '--json'),
    );
    const out = JSON.parse(plan.stdout) as Plan;
    expect(out.findings.filter((f) => f.check === 'stack.orphans.region')).toEqual([
      expect.objectContaining({ status: 'warn', resource: 'acm certificates of af-south-1' }),
    ]);
    expect(plan.code).toBe(0);

    const applied = await runCli(
      withEndpoint(
        'apply',
        '-f',
        withBarIn('us-east-1'),
        '--yes',
        '--no-wait',
        '--prune',
        '--regions',
        'af-south-1',
      ),
    );
    expect(applied.code).toBe(0);
    expect(applied.stderr).toContain(
      'warning: could not look for certificates of stack seed in af-south-1: acm:ListCertificates on af-south-1 failed: UnrecognizedClientException',
    );
  });

  it.each([
    ['plan', 'eu-wst-1', 'did you mean eu-west-1?'],
    ['apply', 'cn-north-1', "a region of the cluster's partition (aws)"],
    ['check', 'eu-west-1,,us-east-1', 'a comma-separated list of AWS regions'],
  ])('%s --regions %s: exit 64, one line naming --regions, no AWS call', async (command, value, expected) => {
    seed.emu().resetCalls();
    const extra = command === 'apply' ? ['--yes', '--prune'] : [];
    const run = await runCli(
      withEndpoint(command, '-f', withBarIn('us-east-1'), ...extra, '--regions', value),
    );
    expect(run.code).toBe(64);
    oneLine(run.stderr);
    expect(run.stderr).toContain('--regions');
    expect(run.stderr).toContain(expected);
    expect(seed.emu().calls({})).toEqual([]);
  });

  it('check --checker --all-regions: exit 64 before any AWS call', async () => {
    seed.emu().resetCalls();
    const run = await runCli(
      withEndpoint('check', '-f', withBarIn('us-east-1'), '--checker', '--all-regions'),
    );
    expect(run.code).toBe(64);
    oneLine(run.stderr);
    expect(run.stderr).toContain('--all-regions: expected to be given without --checker');
    expect(seed.emu().calls({})).toEqual([]);
  });
});
