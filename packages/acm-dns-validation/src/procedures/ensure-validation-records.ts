/** Converging Route 53 to hold a certificate's validation CNAMEs (UPSERT only, never delete). */
import type { AwsClients, Change, ProgressEvent } from '@eks-kit/core';
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
  options: { dryRun?: boolean; signal?: AbortSignal; onEvent?: (event: ProgressEvent) => void } = {},
): Promise<EnsureValidationRecordsResult> {
  const placements = input.records.map((record) => ({
    record,
    zone: chooseZone(record.name, input.zones, input.explicitZones ?? {}),
  }));
  const changes: Change[] = [];
  const upserts: RecordUpsert[] = [];
  for (const { record, zone } of placements) {
    const existing = await findRecordSet(clients, zone.id, record.name, 'CNAME', options.signal);
    const current = existing?.values.map(normaliseFqdn);
    if (current && current.length === 1 && current[0] === record.value) continue;
    changes.push({
      action: existing ? 'update' : 'create',
      resource: `route53 record ${record.name} CNAME (zone ${zone.id} ${zone.name})`,
      summary: existing
        ? `UPSERT value ${current?.join(', ')} -> ${record.value} (validates ${record.domains.join(', ')})`
        : `UPSERT ${record.name} CNAME ${record.value} (validates ${record.domains.join(', ')})`,
      ...(existing ? { before: { values: current } } : {}),
      after: { name: record.name, type: 'CNAME', value: record.value },
    });
    upserts.push({ zoneId: zone.id, record });
  }
  if (options.dryRun || upserts.length === 0) return { changes, changeIds: [], placements };
  const changeIds = await upsertValidationRecords(clients, planChangeBatches(upserts), options.signal);
  for (const id of changeIds) {
    options.onEvent?.({
      type: 'route53.change',
      message: `Route 53 change ${id} submitted (PENDING)`,
      resource: id,
    });
  }
  return { changes, changeIds, placements };
}
