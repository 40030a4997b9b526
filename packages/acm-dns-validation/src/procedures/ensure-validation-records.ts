/** Converging Route 53 to hold a certificate's validation CNAMEs (UPSERT only, never delete). */
import {
  type AwsClients,
  applyPlan,
  type Change,
  type ConvergeOptions,
  deadlineOf,
  type PlannedChange,
} from '@eks-kit/core';
import { planChangeBatches, type RecordUpsert } from '../builders/change-batches.js';
import { normaliseFqdn, type ValidationRecord } from '../builders/validation-records.js';
import { chooseZone, type HostedZoneRef } from '../builders/zones.js';
import { findRecordSet, upsertValidationRecords } from './route53.js';

/** Result of {@link ensureValidationRecords}. */
export interface EnsureValidationRecordsResult {
  changes: Change[];
  /** Route 53 change ids of the UPSERTs sent (none in dry run or when nothing differed). */
  changeIds: string[];
  /** Each record with the zone chosen for it. */
  placements: Array<{ record: ValidationRecord; zone: HostedZoneRef }>;
}

/**
 * Make sure each validation CNAME exists with its exact value in the right public zone: explicit
 * `zones` map first, else the longest public zone that is a suffix. Differences are UPSERTed in
 * batches within Route 53's limits; records are never deleted (ACM shares one record between a
 * wildcard and its apex and between every certificate of a name).
 *
 * @example
 * ```ts
 * const zones = await listHostedZones(clients);
 * const { changes, changeIds } = await ensureValidationRecords(clients, { records, zones, explicitZones: {} });
 * ```
 */
export async function ensureValidationRecords(
  clients: AwsClients,
  input: {
    records: readonly ValidationRecord[];
    zones: readonly HostedZoneRef[];
    explicitZones?: Readonly<Record<string, string>>;
  },
  options: ConvergeOptions = {},
): Promise<EnsureValidationRecordsResult> {
  const placements = input.records.map((record) => ({
    record,
    zone: chooseZone(record.name, input.zones, input.explicitZones ?? {}),
  }));
  const deadline = deadlineOf(options);
  const steps: PlannedChange[] = [];
  const upserts: RecordUpsert[] = [];
  for (const { record, zone } of placements) {
    const existing = await findRecordSet(clients, zone.id, record.name, 'CNAME', options.signal);
    const current = existing?.values.map(normaliseFqdn);
    if (current && current.length === 1 && current[0] === record.value) continue;
    steps.push({
      change: {
        action: existing ? 'update' : 'create',
        resource: `route53 record ${record.name} CNAME (zone ${zone.id} ${zone.name})`,
        summary: existing
          ? `UPSERT value ${current?.join(', ')} -> ${record.value} (validates ${record.domains.join(', ')})`
          : `UPSERT ${record.name} CNAME ${record.value} (validates ${record.domains.join(', ')})`,
        ...(existing ? { before: { values: current } } : {}),
        after: { name: record.name, type: 'CNAME', value: record.value },
      },
    });
    upserts.push({ zoneId: zone.id, record });
  }
  // One write per change batch (all-or-nothing in Route 53), announced with the change id it got.
  const changeIds: string[] = [];
  const batches = options.dryRun || upserts.length === 0 ? [] : planChangeBatches(upserts);
  for (const batch of batches)
    steps.push({
      apply: async () => {
        const ids = await upsertValidationRecords(clients, [batch], options.signal);
        changeIds.push(...ids);
        return ids;
      },
      event: (ids) => {
        const id = (ids as string[])[0];
        return id === undefined
          ? undefined
          : { type: 'route53.change', message: `Route 53 change ${id} submitted (PENDING)`, resource: id };
      },
    });
  const { changes } = await applyPlan(steps, { ...options, deadline });
  return { changes, changeIds, placements };
}
