/** Route 53 change batches within its per-request limits. */
import type { ValidationRecord } from './validation-records.js';

/** Route 53's limits per ChangeResourceRecordSets request (docs/AWS-FACTS.md#route-53-change-batches; an UPSERT counts twice). */
export const ROUTE53_BATCH_LIMITS = { records: 1_000, valueCharacters: 32_000 } as const;

/** One UPSERT of a validation CNAME in a zone. */
export interface RecordUpsert {
  zoneId: string;
  record: ValidationRecord;
}

/** A change batch for one zone. */
export interface ChangeBatchPlan {
  zoneId: string;
  upserts: ValidationRecord[];
}

/**
 * Group UPSERTs by zone and split them into batches within Route 53's limits: at most 1,000 records
 * and 32,000 value characters per request, an UPSERT counting twice (docs/AWS-FACTS.md#route-53-change-batches).
 *
 * @example
 * ```ts
 * planChangeBatches([{ zoneId: 'Z1', record }]); // [{ zoneId: 'Z1', upserts: [record] }]
 * ```
 */
export function planChangeBatches(
  upserts: readonly RecordUpsert[],
  limits: { records: number; valueCharacters: number } = ROUTE53_BATCH_LIMITS,
): ChangeBatchPlan[] {
  const byZone = new Map<string, ValidationRecord[]>();
  for (const { zoneId, record } of upserts) {
    const list = byZone.get(zoneId) ?? [];
    if (!list.some((r) => r.name === record.name)) list.push(record);
    byZone.set(zoneId, list);
  }
  const batches: ChangeBatchPlan[] = [];
  for (const zoneId of [...byZone.keys()].sort()) {
    let current: ValidationRecord[] = [];
    let records = 0;
    let chars = 0;
    for (const record of byZone.get(zoneId) ?? []) {
      const valueChars = `${record.value}.`.length;
      if (
        current.length > 0 &&
        (records + 2 > limits.records || chars + 2 * valueChars > limits.valueCharacters)
      ) {
        batches.push({ zoneId, upserts: current });
        current = [];
        records = 0;
        chars = 0;
      }
      current.push(record);
      records += 2;
      chars += 2 * valueChars;
    }
    if (current.length > 0) batches.push({ zoneId, upserts: current });
  }
  return batches;
}
