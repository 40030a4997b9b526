/**
 * Group findings that need the autoscaler's log as well as the groups (issue 19 item 2): a group at
 * its maximum while pods are pending, and worker groups in one zone only while pods wait on volumes in
 * another (the scheduler's `volume node affinity conflict`).
 */
import { type Finding, finding } from '@eks-kit/core';
import type { AutoscalerLogReport } from '../logs/read-log.js';
import type { NodeGroup } from '../procedures/node-group.js';

const VOLUME_CONFLICT_RE = /volume node affinity conflict|volume node affinity|NoVolumeZoneConflict/i;

/**
 * `autoscaler.max-reached` and `autoscaler.zones` findings from a log report and the groups as AWS
 * has them now. Pure: no AWS call.
 *
 * @example
 * ```ts
 * const report = await readAutoscalerLog(createReadStream('ca.log'));
 * logGroupFindings(report, await findNodeGroups(clients, { cluster: 'prod' }));
 * ```
 */
export function logGroupFindings(report: AutoscalerLogReport, groups: readonly NodeGroup[]): Finding[] {
  const out: Finding[] = [];
  const pending = new Set(report.summary.unschedulablePods);
  const maxNamed = new Set<string>();
  let maxReasonCount = 0;
  let volumeConflicts = 0;
  for (const e of report.events) {
    if (e.type === 'group-at-max') maxNamed.add(e.group);
    if (e.type === 'no-scale-up') {
      if (e.pod) pending.add(e.pod);
      for (const r of e.reasons) {
        if (/max node group size reached/.test(r.reason)) maxReasonCount += r.count;
        if (VOLUME_CONFLICT_RE.test(r.reason)) volumeConflicts += r.count;
      }
    }
  }
  const atMax = groups.filter((g) => g.maxSize > 0 && g.desiredCapacity >= g.maxSize);
  const pendingText = pending.size
    ? `${pending.size} pod(s) pending in the log (${[...pending].slice(0, 3).join(', ')}${pending.size > 3 ? ', ...' : ''})`
    : 'pods pending in the log';
  if (pending.size > 0 || maxNamed.size > 0 || maxReasonCount > 0)
    for (const g of atMax) {
      const named = maxNamed.has(g.name);
      if (!named && maxReasonCount === 0) continue;
      out.push(
        finding(
          'autoscaler.max-reached',
          `autoscaling group ${g.name}`,
          'fail',
          `at its maximum size (${g.desiredCapacity}/${g.maxSize}) while ${pendingText}${named ? '; the autoscaler skips it: "max size reached"' : '; the log says "max node group size reached"'}`,
          {
            hint: `raise MaxSize of ${g.name} (aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${g.name} --max-size <n>, or the node group's scalingConfig.maxSize) or add a group the pods fit`,
            data: { desired: g.desiredCapacity, max: g.maxSize },
          },
        ),
      );
    }
  if (volumeConflicts > 0) {
    const zones = [...new Set(groups.flatMap((g) => g.availabilityZones))].sort();
    const multiZone = groups.filter((g) => g.availabilityZones.length > 1);
    if (zones.length === 1)
      out.push(
        finding(
          'autoscaler.zones',
          `cluster worker groups`,
          'fail',
          `every worker group is in ${zones[0]} only, and ${volumeConflicts} pod placement(s) failed on "volume node affinity conflict": their volumes (EBS, zonal) are in another zone, where no group can add a node`,
          {
            hint: 'add a node group in each zone the volumes use (one Auto Scaling group per zone, with --balance-similar-node-groups), as the cluster-autoscaler FAQ advises for zonal volumes',
            data: { zones },
          },
        ),
      );
    else if (multiZone.length)
      out.push(
        finding(
          'autoscaler.zones',
          `cluster worker groups`,
          'warn',
          `pods wait on zonal volumes ("volume node affinity conflict" x${volumeConflicts}) and ${multiZone.map((g) => `${g.name} spans ${g.availabilityZones.join(', ')}`).join('; ')}: the autoscaler cannot choose the zone of a new node in a multi-zone group`,
          {
            hint: 'split each multi-zone group into one group per zone and enable --balance-similar-node-groups (cluster-autoscaler FAQ, zonal volumes)',
            data: { zones },
          },
        ),
      );
  }
  return out;
}
