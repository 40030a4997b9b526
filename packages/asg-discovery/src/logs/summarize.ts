/** Summary of autoscaler events: each scale-up and scale-down with its timing. */
import type { AutoscalerEvent } from './events.js';

/** One group's scale-up from plan to finish. */
export interface ScaleUpSummary {
  group: string;
  from: number;
  to: number;
  max: number;
  /** Line of the plan. */
  line: number;
  plannedAtMs: number;
  /** When the size was set (SetDesiredCapacity). */
  sizeSetAtMs?: number;
  finishedAtMs?: number;
  /** Seconds from plan to the "finished successfully" line. */
  secondsToFinish?: number;
  /** The duration the autoscaler reported. */
  reportedSeconds?: number;
  status: 'finished' | 'size-set' | 'planned';
}

/** One node's scale-down. */
export interface ScaleDownSummary {
  node: string;
  empty: boolean;
  line: number;
  removedAtMs: number;
  /** How long the node was unneeded before removal (reported duration or first-seen to removal). */
  unneededSeconds?: number;
}

/** What a summarizer has completed with one event. */
export type CompletedSummary =
  | { kind: 'scale-up'; scaleUp: ScaleUpSummary }
  | { kind: 'scale-down'; scaleDown: ScaleDownSummary };

/**
 * Incremental summary for a live log: `add` returns the scale-up or scale-down an event completes
 * (a scale-up at its "finished successfully" line, a scale-down at its removal line).
 *
 * @example
 * ```ts
 * const summarizer = createSummarizer();
 * for (const e of events) {
 *   const done = summarizer.add(e);
 *   if (done?.kind === 'scale-up') console.log(done.scaleUp.group, done.scaleUp.secondsToFinish);
 * }
 * ```
 */
export function createSummarizer(): {
  add(e: AutoscalerEvent): CompletedSummary | undefined;
  summary(): ReturnType<typeof summarizeEvents>;
} {
  const scaleUps: ScaleUpSummary[] = [];
  const open = new Map<string, ScaleUpSummary>();
  const scaleDowns: ScaleDownSummary[] = [];
  const unneeded = new Map<string, { firstMs: number; reported?: number }>();
  const terminatedInstances: Array<{ instanceId: string; group?: string; line: number }> = [];
  const pods = new Set<string>();
  const add = (e: AutoscalerEvent): CompletedSummary | undefined => {
    switch (e.type) {
      case 'pod-unschedulable':
        pods.add(e.pod);
        return undefined;
      case 'scale-up-plan':
        for (const g of e.groups) {
          const s: ScaleUpSummary = { ...g, line: e.line, plannedAtMs: e.timeMs, status: 'planned' };
          scaleUps.push(s);
          open.set(g.group, s);
        }
        return undefined;
      case 'size-set': {
        const s = open.get(e.group);
        if (s && s.sizeSetAtMs === undefined) {
          s.sizeSetAtMs = e.timeMs;
          s.status = 'size-set';
        }
        return undefined;
      }
      case 'scale-up-finished': {
        const s = open.get(e.group);
        if (!s) return undefined;
        s.finishedAtMs = e.timeMs;
        s.secondsToFinish = Math.round(e.timeMs - s.plannedAtMs) / 1000;
        s.reportedSeconds = e.durationSeconds;
        s.status = 'finished';
        open.delete(e.group);
        return { kind: 'scale-up', scaleUp: { ...s } };
      }
      case 'node-unneeded': {
        const u = unneeded.get(e.node);
        if (u) {
          if (e.unneededSeconds !== undefined) u.reported = e.unneededSeconds;
        } else
          unneeded.set(e.node, {
            firstMs: e.timeMs,
            ...(e.unneededSeconds !== undefined ? { reported: e.unneededSeconds } : {}),
          });
        return undefined;
      }
      case 'scale-down': {
        const u = unneeded.get(e.node);
        const seen = u ? Math.round(e.timeMs - u.firstMs) / 1000 : undefined;
        const seconds = u ? Math.max(u.reported ?? 0, seen ?? 0) : undefined;
        const down: ScaleDownSummary = {
          node: e.node,
          empty: e.empty,
          line: e.line,
          removedAtMs: e.timeMs,
          ...(seconds !== undefined ? { unneededSeconds: seconds } : {}),
        };
        scaleDowns.push(down);
        unneeded.delete(e.node);
        return { kind: 'scale-down', scaleDown: { ...down } };
      }
      case 'instance-terminated':
        terminatedInstances.push({
          instanceId: e.instanceId,
          ...(e.group ? { group: e.group } : {}),
          line: e.line,
        });
        return undefined;
      default:
        return undefined;
    }
  };
  return {
    add,
    summary: () => ({
      scaleUps: scaleUps.map((s) => ({ ...s })),
      scaleDowns: scaleDowns.map((s) => ({ ...s })),
      terminatedInstances: terminatedInstances.map((t) => ({ ...t })),
      unschedulablePods: [...pods],
    }),
  };
}

/**
 * Pair plans with their size-set and finished lines, and scale-downs with their unneeded lines.
 *
 * @example
 * ```ts
 * summarizeEvents(events).scaleUps[0]; // { group: 'ng', from: 4, to: 5, max: 8, secondsToFinish: 121, status: 'finished', ... }
 * ```
 */
export function summarizeEvents(events: readonly AutoscalerEvent[]): {
  scaleUps: ScaleUpSummary[];
  scaleDowns: ScaleDownSummary[];
  terminatedInstances: Array<{ instanceId: string; group?: string; line: number }>;
  unschedulablePods: string[];
} {
  const summarizer = createSummarizer();
  for (const e of events) summarizer.add(e);
  return summarizer.summary();
}
