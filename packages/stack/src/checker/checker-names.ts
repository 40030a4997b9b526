/**
 * The deployed checker's names and schedule rules: what the checks Lambda's template deploys and
 * what `eks-kit check --checker` verifies, kept in one place both read (moved from the Lambda app,
 * so that the CLI imports no app).
 */
import { InvalidInputError } from '@eks-kit/core';

/** Default schedule: once a day (EventBridge Scheduler rate expression). */
export const DEFAULT_SCHEDULE = 'rate(1 day)';
/** Margin added to the schedule's period for the heartbeat alarm, in hours. */
export const HEARTBEAT_MARGIN_HOURS = 2;
/** CloudWatch evaluates at most 7 days of hourly periods (PutMetricAlarm). */
export const HEARTBEAT_MAX_HOURS = 168;

/** Names of what the template deploys for a stack, for the CLI's check of the deployed checker. */
export interface CheckerNames {
  functionName: string;
  roleName: string;
  scheduleName: string;
  /** The state machine that splits a run over an organisation (`<function>-run`; deployed only then). */
  stateMachineName: string;
  stateParameter: string;
}

/**
 * Names of the deployed checker of a stack (function, role and schedule share one name).
 *
 * @example
 * ```ts
 * checkerNames('prod').stateParameter; // '/eks-kit/prod/checks-state'
 * ```
 */
export function checkerNames(stackName: string, functionName = `eks-kit-checks-${stackName}`): CheckerNames {
  return {
    functionName,
    roleName: functionName,
    scheduleName: functionName,
    stateMachineName: `${functionName}-run`,
    stateParameter: `/eks-kit/${stackName}/checks-state`,
  };
}

/**
 * Hours without a completed run after which the heartbeat alarm fires: the schedule's longest gap
 * plus {@link HEARTBEAT_MARGIN_HOURS}. `rate(N minutes|hours|days)` gives its period; a `cron(...)`
 * that runs every day (day-of-month, month and day-of-week all `*` or `?`) gives 24 h; any other
 * cron needs `heartbeatHours` (throws `InvalidInputError` naming `schedule`). At most 168 h.
 *
 * @example
 * ```ts
 * heartbeatHoursFor('rate(1 day)'); // 26
 * heartbeatHoursFor('cron(0 6 * * ? *)'); // 26
 * heartbeatHoursFor('rate(6 hours)'); // 8
 * ```
 */
export function heartbeatHoursFor(schedule: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule.trim());
  let periodHours: number | undefined;
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] as string;
    periodHours = unit.startsWith('minute') ? n / 60 : unit.startsWith('hour') ? n : n * 24;
  } else {
    const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(schedule.trim());
    const wild = (v: string | undefined) => v === '*' || v === '?';
    if (cron && wild(cron[3]) && wild(cron[4]) && wild(cron[5])) periodHours = 24;
  }
  if (periodHours === undefined || periodHours <= 0) {
    throw new InvalidInputError(
      'schedule',
      schedule,
      'rate(N minutes|hours|days) or a daily cron(...), or give heartbeatHours (--heartbeat-hours) for other crons',
    );
  }
  const hours = Math.ceil(periodHours) + HEARTBEAT_MARGIN_HOURS;
  if (hours > HEARTBEAT_MAX_HOURS) {
    throw new InvalidInputError(
      'schedule',
      schedule,
      `a schedule of at most ${HEARTBEAT_MAX_HOURS - HEARTBEAT_MARGIN_HOURS} hours (CloudWatch alarms look back 7 days at most)`,
    );
  }
  return Math.max(2, hours);
}
