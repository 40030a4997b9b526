/**
 * `checkStack`: every check of a stack as findings. The CLI's `check` and the checks Lambda run it.
 * Each check runs on its own: one that fails (even by throwing) never hides the others.
 */
import { checkCertificates } from '@eks-kit/acm-dns-validation';
import { checkAutoscalerSetup } from '@eks-kit/asg-discovery';
import { type AwsClients, type Finding, finding, formatError, type ProgressEvent } from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import { autoscalerRoleInput } from '../steps/autoscaler.js';
import { stackSteps } from '../steps/index.js';
import type { StepContext } from '../steps/step.js';
import { type AccountInfo, describeAccount } from './account.js';

/** Options of {@link checkStack}. */
export interface CheckStackOptions {
  signal?: AbortSignal;
  onEvent?: (event: ProgressEvent) => void;
  /** Clock for certificate expiry (tests). */
  now?: Date;
}

type CheckFn = () => Promise<Finding[]>;

/**
 * Run every check of the stack: drift of each apply step (what `plan` would change), the
 * autoscaler set-up (tags, role, trust, OIDC provider, headroom) and certificate health (status,
 * expiry, renewal, validation records, CAA). Checks run concurrently; one that throws becomes a
 * `fail` finding and the others still run.
 *
 * @example
 * ```ts
 * const findings = await checkStack(clients, stack);
 * process.exitCode = findings.some((f) => f.status === 'fail') ? 2 : 0;
 * ```
 */
export async function checkStack(
  clients: AwsClients,
  stack: Stack,
  options: CheckStackOptions = {},
): Promise<Finding[]> {
  const emit = (event: ProgressEvent): void => options.onEvent?.(event);
  let account: Promise<AccountInfo> | undefined;
  const ctx: StepContext = {
    clients,
    stack,
    dryRun: true,
    signal: options.signal,
    emit,
    account: () => {
      account ??= describeAccount(clients, options.signal ? { signal: options.signal } : {});
      return account;
    },
  };
  const checks: Array<{ id: string; resource: string; run: CheckFn }> = [];
  for (const step of stackSteps(stack)) {
    checks.push({
      id: `drift.${step.id}`,
      resource: step.title,
      run: async () => {
        const { changes } = await step.run(ctx);
        if (changes.length === 0) return [finding(`drift.${step.id}`, step.title, 'ok', 'matches the stack')];
        return changes.map((c) =>
          finding(`drift.${step.id}`, c.resource, 'fail', `differs from the stack: ${c.summary}`, {
            hint: 'run eks-kit plan to see the changes, then eks-kit apply',
          }),
        );
      },
    });
  }
  if (stack.autoscaler) {
    checks.push({
      id: 'autoscaler.setup',
      resource: `cluster ${stack.cluster.name}`,
      run: async () => {
        const { stack: _stack, ...input } = autoscalerRoleInput(stack);
        return checkAutoscalerSetup(clients, input);
      },
    });
  }
  if (stack.certificates.length > 0) {
    const byRegion = new Map<string, string[]>();
    for (const cert of stack.certificates) {
      const region = cert.region ?? stack.cluster.region;
      byRegion.set(region, [...(byRegion.get(region) ?? []), cert.domainName]);
    }
    for (const [region, domainNames] of byRegion) {
      checks.push({
        id: 'certificates',
        resource: `certificates in ${region}`,
        run: () =>
          checkCertificates(region === clients.region ? clients : clients.withRegion(region), {
            select: { stack: stack.name, domainNames },
            region,
            warnDays: stack.checks.warnDays,
            failDays: stack.checks.failDays,
            ...(options.now ? { now: options.now } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
          }),
      });
    }
  }
  const results = await Promise.all(
    checks.map(async (check) => {
      emit({ type: 'check.start', message: `checking ${check.resource}...`, check: check.id });
      try {
        return await check.run();
      } catch (error) {
        return [
          finding(check.id, check.resource, 'fail', `check could not run: ${formatError(error)}`, {
            hint: 'fix the error above and run eks-kit check again',
          }),
        ];
      }
    }),
  );
  return results.flat();
}
