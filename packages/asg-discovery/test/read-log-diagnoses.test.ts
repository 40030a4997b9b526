import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type AutoscalerEvent, groupOfTemplateNode, readAutoscalerLog } from '../src/index.js';

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');

/*
 * Sources of test/fixtures/diagnoses.klog.log, line by line (issue 19: "use real log lines, cite each
 * source"). The messages are as posted; the klog date prefixes were re-dated so that the lines read in
 * order within one year (the reader rolls the year over when a date jumps back), and redactions were
 * replaced by plausible names where the redaction broke the shape (`##` in a node name).
 *
 *  1-2  kubernetes/autoscaler#350 (cluster.go:89 "Fast evaluation: node ... cannot be removed:
 *       non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: ...")
 *  3    mysticaltech/terraform-hcloud-kube-hetzner#2187 ("Node ... cannot be removed: pod with local
 *       storage present: traefik-...", a 2026 release)
 *  4    message of kubernetes/autoscaler simulator/drainability/rules/notsafetoevict/rule.go
 *       (`pod annotated as not safe to evict present: %s`) in cluster.go's "Node %s cannot be removed: %s";
 *       node and pod names are ours (no posted instance found with the search tool)
 *  5    deckhouse/deckhouse#6098 ("node ... cannot be removed: not enough pod disruption budget to move
 *       default/nginx-...", also kubernetes/autoscaler#7907)
 *  6    kubernetes/autoscaler#1614 ("... cannot be removed: kube-system/kube-proxy-rbpck is not replicated";
 *       the issue redacts the node as ip-192-168-##-##)
 *  7    an EKS walkthrough in the code corpus; shape from kubernetes/autoscaler#53 ("is not suitable for
 *       removal: failed to find place for <pod key>")
 *  8    kubernetes/autoscaler#6954 (compare_nodegroups.go:157 "nodes template-node-for-... and ... are not
 *       similar, labels do not match", EKS, 1.28.5)
 *  9    kubernetes/autoscaler#1537 (scale_up.go:116 "Skipping node group nodes.XXXXXXXX - max size reached")
 * 10-13 kubernetes/autoscaler#5756 ("Instance group ... cannot provision any more nodes!", "Failed adding 68
 *       nodes ... due to OutOfResource.placeholder-cannot-be-fulfilled", "Disabling scale-up ...;
 *       errorClass=OutOfResource; errorCode=placeholder-cannot-be-fulfilled", "... not ready for scaleup - backoff")
 * 14    kubernetes/autoscaler#5829 (auto_scaling_groups.go:287 "instance i-placeholder-... is detected as a
 *       placeholder, decreasing ASG requested size instead of deleting instance"; posted without its klog prefix)
 * 15-18 kubernetes/autoscaler#6982 (aws_manager.go:128 "Failed to regenerate ASG cache: NoCredentialProviders:
 *       no valid providers in chain. Deprecated." with its continuation line, then the F line; also #5642, #3349)
 *
 * test/fixtures/diagnoses.json.log holds the same messages in `--logging-format=json` (component-base's
 * JSON: ts in ms, caller, msg, v; err for errors). Those lines are our re-encoding: upstream still logs
 * these messages printf-style (klog.Infof / fmt.Errorf in cluster.go and the drainability rules, through
 * 1.35), so there is no separate key=value "structured" form of them to read.
 */

describe('readAutoscalerLog: scale-down blockers, balancing, max size, credentials and capacity lines', () => {
  it('says why each node cannot be scaled down, with the fix', async () => {
    const report = await readAutoscalerLog(fixture('diagnoses.klog.log'), { year: 2026 });
    const blocked = report.events.filter((e) => e.type === 'scale-down-blocked');
    expect(blocked.map((e) => [e.line, e.node, e.reason, e.pod])).toEqual([
      [
        1,
        'ip-10-176-50-10.ec2.internal',
        'kube-system-pod-without-pdb',
        'nginx-internal-backend-2910303434-0rh7v',
      ],
      [
        2,
        'ip-10-176-51-149.ec2.internal',
        'kube-system-pod-without-pdb',
        'cluster-autoscaler-148424491-043dw',
      ],
      [3, 'hz-dev-apps-burst-6cdd1eeb4bf5b2a1', 'local-storage', 'traefik-b67d8d13f-9md5h'],
      [4, 'ip-10-0-21-4.ap-northeast-1.compute.internal', 'not-safe-to-evict', 'train-job-7xk2p'],
      [5, 'thebox-worker-d061fb62-85d7b-64c24', 'pdb', 'default/nginx-deployment-7b7f558fc8-llt62'],
      [6, 'ip-192-168-10-11.eu-west-1.compute.internal', 'not-replicated', 'kube-system/kube-proxy-rbpck'],
      [
        7,
        'ip-192-168-31-113.eu-west-1.compute.internal',
        'no-place-to-move',
        'default/pasue-deployment-648c54d8c6-498tx',
      ],
    ]);
    const byReason = new Map(
      report.diagnoses.filter((d) => d.code === 'scale-down-blocked').map((d) => [d.subject, d]),
    );
    expect([...byReason.keys()]).toEqual([
      'kube-system-pod-without-pdb',
      'local-storage',
      'not-safe-to-evict',
      'pdb',
      'not-replicated',
      'no-place-to-move',
    ]);
    expect(byReason.get('kube-system-pod-without-pdb')).toMatchObject({ count: 2, firstLine: 1 });
    expect(byReason.get('kube-system-pod-without-pdb')?.fix).toMatch(/PodDisruptionBudget/);
    expect(byReason.get('kube-system-pod-without-pdb')?.fix).toMatch(/--skip-nodes-with-system-pods=false/);
    expect(byReason.get('local-storage')?.fix).toMatch(/safe-to-evict-local-volumes/);
    expect(byReason.get('local-storage')?.fix).toMatch(/--skip-nodes-with-local-storage=false/);
    expect(byReason.get('not-safe-to-evict')?.message).toContain('safe-to-evict=false');
    expect(byReason.get('pdb')?.fix).toMatch(/kubectl get pdb/);
    expect(byReason.get('not-replicated')?.fix).toMatch(/controller/);
    expect(byReason.get('no-place-to-move')?.message).toContain('default/pasue-deployment-648c54d8c6-498tx');
  });

  it('names the two groups --balance-similar-node-groups will not balance, and the EKS ignore labels', async () => {
    const report = await readAutoscalerLog(fixture('diagnoses.klog.log'), { year: 2026 });
    const event = report.events.find((e) => e.type === 'not-similar');
    expect(event).toMatchObject({
      line: 8,
      groups: ['eks-nodegroup-4-128-1ec80b90', 'eks-nodegroup-3-128-f0c80b8d'],
      reason: 'labels do not match',
    });
    const d = report.diagnoses.find((x) => x.code === 'not-similar');
    expect(d?.subject).toBe('eks-nodegroup-3-128-f0c80b8d eks-nodegroup-4-128-1ec80b90');
    expect(d?.fix).toContain('--balancing-ignore-label');
    expect(d?.fix).toContain('eks.amazonaws.com/nodegroup-image');
  });

  it('names the group at max size, and groups backed off for capacity (placeholders included)', async () => {
    const report = await readAutoscalerLog(fixture('diagnoses.klog.log'), { year: 2026 });
    expect(report.diagnoses.find((d) => d.code === 'max-size-reached')).toMatchObject({
      subject: 'nodes.XXXXXXXX',
      firstLine: 9,
    });
    const capacity = report.diagnoses.filter((d) => d.code === 'capacity');
    expect(capacity.map((d) => [d.subject, d.firstLine, d.count])).toEqual([
      ['compute-1-AutoScalingGroup', 10, 1],
      ['compute-1-AutoScalingGroup', 11, 2],
      ['kubernetes-minion-test-mc-a-amd-asg-us-east-1b', 14, 1],
    ]);
    const codes = report.events.flatMap((e) => (e.type === 'error' && e.kind === 'capacity' ? [e.code] : []));
    expect(codes).toEqual([
      'cannot-provision',
      'placeholder-cannot-be-fulfilled',
      'placeholder-cannot-be-fulfilled',
      'placeholder',
    ]);
    expect(capacity[0]?.fix).toMatch(/instance types/);
    expect(capacity[2]?.message).toMatch(/placeholder/);
    // the older backoff line still reads as backoff
    expect(report.diagnoses.find((d) => d.code === 'backoff')?.subject).toBe('compute-1-AutoScalingGroup');
  });

  it('diagnoses NoCredentialProviders once, and counts the continuation lines as skipped', async () => {
    const report = await readAutoscalerLog(fixture('diagnoses.klog.log'), { year: 2026 });
    const d = report.diagnoses.filter((x) => x.code === 'no-credentials');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ count: 2, firstLine: 15 });
    expect(d[0]?.fix).toMatch(/eks\.amazonaws\.com\/role-arn/);
    expect(report.stats).toMatchObject({ lines: 18, malformed: 2, malformedLines: [16, 18] });
  });

  it('reads the same messages in --logging-format=json', async () => {
    const report = await readAutoscalerLog(fixture('diagnoses.json.log'));
    expect(report.stats).toMatchObject({ format: 'json', malformed: 0, parsed: 5 });
    expect(report.diagnoses.map((d) => [d.code, d.subject])).toEqual([
      ['scale-down-blocked', 'local-storage'],
      ['max-size-reached', 'eks-gpu-2a'],
      ['no-credentials', undefined],
      ['capacity', 'eks-spot-2c'],
      ['not-similar', 'eks-a eks-b'],
    ]);
    const err = report.events.find((e) => e.type === 'error' && e.kind === 'no-credentials');
    expect(err?.level).toBe('E');
  });

  it("recognises EC2's capacity codes when a line carries them", async () => {
    // Constructed: EC2's scaling-activity status messages as posted (InsufficientInstanceCapacity:
    // kubernetes/autoscaler#4811; UnfulfillableCapacity: buildkite/elastic-ci-stack-for-aws#851) inside
    // lines of our own; we found no posted autoscaler line quoting them.
    const report = await readAutoscalerLog(
      [
        'W1126 10:00:00.000000       1 auto_scaling_groups.go:400] ASG eks-metal-2a: Could not launch On-Demand Instances. InsufficientInstanceCapacity - We currently do not have sufficient c5n.metal capacity in the Availability Zone you requested (eu-central-1a).',
        'W1126 10:00:01.000000       1 auto_scaling_groups.go:400] ASG eks-spot-2c: Could not launch Spot Instances. UnfulfillableCapacity - Unable to fulfill capacity due to your request configuration. Please adjust your request and try again.',
      ].join('\n'),
      { year: 2026 },
    );
    expect(report.diagnoses.map((d) => [d.code, d.subject])).toEqual([
      ['capacity', 'eks-metal-2a'],
      ['capacity', 'eks-spot-2c'],
    ]);
    expect(report.events.map((e) => (e.type === 'error' ? e.code : undefined))).toEqual([
      'InsufficientInstanceCapacity',
      'UnfulfillableCapacity',
    ]);
  });

  it('keeps its promise on garbage around the new lines: never throws, counts what it skipped', async () => {
    const lines = [
      'I1126 10:00:00.000000       1 cluster.go:89] Fast evaluation: node  cannot be removed: ',
      'I1126 10:00:00.000000       1 cluster.go:89] nodes  and  are not similar',
      'I1126 10:00:00.000000       1 x.go:1] Failed adding x nodes to group due to',
      'Skipping node group ng - max size reached',
      '{"ts":1795676401300,"msg":"Skipping node group',
    ];
    const report = await readAutoscalerLog(lines.join('\n'), { year: 2026 });
    expect(report.stats).toMatchObject({ lines: 5, parsed: 3, malformed: 2 });
    expect(report.events.filter((e) => e.type !== 'error')).toEqual([]);
  });

  it('takes the group out of a template node name', () => {
    expect(groupOfTemplateNode('template-node-for-eks-a-1234567890')).toBe('eks-a');
    expect(groupOfTemplateNode('template-node-for-eks-a-1234567890-upcoming-2')).toBe('eks-a');
    expect(groupOfTemplateNode('template-node-for-eks-nodegroup-4-128-1ec80b90')).toBe(
      'eks-nodegroup-4-128-1ec80b90',
    );
    expect(groupOfTemplateNode('ip-10-0-0-1.ec2.internal')).toBe('ip-10-0-0-1.ec2.internal');
  });
});

describe('live reading: onEvent and onDiagnosis as lines arrive', () => {
  it('reports each event and each new diagnosis at the line that completes it', async () => {
    const seen: string[] = [];
    async function* lines(): AsyncGenerator<string> {
      for (const line of fixture('diagnoses.klog.log').split('\n').slice(0, 3)) {
        yield line;
        seen.push(`read ${line.slice(0, 5)}`);
      }
    }
    await readAutoscalerLog(lines(), {
      year: 2026,
      onEvent: (e: AutoscalerEvent) => seen.push(`event ${e.line}`),
      onDiagnosis: (d) => seen.push(`diagnosis ${d.subject} at ${d.firstLine}`),
    });
    expect(seen).toEqual([
      'event 1',
      'diagnosis kube-system-pod-without-pdb at 1',
      'read I0915',
      'event 2',
      'read I0915',
      'event 3',
      'diagnosis local-storage at 3',
      'read I0930',
    ]);
  });

  it('reports a scale-up at its finished line and a scale-down at its removal line (onSummary)', async () => {
    const seen: string[] = [];
    await readAutoscalerLog(
      [
        'I1126 07:00:01.450000       1 orchestrator.go:565] Final scale-up plan: [{ng 4->5 (max: 8)}]',
        'I1126 07:00:01.450200       1 executor.go:147] Scale-up: setting group ng size to 5',
        'I1126 07:02:02.240000       1 clusterstate.go:252] Scale up in group ng finished successfully in 2m0.79s',
        'I1126 07:10:12.500000       1 actuator.go:180] Scale-down: removing empty node "ip-10-0-12-7"',
      ],
      {
        year: 2026,
        onEvent: (e) => seen.push(`event ${e.line}`),
        onSummary: (done) =>
          seen.push(
            done.kind === 'scale-up'
              ? `scale-up ${done.scaleUp.group} ${done.scaleUp.secondsToFinish}s`
              : `scale-down ${done.scaleDown.node}`,
          ),
      },
    );
    expect(seen).toEqual([
      'event 1',
      'event 2',
      'event 3',
      'scale-up ng 120.79s',
      'event 4',
      'scale-down ip-10-0-12-7',
    ]);
  });
});
