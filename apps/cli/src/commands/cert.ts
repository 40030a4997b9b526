/** `eks-kit cert request|status|records|wait`: the stack's ACM certificates, one verb at a time. */
import {
  checkDelegation,
  describeCertificateStatus,
  dnsRolePolicy,
  dnsRoleTrustPolicy,
  ensureCertificate,
  findCertificate,
  waitUntilIssued,
} from '@eks-kit/acm-dns-validation';
import {
  type AwsClients,
  changesToJson,
  EXIT_CODES,
  InvalidInputError,
  renderChanges,
  validateDnsName,
  withRoute53From,
} from '@eks-kit/core';
import {
  certificateDns,
  certificateRequest,
  dnsRoleClients,
  normalisedCertificateRequest,
  type Stack,
  type StackCertificate,
} from '@eks-kit/stack';
import { accountIdOf, checkAccountOption } from '../runtime/account.js';
import type { CommandContext } from '../runtime/context.js';
import { withStack } from '../runtime/load.js';
import {
  type AccountIdOption,
  type FileOption,
  optionValue,
  type TimeoutOption,
} from '../runtime/options.js';

/** Options of every `eks-kit cert` command. */
export interface CertOptions extends FileOption {
  /** Only the certificate for this domain name. */
  domain?: string;
}

/** Options of `eks-kit cert request`. */
export interface CertRequestOptions extends CertOptions {
  dryRun?: boolean;
}

function selected(stack: Stack, options: CertOptions): StackCertificate[] {
  if (options.domain === undefined) {
    if (stack.certificates.length === 0)
      throw new InvalidInputError('certificates', [], 'at least one certificate in the stack');
    return stack.certificates;
  }
  const domain = validateDnsName(options.domain, '--domain', { allowWildcard: true });
  const found = stack.certificates.filter((c) => c.domainName === domain);
  if (found.length === 0)
    throw new InvalidInputError(
      '--domain',
      options.domain,
      `a domainName of the stack (${stack.certificates.map((c) => c.domainName).join(', ')})`,
    );
  return found;
}

/** The certificate's region, with Route 53 through its DNS role when its zone is in another account. */
async function regionClients(clients: AwsClients, stack: Stack, cert: StackCertificate): Promise<AwsClients> {
  const region = cert.region ?? stack.cluster.region;
  const regional = region === clients.region ? clients : clients.withRegion(region);
  const dns = certificateDns(stack, cert);
  return dns ? withRoute53From(regional, (await dnsRoleClients(clients, dns)).clients) : regional;
}

function request(stack: Stack, cert: StackCertificate) {
  return normalisedCertificateRequest({ ...stack, tags: stack.tags ?? {} }, cert);
}

/**
 * Request (or reuse) each certificate and UPSERT its validation records; `--dry-run` shows the plan.
 *
 * @example
 * ```sh
 * eks-kit cert request --domain '*.foo.example.com'
 * ```
 */
export async function certRequest(ctx: CommandContext, options: CertRequestOptions): Promise<number> {
  return withStack(ctx, options, async ({ stack, clients }) => {
    const certs = selected(stack, options);
    const results = [];
    for (const cert of certs) {
      const result = await ensureCertificate(
        await regionClients(clients, stack, cert),
        certificateRequest({ ...stack, tags: stack.tags ?? {} }, cert),
        { dryRun: options.dryRun === true, signal: ctx.signal, onEvent: (e) => ctx.out.progress(e) },
      );
      results.push({
        domainName: cert.domainName,
        arn: result.arn,
        status: result.status,
        changes: result.changes,
        records: result.records,
      });
    }
    const changes = results.flatMap((r) => r.changes);
    if (ctx.out.json)
      ctx.out.resultJson({
        ...changesToJson(changes),
        certificates: results.map(({ changes: _c, ...rest }) => rest),
      });
    else {
      ctx.out.result(
        renderChanges(changes, { color: ctx.out.color, verb: options.dryRun === true ? 'Plan' : 'Applied' }),
      );
      for (const r of results)
        ctx.out.result(`certificate ${r.domainName}: ${r.status}${r.arn ? ` (${r.arn})` : ''}`);
    }
    return 0;
  });
}

async function statuses(ctx: CommandContext, stack: Stack, clients: AwsClients, certs: StackCertificate[]) {
  const out = [];
  for (const cert of certs) {
    const c = await regionClients(clients, stack, cert);
    const found = await findCertificate(c, request(stack, cert), { signal: ctx.signal });
    out.push({
      cert,
      status: found ? await describeCertificateStatus(c, { arn: found.arn, signal: ctx.signal }) : undefined,
    });
  }
  return out;
}

/**
 * Status, expiry and renewal of each certificate, and for one not yet issued whether its zone is
 * delegated from its parent (exit 2 when one has not been requested or its zone is not delegated).
 *
 * @example
 * ```sh
 * eks-kit cert status --json
 * ```
 */
export async function certStatus(ctx: CommandContext, options: CertOptions): Promise<number> {
  return withStack(ctx, options, async ({ stack, clients }) => {
    const list = await statuses(ctx, stack, clients, selected(stack, options));
    // Is the zone of each pending certificate delegated? (the usual reason it stays PENDING_VALIDATION)
    const delegation = [];
    for (const { cert, status } of list) {
      if (status?.status === 'ISSUED') continue;
      const dns = certificateDns(stack, cert);
      const role = dns ? await dnsRoleClients(clients, dns) : undefined;
      delegation.push(
        ...(await checkDelegation({
          names: [cert.domainName, ...(cert.subjectAlternativeNames ?? [])],
          zones: {
            clients: await regionClients(clients, stack, cert),
            label: role && dns ? `account ${role.accountId} via ${dns.roleArn}` : "the stack's account",
          },
          ...(role ? { parents: [{ clients, label: "the stack's account" }] } : {}),
          ...(cert.zones ? { explicitZones: cert.zones } : {}),
          signal: ctx.signal,
        })),
      );
    }
    const notDelegated = delegation.filter((f) => f.status === 'fail');
    if (ctx.out.json)
      ctx.out.resultJson({
        certificates: list.map(
          ({ cert, status }) => status ?? { domainName: cert.domainName, status: 'NOT_REQUESTED' },
        ),
        delegation,
      });
    else {
      for (const f of notDelegated) ctx.out.result(`delegation: ${f.message}\n  ${f.hint ?? ''}`);
    }
    if (!ctx.out.json)
      for (const { cert, status } of list)
        ctx.out.result(
          status
            ? `${cert.domainName}: ${status.status}${status.notAfter ? `, expires ${status.notAfter.toISOString().slice(0, 10)}` : ''}${status.renewalStatus ? `, renewal ${status.renewalStatus}` : ''}${status.inUseBy.length ? `, in use by ${status.inUseBy.length}` : ', not in use'} (${status.arn})`
            : `${cert.domainName}: not requested (run eks-kit cert request)`,
        );
    return list.some((l) => !l.status) || notDelegated.length > 0
      ? EXIT_CODES.failingFindings
      : EXIT_CODES.ok;
  });
}

/**
 * The DNS validation records of each certificate (one CNAME serves a wildcard and its apex).
 *
 * @example
 * ```sh
 * eks-kit cert records
 * ```
 */
export async function certRecords(ctx: CommandContext, options: CertOptions): Promise<number> {
  return withStack(ctx, options, async ({ stack, clients }) => {
    const list = await statuses(ctx, stack, clients, selected(stack, options));
    const records = list.flatMap(({ cert, status }) =>
      (status?.records ?? []).map((r) => ({
        certificate: cert.domainName,
        name: r.name,
        type: r.type,
        value: r.value,
        domains: r.domains,
      })),
    );
    if (ctx.out.json) ctx.out.resultJson({ records });
    else if (records.length === 0)
      ctx.out.result('No validation records yet (request the certificates first).');
    else for (const r of records) ctx.out.result(`${r.name}. CNAME ${r.value}.   ; ${r.domains.join(', ')}`);
    return 0;
  });
}

/**
 * Wait until each certificate is ISSUED; fails fast with the reason on FAILED or timed-out validation.
 *
 * @example
 * ```sh
 * eks-kit cert wait --timeout 15
 * ```
 */
export async function certWait(ctx: CommandContext, options: CertOptions & TimeoutOption): Promise<number> {
  const minutes = optionValue(options.timeout ?? 30);
  return withStack(ctx, options, async ({ stack, clients }) => {
    const list = await statuses(ctx, stack, clients, selected(stack, options));
    const missing = list.filter((l) => !l.status).map((l) => l.cert.domainName);
    if (missing.length)
      throw new InvalidInputError(
        '--domain',
        missing.join(', '),
        'certificates that were requested (run eks-kit cert request)',
      );
    const done = await Promise.all(
      list.map(async ({ cert, status }) =>
        waitUntilIssued(await regionClients(clients, stack, cert), {
          arn: status!.arn,
          timeout: minutes * 60_000,
          signal: ctx.signal,
          onEvent: (e) => ctx.out.progress(e),
        }),
      ),
    );
    if (ctx.out.json)
      ctx.out.resultJson({
        certificates: done.map((d) => ({ domainName: d.domainName, arn: d.arn, status: d.status })),
      });
    else for (const d of done) ctx.out.result(`${d.domainName}: ${d.status} (${d.arn})`);
    return 0;
  });
}

/**
 * Print what the DNS account must create for the stack's certificates whose zone it holds: for each
 * DNS role, its permission policy and its trust policy (trusting this account), as JSON. The
 * external id, a shared secret, is shown as a placeholder.
 *
 * @example
 * ```sh
 * eks-kit cert dns-policy --account-id 111111111111 > dns-role.json
 * ```
 */
export async function certDnsPolicy(
  ctx: CommandContext,
  options: CertOptions & AccountIdOption,
): Promise<number> {
  checkAccountOption(options);
  return withStack(ctx, options, async ({ stack, clients }) => {
    const roles = new Map<string, { roleArn: string; externalId: boolean; domainNames: string[] }>();
    for (const cert of selected(stack, options)) {
      const dns = certificateDns(stack, cert);
      if (!dns) continue;
      const entry = roles.get(dns.roleArn) ?? {
        roleArn: dns.roleArn,
        externalId: dns.externalId !== undefined,
        domainNames: [],
      };
      entry.domainNames.push(cert.domainName);
      roles.set(dns.roleArn, entry);
    }
    if (roles.size === 0)
      throw new InvalidInputError(
        'dns',
        undefined,
        'a dns.roleArn at the top of the stack file or under a certificate (the zone is in this account otherwise)',
      );
    const workloadAccountId = await accountIdOf(options, clients, ctx.signal);
    const out = [...roles.values()].map((r) => ({
      roleArn: r.roleArn,
      certificates: r.domainNames,
      permissionPolicy: dnsRolePolicy(),
      trustPolicy: dnsRoleTrustPolicy({
        workloadAccountId,
        ...(r.externalId ? { externalId: '<the dns.externalId of the stack file>' } : {}),
      }),
    }));
    ctx.out.result(JSON.stringify(out.length === 1 ? out[0] : out, null, 2));
    return 0;
  });
}
