/**
 * Every check of a stack as a separate task, so that each runs, times out and fails on its own and
 * has its own duration metric. The checks and their ids are those of @eks-kit/stack's `checkStack`
 * (what `eks-kit check` runs), composed from the pieces the stack package exports: the drift of each
 * apply step in dry run (`stackSteps`), the autoscaler set-up (asg-discovery's `checkAutoscalerSetup`)
 * and certificate health (acm-dns-validation's `checkCertificates`).
 */
import { checkCertificates } from '@eks-kit/acm-dns-validation';
import { checkAutoscalerSetup } from '@eks-kit/asg-discovery';
import { finding } from '@eks-kit/core';
import {
  type AccountInfo,
  autoscalerRoleInput,
  describeAccount,
  type Stack,
  type StepContext,
  stackSteps,
} from '@eks-kit/stack';
import type { CheckTask } from '../run/check-task.js';

/**
 * The check tasks of a stack: `drift.<step>` for each apply step, `autoscaler.setup`, and
 * `certificates` (one task per region).
 *
 * @example
 * ```ts
 * stackCheckTasks(parseStack(text, 'eks-kit.yaml')).map((t) => t.name);
 * // ['drift.autoscaler.tags', 'drift.autoscaler.role', 'drift.certificates', 'autoscaler.setup', 'certificates']
 * ```
 */
export function stackCheckTasks(stack: Stack): CheckTask[] {
  return [...driftTasks(stack), ...autoscalerTasks(stack), ...certificateTasks(stack)];
}

/** What `plan` would change, step by step: any change is a `fail` finding. */
function driftTasks(stack: Stack): CheckTask[] {
  return stackSteps(stack).map((step) => ({
    name: `drift.${step.id}`,
    resource: step.title,
    run: async (clients, signal) => {
      let account: Promise<AccountInfo> | undefined;
      const ctx: StepContext = {
        clients,
        stack,
        dryRun: true,
        signal,
        emit: () => undefined,
        account: () => {
          account ??= describeAccount(clients, { signal });
          return account;
        },
      };
      const { changes } = await step.run(ctx);
      if (changes.length === 0) return [finding(`drift.${step.id}`, step.title, 'ok', 'matches the stack')];
      return changes.map((c) =>
        finding(`drift.${step.id}`, c.resource, 'fail', `differs from the stack: ${c.summary}`, {
          hint: 'run eks-kit plan to see the changes, then eks-kit apply',
        }),
      );
    },
  }));
}

function autoscalerTasks(stack: Stack): CheckTask[] {
  if (!stack.autoscaler) return [];
  return [
    {
      name: 'autoscaler.setup',
      resource: `cluster ${stack.cluster.name}`,
      // The same input as checkStack's (asg-discovery's setup check takes no signal: the runner's timeout applies).
      run: (clients) => {
        const { stack: _stack, ...input } = autoscalerRoleInput(stack);
        return checkAutoscalerSetup(clients, input);
      },
    },
  ];
}

function certificateTasks(stack: Stack): CheckTask[] {
  const byRegion = new Map<string, string[]>();
  for (const cert of stack.certificates) {
    const region = cert.region ?? stack.cluster.region;
    byRegion.set(region, [...(byRegion.get(region) ?? []), cert.domainName]);
  }
  return [...byRegion.entries()].map(([region, domainNames]) => ({
    name: region === stack.cluster.region ? 'certificates' : `certificates@${region}`,
    resource: `certificates in ${region}`,
    run: (clients, signal) =>
      checkCertificates(region === clients.region ? clients : clients.withRegion(region), {
        select: { stack: stack.name, domainNames },
        region,
        warnDays: stack.checks.warnDays,
        failDays: stack.checks.failDays,
        signal,
      }),
  }));
}
