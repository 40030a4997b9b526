/**
 * Notices to an SNS topic: what changed since the last run (new failures, failures resolved, what
 * is still failing), or a reminder of what is still failing; never credentials or tokens.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { type AwsClients, parseArn, wrapAwsError } from '@eks-kit/core';
import type { ChangedFailure, CheckChanges } from './finding-state.js';
import { redactSecrets } from './redact.js';
import type { ChecksSummary } from './summary.js';

/** SNS limits: Subject up to 100 printable ASCII characters; Message up to 256 KiB (SNS Publish reference). */
const SUBJECT_MAX = 100;
const MESSAGE_MAX_BYTES = 256 * 1024 - 1024;

/** A notice ready to publish. */
export interface Notice {
  subject: string;
  message: string;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const day = (iso: string): string => iso.slice(0, 10);

function fixLine(hint: string | undefined): string {
  return `\n  fix: ${hint ?? 'run `eks-kit check` with the stack file for the details, `eks-kit plan` for what apply would change'}`;
}

function where(target: string): string {
  return target === 'self' ? '' : ` [${target}]`;
}

function failingLine(f: ChangedFailure, withSince: boolean): string {
  const since = withSince ? ` (failing since ${day(f.since)})` : '';
  return `FAIL ${f.check} ${f.resource}${where(f.target)}${since}: ${f.finding?.message ?? 'not looked at this run'}${fixLine(f.finding?.hint)}`;
}

function finish(subject: string, lines: string[]): Notice {
  let message = redactSecrets(lines.join('\n'));
  if (Buffer.byteLength(message) > MESSAGE_MAX_BYTES) {
    message = `${Buffer.from(message).subarray(0, MESSAGE_MAX_BYTES).toString('utf8')}\n... (truncated; see the function's logs)`;
  }
  return { subject: subject.replace(/[^\x20-\x7e]/g, '?').slice(0, SUBJECT_MAX), message };
}

/**
 * The notice of a run, by its kind: `first-run` (everything failing), `change` (new, resolved,
 * still failing), `reminder` (still failing, at most every `EKS_KIT_REMINDER_DAYS`); `undefined`
 * for `none`. Each failure carries its fix.
 *
 * @example
 * ```ts
 * const notice = changeNotice(summary, changes);
 * notice?.subject; // 'eks-kit checks: 1 new failure, 1 resolved in stack prod'
 * ```
 */
export function changeNotice(summary: ChecksSummary, changes: CheckChanges): Notice | undefined {
  const { newFailures, resolved, stillFailing } = changes;
  const totals = `Now: ${summary.counts.fail} failed, ${summary.counts.warn} warnings, ${summary.counts.ok} ok.`;
  const stack = summary.stack;
  switch (changes.notice) {
    case 'none':
      return undefined;
    case 'first-run':
      return finish(`eks-kit checks: ${plural(newFailures.length, 'failure')} in stack ${stack}`, [
        `Stack ${stack}: first run of the checks (no earlier run to compare with). ${totals}`,
        '',
        ...newFailures.map((f) => failingLine(f, false)),
        '',
        'You will hear again when a failure appears or is resolved, and as a reminder while any stays.',
      ]);
    case 'change': {
      const parts = [
        ...(newFailures.length > 0 ? [plural(newFailures.length, 'new failure')] : []),
        ...(resolved.length > 0 ? [`${resolved.length} resolved`] : []),
      ];
      return finish(`eks-kit checks: ${parts.join(', ')} in stack ${stack}`, [
        `Stack ${stack}: what changed since the last run (${changes.previousRunAt ?? 'unknown'}). ${totals}`,
        ...(newFailures.length > 0
          ? ['', `NEW (${newFailures.length})`, ...newFailures.map((f) => failingLine(f, false))]
          : []),
        ...(resolved.length > 0
          ? [
              '',
              `RESOLVED (${resolved.length})`,
              ...resolved.map(
                (f) => `OK   ${f.check} ${f.resource}${where(f.target)} (was failing since ${day(f.since)})`,
              ),
            ]
          : []),
        ...(stillFailing.length > 0
          ? ['', `STILL FAILING (${stillFailing.length})`, ...stillFailing.map((f) => failingLine(f, true))]
          : []),
      ]);
    }
    case 'reminder':
      return finish(
        `eks-kit checks: reminder, ${plural(stillFailing.length, 'failure')} still in stack ${stack}`,
        [
          `Stack ${stack}: nothing changed since the last notice, but these still fail. ${totals}`,
          '',
          ...stillFailing.map((f) => failingLine(f, true)),
        ],
      );
  }
}

/**
 * Publish a notice to `topicArn` (in the topic's own region); returns the SNS message id.
 *
 * @example
 * ```ts
 * await publishNotice(clients, 'arn:aws:sns:eu-west-1:111111111111:eks-kit-alerts', notice);
 * ```
 */
export async function publishNotice(
  clients: AwsClients,
  topicArn: string,
  notice: Notice,
): Promise<string | undefined> {
  const region = parseArn(topicArn, 'EKS_KIT_SNS_TOPIC_ARN').region;
  const sns = await (region && region !== clients.region ? clients.withRegion(region) : clients).sns();
  try {
    const out = await sns.send(
      new PublishCommand({ TopicArn: topicArn, Subject: notice.subject, Message: notice.message }),
    );
    return out.MessageId;
  } catch (error) {
    throw wrapAwsError(error, 'sns:Publish', topicArn);
  }
}
