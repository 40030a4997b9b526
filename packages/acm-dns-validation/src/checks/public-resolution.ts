/**
 * Public resolution check: does each validation CNAME of a certificate resolve through DNS (Node's
 * resolver; given servers, else the system's) to the value ACM expects?
 */
import { Resolver } from 'node:dns/promises';
import { type Finding, finding } from '@eks-kit/core';
import { normaliseFqdn, type ValidationRecord } from '../builders/validation-records.js';

/** Input of {@link checkPublicResolution}. */
export interface CheckPublicResolutionInput {
  /** The certificate (named in each finding). */
  arn: string;
  records: readonly ValidationRecord[];
  /** DNS servers (`host` or `host:port`); default: the system's. */
  servers?: readonly string[];
  /** Known reasons to name when a record does not resolve (e.g. the delegation check's messages). */
  causes?: readonly string[];
  /** Per-query timeout, ms (default 3000). */
  timeoutMs?: number;
}

/**
 * For each record: `ok` when the CNAME resolves to ACM's value; else `fail` with the reason:
 * NXDOMAIN (no such name where the internet looks: record missing, only in a private zone, zone not
 * delegated or NXDOMAIN at the parent), no CNAME at the name, or a wrong value; `warn` when DNS could
 * not answer (timeout, SERVFAIL). `causes` (e.g. an undelegated zone) are added to the message.
 *
 * @example
 * ```ts
 * const findings = await checkPublicResolution({ arn, records: status.records, servers: ['127.0.0.1:5353'] });
 * ```
 */
export async function checkPublicResolution(input: CheckPublicResolutionInput): Promise<Finding[]> {
  const resolver = new Resolver({ timeout: input.timeoutMs ?? 3000, tries: 2 });
  if (input.servers && input.servers.length > 0) resolver.setServers([...input.servers]);
  const because = input.causes && input.causes.length > 0 ? `; known cause: ${input.causes.join('; ')}` : '';
  const out: Finding[] = [];
  for (const record of input.records) {
    const resource = `${input.arn} ${record.name}`;
    const expected = normaliseFqdn(record.value);
    const hint = `public DNS must answer ${record.name}. CNAME ${expected}.`;
    try {
      const values = (await resolver.resolveCname(record.name)).map((v) => normaliseFqdn(v));
      out.push(
        values.includes(expected)
          ? finding(
              'certificate.public-resolution',
              resource,
              'ok',
              `${record.name} resolves publicly to ACM's value`,
            )
          : finding(
              'certificate.public-resolution',
              resource,
              'fail',
              `${record.name} resolves publicly to ${values.join(', ')}, not ACM's ${expected} (wrong value)${because}`,
              { hint, data: { expected, got: values } },
            ),
      );
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'UNKNOWN';
      if (code === 'ENOTFOUND') {
        out.push(
          finding(
            'certificate.public-resolution',
            resource,
            'fail',
            `${record.name} does not exist in public DNS (NXDOMAIN): the record is missing, only in a private zone, or its zone is not delegated from the parent${because}`,
            { hint, data: { code } },
          ),
        );
      } else if (code === 'ENODATA') {
        out.push(
          finding(
            'certificate.public-resolution',
            resource,
            'fail',
            `${record.name} exists in public DNS but has no CNAME${because}`,
            { hint, data: { code } },
          ),
        );
      } else {
        out.push(
          finding(
            'certificate.public-resolution',
            resource,
            'warn',
            `public DNS did not answer for ${record.name} (${code})${because}`,
            { hint, data: { code } },
          ),
        );
      }
    }
  }
  return out;
}
