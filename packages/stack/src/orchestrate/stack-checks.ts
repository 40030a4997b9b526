/**
 * `stackChecks`: the one list of a stack's checks (drift of each apply step, the autoscaler set-up,
 * certificate health). `checkStack` runs it; the checks Lambda can run the same list.
 */
import { checkCertificates } from '@eks-kit/acm-dns-validation';
import { checkAutoscalerSetup } from '@eks-kit/asg-discovery';
import { type AwsClients, type Finding, finding, type ProgressEvent } from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import { autoscalerRoleInput } from '../steps/autoscaler.js';
import { stackSteps } from '../steps/index.js';
import type { StepContext } from '../steps/step.js';
import { type AccountInfo, describeAccount } from './account.js';
import { autoModeFinding, autoModeToRefuse } from './auto-mode.js';
import { shareReads } from './shared-reads.js';
import { inStackTerms } from './stack-hints.js';

/** What a check is given when it runs. */
export interface StackCheckRunOptions {
  signal?: AbortSignal;
  /** Clock for certificate expiry (tests). */
  now?: Date;
  onEvent?: (event: ProgressEvent) => void;
}

/** One check of a stack. */
export interface StackCheck {
  /** `drift.<step id>`, `autoscaler.setup` or `certificates`. */
  id: string;
  /** What it looks at, for progress lines and the finding of a check that could not run. */
  resource: string;
  run(clients: AwsClients, options?: StackCheckRunOptions): Promise<Finding[]>;
}

/**
 * The checks of a stack, in a fixed order: `drift.<step>` for each apply step (what `plan` would
 * change), `autoscaler.setup` (tags, role, trust, OIDC provider, headroom) and `certificates` per
 * region (status, expiry, renewal, validation records, CAA). The checks of one list share their
 * reads when run with the same client set (the set-up check reuses the role and cluster the drift
 * check read): call `stackChecks` again for each run, so that a later run reads AWS afresh.
 *
 * @example
 * ```ts
 * const checks = stackChecks(stack);
 * checks.map((c) => c.id); // ['drift.autoscaler.tags', 'drift.autoscaler.role', ..., 'autoscaler.setup', 'certificates']
 * const findings = (await Promise.all(checks.map((c) => c.run(clients)))).flat();
 * ```
 */
export function stackChecks(stack: Stack): StackCheck[] {
  const runs = new WeakMap<AwsClients, { clients: AwsClients; account?: Promise<AccountInfo> }>();
  const shared = (clients: AwsClients) => {
    let run = runs.get(clients);
    if (!run) {
      run = { clients: shareReads(clients, 'read-only') };
      runs.set(clients, run);
    }
    return run;
  };
  const checks: StackCheck[] = [];
  for (const step of stackSteps(stack)) {
    const id = `drift.${step.id}`;
    checks.push({
      id,
      resource: step.title,
      async run(clients, options = {}) {
        const run = shared(clients);
        const ctx: StepContext = {
          clients: run.clients,
          stack,
          dryRun: true,
          signal: options.signal,
          emit: (event) => options.onEvent?.(event),
          account: () => {
            run.account ??= describeAccount(run.clients, options.signal ? { signal: options.signal } : {});
            return run.account;
          },
        };
        const { changes, findings = [] } = await step.run(ctx);
        // What blocks the step (e.g. a role whose IRSA trust names a missing IAM OIDC provider) is
        // a finding even when nothing drifted; the autoscaler's own are said by autoscaler.setup.
        const blockers = findings.filter((f) => !(stack.autoscaler && f.check.startsWith('autoscaler.')));
        if (changes.length === 0) return [finding(id, step.title, 'ok', 'matches the stack'), ...blockers];
        return [
          ...changes.map((c) =>
            finding(id, c.resource, 'fail', `differs from the stack: ${c.summary}`, {
              hint: 'run eks-kit plan to see the changes, then eks-kit apply',
            }),
          ),
          ...blockers,
        ];
      },
    });
  }
  if (stack.autoscaler) {
    checks.push({
      id: 'autoscaler.setup',
      resource: `cluster ${stack.cluster.name}`,
      async run(clients) {
        const { stack: _stack, ...input } = autoscalerRoleInput(stack);
        return inStackTerms(await checkAutoscalerSetup(shared(clients).clients, input));
      },
    });
  }
  const byRegion = new Map<string, string[]>();
  for (const cert of stack.certificates) {
    const region = cert.region ?? stack.cluster.region;
    byRegion.set(region, [...(byRegion.get(region) ?? []), cert.domainName]);
  }
  for (const [region, domainNames] of byRegion) {
    checks.push({
      id: 'certificates',
      resource: `certificates in ${region}`,
      run: (clients, options = {}) => {
        const run = shared(clients).clients;
        return checkCertificates(region === run.region ? run : run.withRegion(region), {
          select: { stack: stack.name, domainNames },
          region,
          warnDays: stack.checks.warnDays,
          failDays: stack.checks.failDays,
          ...(options.now ? { now: options.now } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      },
    });
  }
  return stack.autoscaler ? checks.map((check) => onAutoMode(stack, check, shared)) : checks;
}

/** The checks of the autoscaler (its steps' drift and its set-up). */
const AUTOSCALER_CHECKS: ReadonlySet<string> = new Set([
  'drift.autoscaler.tags',
  'drift.autoscaler.role',
  'autoscaler.setup',
]);

/**
 * On an EKS Auto Mode cluster the autoscaler's checks are replaced by one `warn` finding (said by
 * the first of them; the others report nothing), unless the stack says `onAutoMode: install`.
 */
function onAutoMode(
  stack: Stack,
  check: StackCheck,
  shared: (clients: AwsClients) => { clients: AwsClients },
): StackCheck {
  if (!AUTOSCALER_CHECKS.has(check.id)) return check;
  return {
    ...check,
    async run(clients, options = {}) {
      const mode = await autoModeToRefuse(
        shared(clients).clients,
        stack,
        options.signal ? { signal: options.signal } : {},
      );
      if (!mode) return check.run(clients, options);
      return check.id === 'drift.autoscaler.tags' ? [autoModeFinding(stack, mode, 'warn')] : [];
    },
  };
}
