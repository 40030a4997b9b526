/** Step: every certificate of the stack, requested or reused, with its validation records. */
import {
  dnsRolePolicy,
  dnsRoleTrustPolicy,
  ensureCertificate,
  listHostedZones,
} from '@eks-kit/acm-dns-validation';
import {
  type AwsClients,
  assumeRoleClients,
  type Change,
  type Finding,
  finding,
  formatError,
  isAccessDeniedError,
  withRoute53From,
  wrapAwsError,
} from '@eks-kit/core';
import { certificateRequest } from '../orchestrate/certificate-request.js';
import type { Stack, StackCertificate, StackDns } from '../schema/stack-schema.js';
import type { CertificateOutcome, Step, StepContext, StepOutcome } from './step.js';

/**
 * The Route 53 role of a certificate: its own `dns`, else the stack's, else none (the stack's account).
 *
 * @example
 * ```ts
 * certificateDns(stack, stack.certificates[0]); // { roleArn: 'arn:aws:iam::222222222222:role/eks-kit-dns' }
 * ```
 */
export function certificateDns(stack: Stack, cert: StackCertificate): StackDns | undefined {
  return cert.dns ?? stack.dns;
}

/** The assumed DNS roles of one run, by role and external id (one AssumeRole per role per run). */
const assumed = new WeakMap<AwsClients, Map<string, ReturnType<typeof assumeRoleClients>>>();

function dnsKey(dns: StackDns): string {
  return `${dns.roleArn}\u0000${dns.externalId ?? ''}\u0000${dns.sessionName ?? ''}`;
}

/**
 * The run's client set for a DNS role (assumed at most once per run and role).
 *
 * @example
 * ```ts
 * const { clients, accountId } = await dnsRoleClients(ctx.clients, stack.dns);
 * ```
 */
export function dnsRoleClients(run: AwsClients, dns: StackDns): ReturnType<typeof assumeRoleClients> {
  let roles = assumed.get(run);
  if (!roles) {
    roles = new Map();
    assumed.set(run, roles);
  }
  let entry = roles.get(dnsKey(dns));
  if (!entry) {
    entry = assumeRoleClients(run, {
      roleArn: dns.roleArn,
      sessionName: dns.sessionName ?? 'eks-kit-dns',
      ...(dns.externalId !== undefined ? { externalId: dns.externalId } : {}),
    });
    roles.set(dnsKey(dns), entry);
  }
  return entry;
}

/**
 * What stops certificates whose zone is in another account, before any write: a DNS role that cannot
 * be assumed, or that may not call Route 53 (a read-only ListHostedZonesByName through the role).
 * Each is a `fail` finding whose data holds the permission and trust policies the DNS account must create.
 *
 * @example
 * ```ts
 * const blockers = await findDnsRoleBlockers(ctx);
 * ```
 */
export async function findDnsRoleBlockers(ctx: StepContext): Promise<Finding[]> {
  const { stack } = ctx;
  const roles = new Map<string, StackDns>();
  for (const cert of stack.certificates) {
    const dns = certificateDns(stack, cert);
    if (dns) roles.set(dnsKey(dns), dns);
  }
  const found: Finding[] = [];
  for (const dns of roles.values()) {
    const policies = async () => {
      const account = await ctx.account().catch(() => undefined);
      return {
        policy: dnsRolePolicy(),
        trust: dnsRoleTrustPolicy({
          workloadAccountId: account?.accountId ?? '<this stack account id>',
          ...(dns.externalId !== undefined ? { externalId: '<the externalId of the stack file>' } : {}),
        }),
      };
    };
    let role: Awaited<ReturnType<typeof assumeRoleClients>>;
    try {
      role = await dnsRoleClients(ctx.clients, dns);
      await role.assumeNow();
    } catch (error) {
      // Throttling or a 5xx after the SDK's retries is not a verdict on the role: the run fails instead.
      if (!isAccessDeniedError(error)) throw error;
      found.push(
        finding(
          'certificate.dns-role',
          dns.roleArn,
          'fail',
          `cannot assume the DNS role: ${formatError(error)}`,
          {
            hint: 'the DNS account must create this role trusting this account (print it with `eks-kit cert dns-policy`)',
            data: await policies(),
          },
        ),
      );
      continue;
    }
    try {
      await listHostedZones(role.clients, ctx.signal);
    } catch (error) {
      if (!isAccessDeniedError(error))
        throw wrapAwsError(error, 'route53:ListHostedZonesByName', dns.roleArn);
      found.push(
        finding(
          'certificate.dns-permissions',
          dns.roleArn,
          'fail',
          `the DNS role may not call Route 53: ${formatError(wrapAwsError(error, 'route53:ListHostedZonesByName', dns.roleArn))}`,
          {
            hint: 'attach the policy of `eks-kit cert dns-policy` to the role in the DNS account',
            data: await policies(),
          },
        ),
      );
    }
  }
  return found;
}

/**
 * Name the account and role of Route 53 changes made through a DNS role (apply's, and destroy's and
 * prune's deletions of validation records).
 *
 * @example
 * ```ts
 * throughRole(result.changes, stack.dns, '222222222222'); // route53 summaries end "(account 222222222222 as arn:...)"
 * ```
 */
export function throughRole(changes: Change[], dns: StackDns, accountId: string): Change[] {
  return changes.map((c) =>
    c.resource.startsWith('route53')
      ? { ...c, summary: `${c.summary} (account ${accountId} as ${dns.roleArn})` }
      : c,
  );
}

/**
 * The certificates step: `ensureCertificate` for each certificate (tagged `eks-kit:stack`), without
 * waiting (apply waits for all of them together at the end). A certificate with a `dns` role (its
 * own or the stack's) sends every Route 53 call through that role; ACM stays in the stack's account.
 * A plan reports an unusable DNS role as a failing finding instead of that certificate's changes.
 *
 * @example
 * ```ts
 * const outcome = await certificatesStep.run(ctx);
 * ```
 */
export const certificatesStep: Step = {
  id: 'certificates',
  title: 'certificates and their DNS validation records',
  blockers: (ctx) => findDnsRoleBlockers(ctx),
  async run(ctx): Promise<StepOutcome> {
    const { stack } = ctx;
    const outcome: StepOutcome = { changes: [], certificates: [], findings: [] };
    const blocked = new Set<string>();
    if (ctx.dryRun) {
      for (const f of await findDnsRoleBlockers(ctx)) {
        outcome.findings!.push(f);
        blocked.add(f.resource);
      }
    }
    for (const cert of stack.certificates) {
      const region = cert.region ?? stack.cluster.region;
      const dns = certificateDns(stack, cert);
      if (dns && blocked.has(dns.roleArn)) continue;
      const regional = region === ctx.clients.region ? ctx.clients : ctx.clients.withRegion(region);
      const role = dns ? await dnsRoleClients(ctx.clients, dns) : undefined;
      const clients = role ? withRoute53From(regional, role.clients) : regional;
      const result = await ensureCertificate(
        clients,
        certificateRequest({ ...stack, tags: stack.tags ?? {} }, cert),
        {
          dryRun: ctx.dryRun,
          adopt: ctx.adopt === true || cert.adopt === true,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          onEvent: ctx.emit,
        },
      );
      outcome.changes.push(
        ...(dns && role ? throughRole(result.changes, dns, role.accountId) : result.changes),
      );
      const certOutcome: CertificateOutcome = {
        domainName: cert.domainName,
        arn: result.arn,
        region,
        status: result.status,
        changeIds: result.changeIds,
        ...(dns && role
          ? { dns: { roleArn: dns.roleArn, accountId: role.accountId }, route53Clients: role.clients }
          : {}),
      };
      outcome.certificates!.push(certOutcome);
    }
    return outcome;
  },
};
