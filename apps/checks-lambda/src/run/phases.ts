/**
 * The events of a split run (targets from AWS Organizations that one invocation cannot finish). The
 * deploy template's state machine invokes the same function three ways:
 * `{ "phase": "plan" }` (list the targets, estimate, cut batches), then for each batch, from a Step
 * Functions Distributed Map, `{ "phase": "batch", "targets": [...] }` (check those targets only),
 * then `{ "phase": "report", "batches": [...] }` (compare with the last run, notify, metrics).
 * Any other event (the schedule's `{}`) is one whole run.
 */
import { InvalidInputError, validateRegion } from '@eks-kit/core/clients';
import type { AssumeRoleTarget } from '../config/handler-config.js';
import type { TargetResult } from '../report/summary.js';

/** What an invocation is asked to do. */
export type RunPhase =
  | { kind: 'whole' }
  | { kind: 'plan'; runId?: string }
  | { kind: 'batch'; targets: AssumeRoleTarget[]; runId?: string; index?: number }
  | { kind: 'report'; results: TargetResult[] }
  /** With a run bucket: the results are read from S3 (`runs/<runId>/results/`). */
  | { kind: 'report'; runId: string; batchCount: number };

/**
 * Event of the plan step. `runId` (the execution's name, `$$.Execution.Name`) names the run's objects
 * in the run bucket.
 */
export interface PlanEvent {
  phase: 'plan';
  runId?: string;
}
/**
 * Event of one batch (one item of the Distributed Map). With a run bucket, `runId` and `index`
 * (`$$.Map.Item.Index`) name the object its results go to.
 */
export interface BatchEvent {
  phase: 'batch';
  targets: AssumeRoleTarget[];
  runId?: string;
  index?: number;
}
/**
 * Event of the report step: the batches' answers, in order; or, with a run bucket, the run id and how
 * many batches the plan made (their results are read from S3).
 */
export type ReportEvent =
  | { phase: 'report'; batches: Array<{ results: TargetResult[] }> }
  | { phase: 'report'; runId: string; batchCount: number };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Read the invocation's event; a malformed split-run event throws `InvalidInputError` naming the field.
 *
 * @example
 * ```ts
 * readPhase({}); // { kind: 'whole' }
 * readPhase({ phase: 'batch', targets: [{ roleArn: 'arn:aws:iam::111111111111:role/eks-kit-checks', region: 'eu-west-1' }] }).kind; // 'batch'
 * ```
 */
export function readPhase(event: unknown): RunPhase {
  if (!isObject(event) || event.phase === undefined) return { kind: 'whole' };
  switch (event.phase) {
    case 'plan':
      return { kind: 'plan', ...readRunId(event) };
    case 'batch': {
      if (!Array.isArray(event.targets))
        throw new InvalidInputError('event.targets', undefined, 'a list of targets');
      const index = event.index;
      if (
        index !== undefined &&
        (!Number.isInteger(index) || (index as number) < 0 || (index as number) > 1_000_000)
      )
        throw new InvalidInputError('event.index', String(index), 'the batch index, a whole number');
      return {
        kind: 'batch',
        targets: event.targets.map((t, i) => readTarget(t, `event.targets[${i}]`)),
        ...readRunId(event),
        ...(index !== undefined ? { index: index as number } : {}),
      };
    }
    case 'report': {
      if (event.batches === undefined && event.runId !== undefined) {
        const { runId } = readRunId(event) as { runId: string };
        const count = event.batchCount;
        if (!Number.isInteger(count) || (count as number) < 0)
          throw new InvalidInputError(
            'event.batchCount',
            String(count),
            'the number of batches the plan made',
          );
        return { kind: 'report', runId, batchCount: count as number };
      }
      if (!Array.isArray(event.batches))
        throw new InvalidInputError('event.batches', undefined, 'a list of batch answers');
      const results = event.batches.flatMap((b, i) => {
        if (!isObject(b) || !Array.isArray(b.results)) {
          throw new InvalidInputError(`event.batches[${i}].results`, undefined, 'the results of a batch');
        }
        return b.results as TargetResult[];
      });
      return { kind: 'report', results };
    }
    default:
      throw new InvalidInputError(
        'event.phase',
        String(event.phase),
        'plan, batch or report (or no phase: a whole run)',
      );
  }
}

/** The run id of a split run's event (an execution name: 1-80 letters, digits, `-`, `_`, `.`). */
function readRunId(event: Record<string, unknown>): { runId?: string } {
  const runId = event.runId;
  if (runId === undefined) return {};
  if (typeof runId !== 'string' || !/^[\w.-]{1,80}$/.test(runId))
    throw new InvalidInputError('event.runId', String(runId), 'the execution name (1-80 of [A-Za-z0-9_.-])');
  return { runId };
}

function readTarget(value: unknown, field: string): AssumeRoleTarget {
  if (!isObject(value)) throw new InvalidInputError(field, undefined, 'a target { roleArn, region }');
  const roleArn = value.roleArn;
  if (typeof roleArn !== 'string' || !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(roleArn)) {
    throw new InvalidInputError(`${field}.roleArn`, String(roleArn), 'an IAM role ARN');
  }
  const out: AssumeRoleTarget = { roleArn };
  if (value.region !== undefined) out.region = validateRegion(String(value.region), `${field}.region`);
  for (const key of ['label', 'accountId', 'accountName', 'skip'] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > 256)
      throw new InvalidInputError(`${field}.${key}`, String(v), 'a string');
    out[key] = v;
  }
  return out;
}

/**
 * A batch's answer made small for Step Functions (a state's input and output are at most 256 KiB):
 * `ok` findings are counted (`omittedOk`) instead of listed; `warn` and `fail` findings stay whole,
 * so that the report step compares failures with the last run exactly as a whole run does.
 *
 * @example
 * ```ts
 * compactResults(results)[0].runs[0].omittedOk; // 7
 * ```
 */
export function compactResults(results: readonly TargetResult[]): TargetResult[] {
  return results.map((r) => ({
    ...r,
    runs: r.runs.map((run) => {
      const kept = run.findings.filter((f) => f.status !== 'ok');
      const omitted = run.findings.length - kept.length + (run.omittedOk ?? 0);
      return { ...run, findings: kept, ...(omitted > 0 ? { omittedOk: omitted } : {}) };
    }),
  }));
}
