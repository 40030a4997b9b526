/**
 * A notice of failures to an SNS topic: the failing findings only, never credentials or tokens.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { type AwsClients, parseArn, wrapAwsError } from '@eks-kit/core';
import { redactSecrets } from './redact.js';
import type { ChecksSummary } from './summary.js';

/** SNS limits: Subject up to 100 printable ASCII characters; Message up to 256 KiB (SNS Publish reference). */
const SUBJECT_MAX = 100;
const MESSAGE_MAX_BYTES = 256 * 1024 - 1024;

/**
 * The subject and text of a failure notice (a pure builder).
 *
 * @example
 * ```ts
 * const { subject, message } = failureNotice(summary);
 * subject; // 'eks-kit checks: 2 failures in stack prod'
 * ```
 */
export function failureNotice(summary: ChecksSummary): { subject: string; message: string } {
  const fails = summary.findings.filter((f) => f.status === 'fail');
  const subject =
    `eks-kit checks: ${fails.length} failure${fails.length === 1 ? '' : 's'} in stack ${summary.stack}`
      .replace(/[^\x20-\x7e]/g, '?')
      .slice(0, SUBJECT_MAX);
  const lines = [
    `Stack ${summary.stack}: ${summary.counts.fail} failed, ${summary.counts.warn} warnings, ${summary.counts.ok} ok.`,
    '',
    ...fails.map((f) => {
      const where = f.target === 'self' ? '' : ` [${f.target}]`;
      return `FAIL ${f.check} ${f.resource}${where}: ${f.message}${f.hint ? `\n  fix: ${f.hint}` : ''}`;
    }),
  ];
  let message = redactSecrets(lines.join('\n'));
  if (Buffer.byteLength(message) > MESSAGE_MAX_BYTES) {
    message = `${Buffer.from(message).subarray(0, MESSAGE_MAX_BYTES).toString('utf8')}\n... (truncated; see the function's logs)`;
  }
  return { subject, message };
}

/**
 * Publish the failure notice to `topicArn` (in the topic's own region) when there is a failure.
 * Returns the SNS message id, or `undefined` when nothing failed.
 *
 * @example
 * ```ts
 * await notifyFailures(clients, 'arn:aws:sns:eu-west-1:111111111111:eks-kit-alerts', summary);
 * ```
 */
export async function notifyFailures(
  clients: AwsClients,
  topicArn: string,
  summary: ChecksSummary,
): Promise<string | undefined> {
  if (summary.counts.fail === 0) return undefined;
  const region = parseArn(topicArn, 'EKS_KIT_SNS_TOPIC_ARN').region;
  const sns = await (region && region !== clients.region ? clients.withRegion(region) : clients).sns();
  const { subject, message } = failureNotice(summary);
  try {
    const out = await sns.send(
      new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }),
    );
    return out.MessageId;
  } catch (error) {
    throw wrapAwsError(error, 'sns:Publish', topicArn);
  }
}
