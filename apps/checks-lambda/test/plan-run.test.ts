/**
 * planRun (issue 21): the decision, before the first check, whether one invocation can finish the targets,
 * and the batches when it cannot. Pure: no AWS, no clock.
 */
import { describe, expect, it } from 'vitest';
import { type AssumeRoleTarget, type OrganizationSource, planRun } from '../src/index.js';

const org = (over: Partial<OrganizationSource> = {}): OrganizationSource => ({
  parentIds: [],
  roleName: 'eks-kit-checks',
  regions: [],
  assumeRolePerSecond: 10,
  secondsPerTarget: 30,
  batchConcurrency: 4,
  ...over,
});

/** `accounts` accounts x `regions` regions; every 50th account suspended. */
function targets(accounts: number, regions: string[]): AssumeRoleTarget[] {
  return Array.from({ length: accounts }, (_, i) => String(400000000000 + i)).flatMap((id, i) =>
    regions.map((region) => ({
      label: `${id}@${region}`,
      roleArn: `arn:aws:iam::${id}:role/eks-kit-checks`,
      region,
      accountId: id,
      ...(i % 50 === 0 ? { skip: 'account is SUSPENDED' } : {}),
    })),
  );
}

describe('planRun', () => {
  it('keeps a run that fits in one invocation, with every target', () => {
    const all = targets(20, ['eu-west-1']);
    const plan = planRun(all, { targetConcurrency: 4, organization: org() }, 890);
    expect(plan.fits).toBe(true);
    // 19 live targets, 4 at a time, 30 s each: 5 rounds.
    expect(plan.estimateSeconds).toBe(150);
    expect(plan.batches).toEqual([{ targets: all }]);
    expect(plan.message).toContain('one invocation');
  });

  it('splits a run that does not fit into batches that each fit, every target once, an account in one batch', () => {
    const all = targets(1000, ['eu-west-1', 'us-east-1']);
    const config = { targetConcurrency: 16, organization: org() };
    const plan = planRun(all, config, 890);
    expect(plan.fits).toBe(false);
    expect(plan.estimateSeconds).toBeGreaterThan(890);
    expect(plan.accounts).toBe(980);
    expect(plan.assumeRoleFloorSeconds).toBe(98);
    const labels = plan.batches.flatMap((b) => b.targets.map((t) => t.label));
    expect(labels).toHaveLength(2000);
    expect(new Set(labels).size).toBe(2000);
    for (const batch of plan.batches) {
      const live = batch.targets.filter((t) => !t.skip);
      // Each batch, planned on its own at its share of the AssumeRole rate, fits.
      const again = planRun(live, { ...config, organization: org({ assumeRolePerSecond: 10 / 4 }) }, 890);
      expect(again.fits).toBe(true);
      const perAccount = new Map<string, number>();
      for (const t of live) perAccount.set(t.roleArn, (perAccount.get(t.roleArn) ?? 0) + 1);
      expect([...perAccount.values()].every((n) => n === 2)).toBe(true);
    }
    // An account never straddles two batches.
    const owners = new Map<string, number>();
    plan.batches.forEach((b, i) => {
      for (const t of b.targets) {
        expect(owners.get(t.roleArn) ?? i).toBe(i);
        owners.set(t.roleArn, i);
      }
    });
  });

  it('counts the AssumeRole quota: many accounts at a low rate do not fit even when the checks would', () => {
    const all = targets(500, ['eu-west-1']);
    const plan = planRun(
      all,
      { targetConcurrency: 16, organization: org({ secondsPerTarget: 1, assumeRolePerSecond: 1 }) },
      290,
    );
    // 490 live accounts at 1 AssumeRole a second: 490 s, more than 290 s; the checks alone take 31 s.
    expect(plan.estimateSeconds).toBe(490);
    expect(plan.fits).toBe(false);
    expect(plan.batches.length).toBeGreaterThan(1);
  });

  it('says which target no split can fit, its estimate and the budget, not an impossible split (issue 21 trial)', () => {
    const all = targets(8, ['eu-west-1']);
    const plan = planRun(
      all,
      { targetConcurrency: 16, organization: org({ secondsPerTarget: 100, secondsPerTargetSet: true }) },
      5,
    );
    expect(plan.fits).toBe(false);
    // Before: "split into 7 invocations of at most 5 s each" although each target is planned at 100 s.
    expect(plan.message).not.toMatch(/split into/);
    expect(plan.tooLongAlone).toEqual({ target: '400000000001@eu-west-1', targets: 1, estimateSeconds: 100 });
    expect(plan.message).toContain(
      'no split fits: target 400000000001@eu-west-1 is planned at 100 s on its own, more than the 5 s an invocation has for its checks',
    );
    expect(plan.message).toMatch(
      /raise the function's timeout \(at most 900 s\), or set EKS_KIT_SECONDS_PER_TARGET/,
    );
    expect(plan.message).toContain('(EKS_KIT_SECONDS_PER_TARGET)');
  });

  it('names an account whose regions together exceed the budget, though each target alone would fit', () => {
    const all = targets(3, ['eu-west-1', 'us-east-1', 'ap-northeast-1']);
    const plan = planRun(all, { targetConcurrency: 1, organization: org() }, 80);
    // 3 regions of one account, one at a time, at 30 s: 90 s > 80 s; one target (30 s) would fit.
    expect(plan.tooLongAlone).toEqual({ target: '400000000001@eu-west-1', targets: 3, estimateSeconds: 90 });
    expect(plan.message).toContain(
      'the 3 targets of the account of 400000000001@eu-west-1 (one AssumeRole, checked together) are planned at 90 s together',
    );
    // A split that fits says nothing of the kind.
    expect(planRun(all, { targetConcurrency: 1, organization: org() }, 100).tooLongAlone).toBeUndefined();
  });
});
