/**
 * `eks-kit destroy --all-regions` / `--regions a,b` (issue 21): a certificate the stack made in a region
 * the file no longer names is found and deleted only when asked; without the flags destroy says where it
 * looked and how to look everywhere; a region that cannot be searched is named and exits 1; a bad
 * `--regions` exits 64 before any AWS call.
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import { describe, expect, it } from 'vitest';
import {
  certificatesFor,
  oneLine,
  runCli,
  SEED_STACK,
  seedWith,
  seedWorld,
  tempDir,
  useSeedEmulator,
  writeIn,
} from './helpers.js';

let emu: Emulator;
useSeedEmulator(
  (e) => {
    emu = e;
  },
  { resetEach: true },
);
const withEndpoint = (...args: string[]) => [...args, '--endpoint-url', emu.url];
const EXTRA = 'bar.foo.example.com';
const mutating = () => emu.calls({ mutating: true }).map((c) => `${c.service}:${c.operation}`);

describe('eks-kit destroy across regions (built CLI against the emulator)', () => {
  it('keeps a certificate left in eu-west-1 without the flag (saying where it looked), deletes it with --all-regions, once', async () => {
    const before = writeIn(
      tempDir(),
      'eks-kit.yaml',
      seedWith('certificates:\n', `certificates:\n  - domainName: ${EXTRA}\n    region: eu-west-1\n`),
    );
    expect((await runCli(withEndpoint('apply', '-f', before, '--yes', '--no-wait'))).code).toBe(0);
    // The entry is gone from the file (the seed file), applied without --prune: the certificate stays.
    expect((await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes', '--no-wait'))).code).toBe(0);

    const plain = await runCli(withEndpoint('destroy', '-f', SEED_STACK, '--yes'));
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain(
      'Certificates looked for in ap-northeast-1; a certificate the stack made in another region is not seen: eks-kit destroy --all-regions looks in every region enabled for the account.',
    );
    expect(certificatesFor(emu, EXTRA)).toHaveLength(1);

    emu.resetCalls();
    const nothing = await runCli(withEndpoint('destroy', '-f', SEED_STACK, '--yes'));
    expect(nothing.stdout.trim()).toBe(
      'Nothing to destroy: no resource of stack seed found (certificates looked for in ap-northeast-1; a certificate the stack made in another region is not seen: eks-kit destroy --all-regions looks in every region enabled for the account).',
    );
    expect(mutating()).toEqual([]);

    const all = await runCli(withEndpoint('destroy', '-f', SEED_STACK, '--yes', '--all-regions', '--json'));
    expect(all.code).toBe(0);
    const out = JSON.parse(all.stdout) as {
      deleted: string[];
      certificateRegions: string[];
      failedRegions: unknown[];
    };
    expect(out.deleted).toEqual([
      expect.stringMatching(/^acm certificate bar\.foo\.example\.com \(arn:aws:acm:eu-west-1:/),
    ]);
    expect(out.certificateRegions).toContain('eu-west-1');
    expect(out.failedRegions).toEqual([]);
    expect(certificatesFor(emu, EXTRA)).toEqual([]);

    emu.resetCalls();
    const again = await runCli(withEndpoint('destroy', '-f', SEED_STACK, '--yes', '--all-regions'));
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toMatch(
      /^Nothing to destroy: no resource of stack seed found \(certificates looked for in ap-northeast-1, .*, us-west-2\)\.$/,
    );
    expect(mutating()).toEqual([]);
  });

  it('a region that cannot be searched (a disabled opt-in region) is named on stderr, exit 1', async () => {
    const run = await runCli(withEndpoint('destroy', '-f', SEED_STACK, '--yes', '--regions', 'af-south-1'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'could not look for certificates in af-south-1: acm:ListCertificates on af-south-1 failed: UnrecognizedClientException',
    );
    // Only where it did look: the region that failed is named on stderr, not among those.
    expect(run.stdout).toContain('certificates looked for in ap-northeast-1');
    expect(run.stdout).not.toContain('af-south-1, ap-northeast-1');
  });

  it.each([
    ['eu-wst-1', 'did you mean eu-west-1?'],
    ['eu-west-1,,us-east-1', 'a comma-separated list of AWS regions'],
    ['tokyo', 'an AWS region such as eu-west-1'],
    // Another partition than the cluster's: AWS would refuse the credentials there.
    ['cn-north-1', "a region of the cluster's partition (aws)"],
  ])('--regions %s: exit 64, one line naming --regions, no AWS call', async (value, expected) => {
    emu.resetCalls();
    const run = await runCli(withEndpoint('destroy', '-f', SEED_STACK, '--yes', '--regions', value));
    expect(run.code).toBe(64);
    oneLine(run.stderr);
    expect(run.stderr).toContain('--regions');
    expect(run.stderr).toContain(expected);
    expect(emu.calls({})).toEqual([]);
  });

  it.each(['destroy', 'plan', 'apply', 'check'])(
    '%s --regions with --all-regions: exit 64, one line naming both, no AWS call',
    async (command) => {
      emu.resetCalls();
      const run = await runCli(
        withEndpoint(
          command,
          '-f',
          SEED_STACK,
          ...(command === 'destroy' || command === 'apply' ? ['--yes'] : []),
          '--all-regions',
          '--regions',
          'eu-west-1',
        ),
      );
      expect(run.code).toBe(64);
      oneLine(run.stderr);
      expect(run.stderr).toContain('--regions');
      expect(run.stderr).toContain('either --regions or --all-regions, not both');
      expect(emu.calls({})).toEqual([]);
    },
  );

  it('a region an SCP denies: the validation CNAME is kept, named with its zone and the command that deletes it (text and --json), exit 1', async () => {
    emu.seed({ ...seedWorld(), regions: { deniedByScp: ['eu-west-3'] } });
    expect((await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes', '--no-wait'))).code).toBe(0);
    const plan = await runCli(withEndpoint('destroy', '-f', SEED_STACK, '--yes', '--json'));
    expect(plan.code).toBe(1);
    const out = JSON.parse(plan.stdout) as {
      kept: Array<{ resource: string; reason: string; hint?: string; record?: Record<string, string> }>;
    };
    const records = out.kept.filter((k) => k.record !== undefined);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      reason: expect.stringMatching(/^the certificates of eu-west-3 .* could not be listed/),
      record: {
        name: expect.stringMatching(/foo\.example\.com$/),
        type: 'CNAME',
        value: expect.stringMatching(/\.acm-validations\.aws$/),
        zoneId: expect.any(String),
        command: expect.stringMatching(/^aws route53 change-resource-record-sets --hosted-zone-id /),
      },
    });
    expect(records[0]?.hint).toBe(`once you have checked, delete it with: ${records[0]?.record?.command}`);
  });

  it('a region an SCP denies, as text: the kept record and its command on stderr', async () => {
    emu.seed({ ...seedWorld(), regions: { deniedByScp: ['eu-west-3'] } });
    expect((await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes', '--no-wait'))).code).toBe(0);
    const run = await runCli(withEndpoint('destroy', '-f', SEED_STACK, '--yes'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^kept route53 record \S+foo\.example\.com CNAME \S+\.acm-validations\.aws in zone \S+: the certificates of eu-west-3 .* \(once you have checked, delete it with: aws route53 change-resource-record-sets --hosted-zone-id \S+ --change-batch '.*'\)$/m,
    );
  });
});
