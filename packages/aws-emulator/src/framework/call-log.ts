/**
 * The call log: every request, in arrival order.
 */
import type { CallFilter, CallRecord } from '../types.js';

/** The log. */
export interface CallLog {
  /** Adds a record (seq assigned) and returns it for completion. */
  start(record: Omit<CallRecord, 'seq'>): CallRecord;
  list(filter?: CallFilter): CallRecord[];
  clear(): void;
}

/**
 * Creates an empty log.
 * @example const log = createCallLog(); log.list({ mutating: true })
 */
export function createCallLog(): CallLog {
  let records: CallRecord[] = [];
  let seq = 0;
  return {
    start(record) {
      const full: CallRecord = { seq: ++seq, ...record };
      records.push(full);
      return full;
    },
    list(filter = {}) {
      return records
        .filter(
          (r) =>
            (filter.service === undefined || r.service === filter.service) &&
            (filter.account === undefined || r.account === filter.account) &&
            (filter.operation === undefined || r.operation === filter.operation) &&
            (filter.mutating === undefined || r.mutating === filter.mutating),
        )
        .map((r) => ({ ...r, input: { ...r.input } }));
    },
    clear() {
      records = [];
    },
  };
}

/**
 * The inputs recorded for a call: the named keys, or top-level scalars of at most 256 characters.
 * @example pickLogInput({ RoleName: 'a', AssumeRolePolicyDocument: '{...}' }, ['RoleName']) // { RoleName: 'a' }
 */
export function pickLogInput(
  input: Record<string, unknown>,
  keys?: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (keys) {
    for (const k of keys) if (input[k] !== undefined) out[k] = input[k];
    return out;
  }
  for (const [k, v] of Object.entries(input)) {
    if (typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 256))
      out[k] = v;
  }
  return out;
}
