/**
 * The certificates of a stack, checked by acm-dns-validation's `checkCertificates` (one task per region).
 */
import { checkCertificates } from '@eks-kit/acm-dns-validation';
import type { Stack } from '@eks-kit/stack';
import type { CheckTask } from '../run/check-task.js';

/**
 * Tasks checking the stack's certificates, grouped by region (a certificate's `region`, else the cluster's).
 *
 * @example
 * ```ts
 * certificateCheckTasks(stack).map((t) => t.name); // ['certificates'] or ['certificates@us-east-1', ...]
 * ```
 */
export function certificateCheckTasks(stack: Stack): CheckTask[] {
  const byRegion = new Map<string, string[]>();
  for (const cert of stack.certificates) {
    const region = cert.region ?? stack.cluster.region;
    byRegion.set(region, [...(byRegion.get(region) ?? []), cert.domainName]);
  }
  return [...byRegion.entries()].map(([region, domainNames]) => ({
    name: region === stack.cluster.region ? 'certificates' : `certificates@${region}`,
    resource: domainNames.join(','),
    run: (clients, signal) =>
      checkCertificates(clients, {
        select: { domainNames },
        region,
        warnDays: stack.checks.warnDays,
        failDays: stack.checks.failDays,
        signal,
      }),
  }));
}
