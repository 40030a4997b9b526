/**
 * The checks Lambda's state between runs (JSON in its SSM parameter, version 1): written by the
 * Lambda, read by it and by `eks-kit check --checker` (the last completed run).
 */

/** One failing finding kept between runs: its check, resource, the check task that found it, since when. */
export type KeptFailure = [check: string, resource: string, task: string, since: string];

/** What the store keeps (JSON in the state parameter, version 1). */
export interface CheckState {
  v: 1;
  /** When the run that wrote it completed (ISO 8601). */
  lastRunAt: string;
  /** When a notice last listed every failure (first run, change or reminder). */
  remindedAt?: string;
  /** Failing findings by target label (`self` or the assumed role). */
  targets: Record<string, KeptFailure[]>;
}

/**
 * Read a stored state; anything unreadable or of another version is `undefined` (a first run).
 *
 * @example
 * ```ts
 * parseCheckState('{"v":1,"lastRunAt":"2026-12-01T06:00:00.000Z","targets":{}}')?.lastRunAt; // '2026-12-01T06:00:00.000Z'
 * parseCheckState('{}'); // undefined: the template's initial value
 * ```
 */
export function parseCheckState(text: string | undefined): CheckState | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<CheckState>;
    if (value.v !== 1 || typeof value.lastRunAt !== 'string' || typeof value.targets !== 'object') {
      return undefined;
    }
    const targets: Record<string, KeptFailure[]> = {};
    for (const [label, rows] of Object.entries(value.targets ?? {})) {
      if (!Array.isArray(rows)) return undefined;
      targets[label] = rows.filter(
        (r): r is KeptFailure => Array.isArray(r) && r.length === 4 && r.every((x) => typeof x === 'string'),
      );
    }
    return {
      v: 1,
      lastRunAt: value.lastRunAt,
      ...(typeof value.remindedAt === 'string' ? { remindedAt: value.remindedAt } : {}),
      targets,
    };
  } catch {
    return undefined;
  }
}
