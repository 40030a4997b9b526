/** Finding an existing certificate that already serves a request. */
import {
  type CertificateSummary,
  type KeyAlgorithm,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
} from '@aws-sdk/client-acm';
import { type AwsClients, compareCodeUnits, wrapAwsError } from '@eks-kit/core';
import {
  ALL_KEY_TYPES,
  keyAlgorithmOf,
  type NormalisedCertificateRequest,
  STACK_TAG_KEY,
} from '../builders/request.js';
import { describeCertificate } from './describe.js';

/** A certificate that serves a request. */
export interface FoundCertificate {
  arn: string;
  status: string;
  tags: Record<string, string>;
}

/**
 * Every certificate of the region in the given statuses, of every key type (ListCertificates returns
 * only RSA_2048 unless `Includes.keyTypes` says otherwise, docs/AWS-FACTS.md#acm-listing-and-key-types).
 *
 * @example
 * ```ts
 * const all = await listCertificates(clients, { region: 'eu-west-1' });
 * ```
 */
export async function listCertificates(
  clients: AwsClients,
  input: { region?: string; statuses?: string[]; signal?: AbortSignal; beforeEachPage?: () => Promise<void> },
): Promise<CertificateSummary[]> {
  const acm = await clients.acm(input.region);
  const out: CertificateSummary[] = [];
  let nextToken: string | undefined;
  do {
    await input.beforeEachPage?.();
    const page = await acm
      .send(
        new ListCertificatesCommand({
          Includes: { keyTypes: [...ALL_KEY_TYPES] as KeyAlgorithm[] },
          ...(input.statuses ? { CertificateStatuses: input.statuses as never } : {}),
          MaxItems: 1000,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
        { abortSignal: input.signal },
      )
      .catch((e) => {
        throw wrapAwsError(e, 'acm:ListCertificates', input.region ?? clients.region);
      });
    out.push(...(page.CertificateSummaryList ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return out;
}

/**
 * The tags of a certificate as a map.
 *
 * @example
 * ```ts
 * await certificateTags(clients, arn); // { 'eks-kit:stack': 'prod' }
 * ```
 */
export async function certificateTags(
  clients: AwsClients,
  arn: string,
  region?: string,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const acm = await clients.acm(region);
  const out = await acm
    .send(new ListTagsForCertificateCommand({ CertificateArn: arn }), { abortSignal: signal })
    .catch((e) => {
      throw wrapAwsError(e, 'acm:ListTagsForCertificate', arn);
    });
  const tags: Record<string, string> = {};
  for (const tag of out.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
  return tags;
}

/**
 * Find a certificate that already serves the request: same names and key algorithm and
 * transparency preference, PENDING_VALIDATION or ISSUED, and not tagged for another stack. Prefers
 * one tagged for this stack, then ISSUED, then the longest-lived. A certificate close to expiry is
 * still the answer: ACM renews it in place (same ARN), and a second certificate for the same host
 * breaks the AWS Load Balancer Controller's certificate discovery (issue 17).
 *
 * @example
 * ```ts
 * const found = await findCertificate(clients, normaliseCertificateRequest(input, clients.region));
 * ```
 */
export async function findCertificate(
  clients: AwsClients,
  request: NormalisedCertificateRequest,
  options: { signal?: AbortSignal; now?: Date } = {},
): Promise<FoundCertificate | undefined> {
  const now = (options.now ?? new Date()).getTime();
  const summaries = await listCertificates(clients, {
    region: request.region,
    statuses: ['PENDING_VALIDATION', 'ISSUED'],
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const wanted = [...request.names].sort().join(',');
  const candidates = summaries.filter(
    (s) =>
      s.CertificateArn &&
      s.DomainName?.toLowerCase() === request.domainName &&
      keyAlgorithmOf(s.KeyAlgorithm) === request.keyAlgorithm, // ACM answers RSA-2048 for RSA_2048
  );
  const matches: Array<FoundCertificate & { notAfter: number; own: boolean }> = [];
  for (const summary of candidates) {
    const arn = summary.CertificateArn as string;
    const detail = await describeCertificate(clients, arn, options.signal);
    if (detail.Status !== 'ISSUED' && detail.Status !== 'PENDING_VALIDATION') continue;
    const names = [
      ...new Set((detail.SubjectAlternativeNames ?? [detail.DomainName ?? '']).map((n) => n.toLowerCase())),
    ]
      .sort()
      .join(',');
    if (names !== wanted) continue;
    if (detail.Type !== undefined && detail.Type !== 'AMAZON_ISSUED') continue;
    const logging = detail.Options?.CertificateTransparencyLoggingPreference ?? 'ENABLED';
    if ((logging === 'ENABLED') !== request.transparencyLogging) continue;
    const notAfter = detail.NotAfter?.getTime() ?? Number.POSITIVE_INFINITY;
    // An expired certificate is EXPIRED, not ISSUED; a near-expiry ISSUED one is renewed in place.
    if (notAfter <= now) continue;
    const tags = await certificateTags(clients, arn, request.region, options.signal);
    const stackTag = tags[STACK_TAG_KEY];
    if (stackTag !== undefined && stackTag !== request.stack) continue;
    matches.push({ arn, status: detail.Status, tags, notAfter, own: stackTag !== undefined });
  }
  matches.sort(
    (a, b) =>
      Number(b.own) - Number(a.own) ||
      Number(b.status === 'ISSUED') - Number(a.status === 'ISSUED') ||
      b.notAfter - a.notAfter ||
      compareCodeUnits(a.arn, b.arn),
  );
  const best = matches[0];
  return best ? { arn: best.arn, status: best.status, tags: best.tags } : undefined;
}
