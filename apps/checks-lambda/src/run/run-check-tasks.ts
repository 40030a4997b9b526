/**
 * Run check tasks concurrently with a bound and a per-check timeout; one throwing or hanging check
 * becomes a `fail` finding naming it and never hides the others.
 */
import { type AwsClients, type Finding, finding, formatError, mapConcurrent } from '@eks-kit/core';
import { redactSecrets } from '../report/redact.js';
import type { CheckRun, CheckTask } from './check-task.js';

/** Options of {@link runCheckTasks}. */
export interface RunCheckTasksOptions {
  /** Checks in flight at once (default 4). */
  concurrency?: number;
  /** Time allowed to each check, in milliseconds (default 60,000). */
  timeoutMs?: number;
  /** Aborts every check still running (e.g. the Lambda's remaining time). */
  signal?: AbortSignal;
}

/**
 * Run every task, at most `concurrency` at a time, each within `timeoutMs`.
 * Results keep the order of `tasks`.
 *
 * @example
 * ```ts
 * const runs = await runCheckTasks(clients, [
 *   { name: 'certificates', resource: 'prod', run: (c) => checkCertificates(c, { warnDays: 45, failDays: 30 }) },
 * ], { concurrency: 4, timeoutMs: 60_000 });
 * runs[0].outcome; // 'completed' | 'threw' | 'timed-out'
 * ```
 */
export async function runCheckTasks(
  clients: AwsClients,
  tasks: readonly CheckTask[],
  options: RunCheckTasksOptions = {},
): Promise<CheckRun[]> {
  const concurrency = options.concurrency ?? 4;
  const timeoutMs = options.timeoutMs ?? 60_000;
  return mapConcurrent(tasks, concurrency, (task) => runOneTask(clients, task, timeoutMs, options.signal));
}

async function runOneTask(
  clients: AwsClients,
  task: CheckTask,
  timeoutMs: number,
  outer: AbortSignal | undefined,
): Promise<CheckRun> {
  const started = performance.now();
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`check ${task.name} timed out after ${timeoutMs} ms`));
      resolve('timed-out');
    }, timeoutMs);
    // Stopped from outside (the function's deadline), possibly before this check started.
    if (controller.signal.aborted) resolve('timed-out');
    else controller.signal.addEventListener('abort', () => resolve('timed-out'), { once: true });
  });
  const elapsed = (): number => Math.round(performance.now() - started);
  try {
    // A check that ignores the signal is left behind: its late result is dropped.
    // Not started at all once stopped from outside.
    const work = controller.signal.aborted
      ? new Promise<never>(() => undefined)
      : Promise.resolve().then(() => task.run(clients, controller.signal));
    const result = await Promise.race([work, timedOut]);
    if (result === 'timed-out') {
      const why = outer?.aborted
        ? 'was stopped before it finished'
        : `did not finish within ${formatSeconds(timeoutMs)}`;
      return {
        name: task.name,
        outcome: 'timed-out',
        findings: [
          failure(
            task,
            `check ${task.name} ${why}`,
            'raise EKS_KIT_CHECK_TIMEOUT_SECONDS or the function timeout',
          ),
        ],
        durationMs: elapsed(),
        ...(outer?.aborted ? { stopped: true as const } : {}),
      };
    }
    return { name: task.name, outcome: 'completed', findings: result, durationMs: elapsed() };
  } catch (error) {
    const hint = (error as { hint?: unknown }).hint;
    return {
      name: task.name,
      outcome: 'threw',
      findings: [
        failure(
          task,
          `check ${task.name} failed: ${redactSecrets(formatError(error))}`,
          typeof hint === 'string' ? hint : undefined,
        ),
      ],
      durationMs: elapsed(),
    };
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

function failure(task: CheckTask, message: string, hint: string | undefined): Finding {
  return finding(task.name, task.resource, 'fail', message, {
    ...(hint ? { hint: redactSecrets(hint) } : {}),
    data: { checkError: true },
  });
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms} ms`;
}
