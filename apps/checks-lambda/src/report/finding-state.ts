/**
 * Alert on change: what failed at the previous run, per target, and how this run differs from it
 * (new failures, failures resolved, failures still there), so that a failure that stays is announced
 * once and then reminded at most every `reminderDays`, never every day.
 */
import { compareCodeUnits, type Finding } from '@eks-kit/core';
import { type CheckState, type KeptFailure, parseCheckState } from '@eks-kit/stack/stored';
import type { TargetResult } from './summary.js';

// The stored state's shape and reader live in @eks-kit/stack (the CLI reads the last run too).
export { type CheckState, type KeptFailure, parseCheckState };

/** A failure in a change report. */
export interface ChangedFailure {
  target: string;
  check: string;
  resource: string;
  /** Since when it fails (ISO 8601): this run for a new one. */
  since: string;
  /** The finding of this run (absent for a resolved one). */
  finding?: Finding;
}

/** Which notice a run sends. */
export type NoticeKind = 'first-run' | 'change' | 'reminder' | 'none';

/** How this run compares with the previous one. */
export interface CheckChanges {
  notice: NoticeKind;
  /** When the previous run completed; absent on a first run. */
  previousRunAt?: string;
  newFailures: ChangedFailure[];
  resolved: ChangedFailure[];
  stillFailing: ChangedFailure[];
}

/** Default days between two reminders of the same failures (`EKS_KIT_REMINDER_DAYS`). */
export const DEFAULT_REMINDER_DAYS = 7;

const DAY_MS = 86_400_000;

const keyOf = (target: string, check: string, resource: string): string =>
  JSON.stringify([target, check, resource]);

/**
 * Compare this run's results with the previous state: the changes, and the state to store.
 * A check task that did not complete (threw, timed out, role not assumed) keeps its previous
 * failures as still failing: a check that could not look is not a fix. A target absent from the
 * results is forgotten (no longer configured), unless `keepUnreported` says the run did not hear from
 * every target (a split run's batch wrote no results): then its failures are kept, unannounced.
 *
 * @example
 * ```ts
 * const { changes, state } = compareWithPrevious(previous, results, new Date(), 7);
 * changes.notice; // 'change' when something failed or was resolved since the last run
 * ```
 */
export function compareWithPrevious(
  previous: CheckState | undefined,
  results: readonly TargetResult[],
  now: Date,
  reminderDays: number = DEFAULT_REMINDER_DAYS,
  options: { keepUnreported?: boolean } = {},
): { changes: CheckChanges; state: CheckState } {
  const nowIso = now.toISOString();
  const before = new Map<string, { target: string; row: KeptFailure }>();
  for (const [target, rows] of Object.entries(previous?.targets ?? {}))
    for (const row of rows) before.set(keyOf(target, row[0], row[1]), { target, row });

  const current = new Map<string, ChangedFailure & { task: string }>();
  const looked = new Set<string>();
  for (const result of results) {
    for (const run of result.runs) {
      if (run.outcome === 'completed') looked.add(JSON.stringify([result.target, run.name]));
      for (const f of run.findings) {
        if (f.status !== 'fail') continue;
        const key = keyOf(result.target, f.check, f.resource);
        if (current.has(key)) continue;
        const since = before.get(key)?.row[3] ?? nowIso;
        current.set(key, {
          target: result.target,
          check: f.check,
          resource: f.resource,
          since,
          finding: f,
          task: run.name,
        });
      }
    }
  }

  const newFailures: ChangedFailure[] = [];
  const stillFailing: ChangedFailure[] = [];
  const resolved: ChangedFailure[] = [];
  const next: Record<string, KeptFailure[]> = {};
  const keep = (target: string, row: KeptFailure): void => {
    const rows = next[target] ?? [];
    rows.push(row);
    next[target] = rows;
  };
  for (const [key, c] of current) {
    const { task, ...change } = c;
    (previous && before.has(key) ? stillFailing : newFailures).push(change);
    keep(c.target, [c.check, c.resource, task, c.since]);
  }
  const checkedTargets = new Set(results.map((r) => r.target));
  for (const [key, { target, row }] of before) {
    if (current.has(key)) continue;
    // A target no longer configured is forgotten (neither resolved nor reminded); one a failed batch
    // did not report is kept as it was (nobody looked).
    if (!checkedTargets.has(target)) {
      if (options.keepUnreported) keep(target, row);
      continue;
    }
    const [check, resource, task, since] = row;
    if (looked.has(JSON.stringify([target, task]))) resolved.push({ target, check, resource, since });
    else {
      // Not looked at this time: still failing as far as anyone knows.
      stillFailing.push({ target, check, resource, since });
      keep(target, row);
    }
  }

  let notice: NoticeKind;
  if (!previous) notice = current.size > 0 ? 'first-run' : 'none';
  else if (newFailures.length > 0 || resolved.length > 0) notice = 'change';
  else if (
    stillFailing.length > 0 &&
    (!previous.remindedAt || now.getTime() - Date.parse(previous.remindedAt) >= reminderDays * DAY_MS)
  )
    notice = 'reminder';
  else notice = 'none';

  const remindedAt = notice === 'none' ? previous?.remindedAt : nowIso;
  return {
    changes: {
      notice,
      ...(previous ? { previousRunAt: previous.lastRunAt } : {}),
      newFailures,
      resolved,
      stillFailing,
    },
    state: { v: 1, lastRunAt: nowIso, ...(remindedAt ? { remindedAt } : {}), targets: sortTargets(next) },
  };
}

function sortTargets(targets: Record<string, KeptFailure[]>): Record<string, KeptFailure[]> {
  const out: Record<string, KeptFailure[]> = {};
  for (const label of Object.keys(targets).sort())
    out[label] = (targets[label] ?? []).sort((a, b) =>
      compareCodeUnits(`${a[0]} ${a[1]}`, `${b[0]} ${b[1]}`),
    );
  return out;
}
