/**
 * `stackChecks`: the one list of a stack's checks (drift of each apply step, the autoscaler set-up,
 * certificate health). `checkStack` runs it; the checks Lambda can run the same list.
 */
import {
  checkCertificates,
  checkDelegation,
  checkPublicResolution,
  describeCertificate,
  findCertificate,
  toCertificateStatus,
} from '@eks-kit/acm-dns-validation';
import {
  AUTOSCALER_POLICY_NAME,
  checkAutoscalerSetup,
  describeClusterAddon,
  METRICS_SERVER_ADDON,
  POD_IDENTITY_AGENT_ADDON,
} from '@eks-kit/asg-discovery';
import {
  type AccountInfo,
  type AwsClients,
  describeAccount,
  type Finding,
  finding,
  type ProgressEvent,
  withRoute53From,
} from '@eks-kit/core';
import { checkRepositoryGrants, RUNNER_POLICY_NAME } from '@eks-kit/ecr-credentials';
import { checkRoleGrants } from '@eks-kit/iam-policies';
import type { Stack, StackDns } from '../schema/stack-schema.js';
import { autoscalerRoleInput } from '../steps/autoscaler.js';
import { certificateDns, dnsRoleClients } from '../steps/certificates.js';
import { stackSteps } from '../steps/index.js';
import { desiredRepositories } from '../steps/repositories.js';
import type { Step, StepContext } from '../steps/step.js';
import { autoModeFinding, autoModeToRefuse } from './auto-mode.js';
import { normalisedCertificateRequest } from './certificate-request.js';
import type { CertificateRegionsOptions } from './destroy-regions.js';
import { autoscalerRoleName, runnerRoleName } from './names.js';
import { findOrphans, orphanFinding, orphanScanOptions } from './orphans.js';
import { prefetchCheckReads, prefetchReads } from './prefetch.js';
import { blockerFinding, isBlocker } from './run-steps.js';
import { bindSharedReads } from './shared-reads.js';
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
 * The reads the checks of one list share in one run, per client set (made on first use): the client
 * set, and the account once read.
 */
type SharedRuns = (clients: AwsClients) => { clients: AwsClients; account?: Promise<AccountInfo> };

/**
 * The checks of a stack, in a fixed order: `drift.<step>` for each apply step (what `plan` would
 * change), `ownership.grants` (a policy added by hand to a role or repository the stack owns that
 * grants more than the stack's own fails, naming it), `autoscaler.setup` (tags, role, trust, OIDC
 * provider, headroom), `certificates` per region (status, expiry, renewal, validation records, CAA),
 * and `addons` when the stack uses metrics-server or Pod Identity (is metrics-server an EKS add-on; is
 * the Pod Identity agent there). The checks of one list share their
 * reads when run with the same client set (the set-up check reuses the role and cluster the drift
 * check read): call `stackChecks` again for each run, so that a later run reads AWS afresh.
 * `regions.allRegions` / `regions.regions` (issue 21): the orphans check also looks for the stack's
 * certificates in those regions (a region that cannot be searched: a `warn` `stack.orphans.region`).
 *
 * @example
 * ```ts
 * const checks = stackChecks(stack);
 * checks.map((c) => c.id); // ['drift.autoscaler.tags', 'drift.autoscaler.role', ..., 'autoscaler.setup', 'certificates']
 * const findings = (await Promise.all(checks.map((c) => c.run(clients)))).flat();
 * stackChecks(stack, { allRegions: true }); // the orphans check looks in every enabled region
 * ```
 */
export function stackChecks(stack: Stack, regions: CertificateRegionsOptions = {}): StackCheck[] {
  const runs = new WeakMap<AwsClients, { clients: AwsClients; account?: Promise<AccountInfo> }>();
  const shared = (clients: AwsClients) => {
    let run = runs.get(clients);
    if (!run) {
      // One run of shared reads per client set, bound to the set, not to an async context: an
      // AsyncLocalStorage context would make Node track every promise of the checks (issue 21).
      run = { clients: bindSharedReads(clients, 'read-only') };
      // The reads the stack file gives the input of start now, inside the list's run (issue 22).
      // The check reads first: the cluster-tagged groups' read must be known to the run before the
      // selected groups' read by name is sent (it may answer it).
      prefetchCheckReads(run.clients, stack);
      prefetchReads(run.clients, stack);
      runs.set(clients, run);
    }
    return run;
  };
  const checks: StackCheck[] = [];
  for (const step of stackSteps(stack)) {
    checks.push(driftCheck(stack, step, shared));
  }
  const grants = grantsCheck(stack, shared);
  if (grants) checks.push(grants);
  if (stack.autoscaler) {
    checks.push({
      id: 'autoscaler.setup',
      resource: `cluster ${stack.cluster.name}`,
      async run(clients) {
        const { stack: _stack, ...input } = autoscalerRoleInput(stack);
        return inStackTerms(await checkAutoscalerSetup(shared(clients).clients, input), stack);
      },
    });
  }
  const metricsServer = stack.metricsServer !== undefined && stack.metricsServer.enabled !== false;
  const podIdentity = stack.autoscaler?.identity.mode === 'pod-identity';
  if (metricsServer || podIdentity) {
    checks.push(addonsCheck(stack, shared, metricsServer, podIdentity));
  }
  // One certificates check per region and DNS role (a zone in another account is read through its role).
  for (const { region, dns, domainNames } of certificateGroups(stack)) {
    checks.push(certificatesCheck(stack, shared, region, dns, domainNames));
  }
  // Orphans (issue 16): the stack's tag on something the file no longer describes; one warn each.
  checks.push({
    id: 'stack.orphans',
    resource: `resources tagged eks-kit:stack=${stack.name}`,
    async run(clients, options = {}) {
      const notices: Finding[] = [];
      const orphans = await findOrphans(
        shared(clients).clients,
        stack,
        orphanScanOptions(stack, { ...regions, signal: options.signal }, notices),
      );
      return orphans.length > 0
        ? [...orphans.map(orphanFinding), ...notices]
        : [
            ...notices,
            finding(
              'stack.orphans',
              stack.name,
              'ok',
              'no resource tagged for the stack is missing from the stack file',
            ),
          ];
    },
  });
  const all = stack.autoscaler ? checks.map((check) => onAutoMode(stack, check, shared)) : checks;
  // Every check of this list sends its calls through the list's one run of shared reads (per client
  // set): `shared(clients).clients`.
  return all;
}

/** `ownership.grants`: a policy added by hand to a role or repository the stack owns (none: no check). */
function grantsCheck(stack: Stack, shared: SharedRuns): StackCheck | undefined {
  const roles: Array<{ name: string; inline: string[] }> = [];
  if (stack.autoscaler) roles.push({ name: autoscalerRoleName(stack), inline: [AUTOSCALER_POLICY_NAME] });
  if (stack.gitlab) roles.push({ name: runnerRoleName(stack), inline: [RUNNER_POLICY_NAME] });
  const repositories = desiredRepositories(stack).map((r) => r.name);
  if (roles.length === 0 && repositories.length === 0) return undefined;
  return {
    id: 'ownership.grants',
    resource: 'policies on the roles and repositories the stack owns',
    async run(clients) {
      const run = shared(clients).clients;
      // Every role and repository at once (issue 22: none depends on another), reported in order.
      const lists = await Promise.all([
        ...roles.map((role) =>
          checkRoleGrants(run, { name: role.name, stack: stack.name, inlinePolicies: role.inline }),
        ),
        ...repositories.map((name) =>
          checkRepositoryGrants(run, { name, stack: stack.name, ownRoles: roles.map((r) => r.name) }),
        ),
      ]);
      return lists.flat();
    },
  };
}

/** The stack's certificates grouped by region and DNS role (the domain names of each group). */
function certificateGroups(
  stack: Stack,
): Array<{ region: string; dns: StackDns | undefined; domainNames: string[] }> {
  const groups = new Map<string, { region: string; dns: StackDns | undefined; domainNames: string[] }>();
  for (const cert of stack.certificates) {
    const region = cert.region ?? stack.cluster.region;
    const dns = certificateDns(stack, cert);
    const key = `${region}\u0000${dns?.roleArn ?? ''}`;
    const group = groups.get(key) ?? { region, dns, domainNames: [] };
    group.domainNames.push(cert.domainName);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** `drift.<step id>`: what `plan` would change for one apply step; a refusal is a finding naming it. */
function driftCheck(stack: Stack, step: Step, shared: SharedRuns): StackCheck {
  const id = `drift.${step.id}`;
  return {
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
      let outcome: Awaited<ReturnType<typeof step.run>>;
      try {
        outcome = await step.run(ctx);
      } catch (error) {
        // A refusal (another stack's resource, a missing zone...) is a finding naming it, as in a plan.
        if (!isBlocker(error)) throw error;
        return [blockerFinding(error, step.id, step.title)];
      }
      const { changes, findings = [] } = outcome;
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
  };
}

/** `addons`: is the Pod Identity agent there (pod-identity mode); is metrics-server an EKS add-on. */
function addonsCheck(
  stack: Stack,
  shared: SharedRuns,
  metricsServer: boolean,
  podIdentity: boolean,
): StackCheck {
  return {
    id: 'addons',
    resource: `cluster ${stack.cluster.name}`,
    async run(clients, options = {}) {
      const run = shared(clients).clients;
      const findings: Finding[] = [];
      const resource = `eks cluster ${stack.cluster.name}`;
      if (podIdentity) findings.push(await podIdentityAgentFinding(stack, run, resource, options.signal));
      if (metricsServer) findings.push(await metricsServerFinding(stack, run, resource, options.signal));
      return findings;
    },
  };
}

/** `addons.pod-identity-agent`: is the agent the autoscaler's pod-identity mode needs installed and active? */
async function podIdentityAgentFinding(
  stack: Stack,
  run: AwsClients,
  resource: string,
  signal: AbortSignal | undefined,
): Promise<Finding> {
  const agent = await describeClusterAddon(run, stack.cluster.name, POD_IDENTITY_AGENT_ADDON, signal);
  if (!agent)
    return finding(
      'addons.pod-identity-agent',
      resource,
      'fail',
      `autoscaler.identity.mode is pod-identity but the cluster has no ${POD_IDENTITY_AGENT_ADDON} add-on: the autoscaler's pod gets no AWS credentials`,
      {
        hint: `install it: aws eks create-addon --cluster-name ${stack.cluster.name} --addon-name ${POD_IDENTITY_AGENT_ADDON} (or use identity mode irsa)`,
      },
    );
  return finding(
    'addons.pod-identity-agent',
    resource,
    agent.status === 'ACTIVE' ? 'ok' : 'warn',
    `${POD_IDENTITY_AGENT_ADDON} add-on ${agent.version ?? ''} is ${agent.status}`.replace('  ', ' '),
    agent.status === 'ACTIVE'
      ? {}
      : {
          hint: `check it: aws eks describe-addon --cluster-name ${stack.cluster.name} --addon-name ${POD_IDENTITY_AGENT_ADDON}`,
        },
  );
}

/** `addons.metrics-server`: is metrics-server an EKS add-on (then eks-kit render leaves its own out)? */
async function metricsServerFinding(
  stack: Stack,
  run: AwsClients,
  resource: string,
  signal: AbortSignal | undefined,
): Promise<Finding> {
  const addon = await describeClusterAddon(run, stack.cluster.name, METRICS_SERVER_ADDON, signal);
  return addon
    ? finding(
        'addons.metrics-server',
        resource,
        'warn',
        `metrics-server is installed as an EKS add-on (${addon.status}): eks-kit render leaves its own metrics-server release out, so there is no second copy`,
        {
          hint: 'set metricsServer.enabled: false in the stack file to say so, or remove the add-on to let eks-kit install it',
        },
      )
    : finding(
        'addons.metrics-server',
        resource,
        'ok',
        'metrics-server is not an EKS add-on on this cluster: eks-kit render installs it with its helmfile',
      );
}

/**
 * `certificates` of one region and DNS role: status, expiry, renewal, validation records, the
 * delegation of their zones and, opt-in, the public resolution of a record pending too long.
 */
function certificatesCheck(
  stack: Stack,
  shared: SharedRuns,
  region: string,
  dns: StackDns | undefined,
  domainNames: string[],
): StackCheck {
  return {
    id: 'certificates',
    resource: dns ? `certificates in ${region} (DNS through ${dns.roleArn})` : `certificates in ${region}`,
    run: async (clients, options = {}) => {
      const run = shared(clients).clients;
      const regional = region === run.region ? run : run.withRegion(region);
      const role = dns ? await dnsRoleClients(run, dns) : undefined;
      const through = role ? withRoute53From(regional, role.clients) : regional;
      // The certificates' health and their zones' delegation do not depend on each other: read at
      // once (issue 22), reported in this order.
      const health = checkCertificates(through, {
        select: { stack: stack.name, domainNames },
        region,
        warnDays: stack.checks.warnDays,
        failDays: stack.checks.failDays,
        ...(options.now ? { now: options.now } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      health.catch(() => undefined);
      // Is each zone holding the validation records delegated from its parent (either account)?
      const certs = stack.certificates.filter((c) => domainNames.includes(c.domainName));
      const delegation = await checkDelegation({
        names: certs.flatMap((c) => [c.domainName, ...(c.subjectAlternativeNames ?? [])]),
        zones: {
          clients: through,
          label: role && dns ? `account ${role.accountId} via ${dns.roleArn}` : "the stack's account",
        },
        ...(role ? { parents: [{ clients: run, label: "the stack's account" }] } : {}),
        explicitZones: Object.assign({}, ...certs.map((c) => c.zones ?? {})),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const findings = await health;
      // A certificate PENDING_VALIDATION for more than 5 minutes: does its record resolve publicly?
      const resolution = [];
      const now = (options.now ?? new Date()).getTime();
      // Opt-in (checks.dnsServers; [] = the system's servers): it asks DNS outside AWS's APIs.
      for (const cert of stack.checks.dnsServers ? certs : []) {
        const found = await findCertificate(
          through,
          normalisedCertificateRequest({ ...stack, tags: stack.tags ?? {} }, cert),
          options.signal ? { signal: options.signal } : {},
        );
        if (found?.status !== 'PENDING_VALIDATION') continue;
        const detail = await describeCertificate(through, found.arn, options.signal);
        if (!detail.CreatedAt || now - detail.CreatedAt.getTime() < 5 * 60_000) continue;
        resolution.push(
          ...(await checkPublicResolution({
            arn: found.arn,
            records: toCertificateStatus(detail).records,
            servers: stack.checks.dnsServers ?? [],
            causes: delegation.filter((d) => d.status === 'fail').map((d) => d.message),
          })),
        );
      }
      return [...findings, ...delegation, ...resolution];
    },
  };
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
