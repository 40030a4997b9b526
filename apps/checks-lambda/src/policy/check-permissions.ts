/**
 * The read actions each check of a stack calls, with the resources they can be scoped to.
 * Actions without resource-level permissions (List*, Describe* of Auto Scaling, ...) take `*`,
 * as the service authorization reference requires.
 */
import { partitionOfRegion } from '@eks-kit/core';
import type { Stack } from '@eks-kit/stack';

/** One group of read actions on the same resources. */
export interface CheckPermission {
  /** Statement id: the check and what it reads. */
  sid: string;
  actions: string[];
  resources: string[];
}

/** Where the resources live: account (default `*`, any) and partition (default from the cluster region). */
export interface PermissionScope {
  accountId?: string;
  partition?: string;
}

/**
 * The permissions the checks of `stack` need, one entry per statement (deterministic order).
 *
 * @example
 * ```ts
 * checkPermissions(stack, { accountId: '111111111111' }).map((p) => p.sid);
 * // ['CertificatesList', 'CertificatesRead', 'HostedZonesList', 'ValidationRecordsRead', ...]
 * ```
 */
export function checkPermissions(stack: Stack, scope: PermissionScope = {}): CheckPermission[] {
  const account = scope.accountId ?? '*';
  const partition = scope.partition ?? partitionOfRegion(stack.cluster.region);
  const out: CheckPermission[] = [];
  if (stack.certificates.length > 0) out.push(...certificatePermissions(stack, partition, account));
  return out;
}

/** acm-dns-validation's `checkCertificates`: ListCertificates, DescribeCertificate, ListTagsForCertificate, Route 53 reads. */
function certificatePermissions(stack: Stack, partition: string, account: string): CheckPermission[] {
  const regions = [...new Set(stack.certificates.map((c) => c.region ?? stack.cluster.region))].sort();
  const zoneIds = new Set<string>();
  let anyZone = false;
  for (const cert of stack.certificates) {
    const names = [cert.domainName, ...(cert.subjectAlternativeNames ?? [])];
    const zones = cert.zones ?? {};
    // Without an explicit zone for a name, the check looks the zone up: any zone may be read.
    if (names.some((n) => !zoneFor(n, zones))) anyZone = true;
    for (const id of Object.values(zones)) zoneIds.add(id.replace(/^\/hostedzone\//, ''));
  }
  return [
    // ListCertificates and ListHostedZonesByName support no resource-level permission.
    { sid: 'CertificatesList', actions: ['acm:ListCertificates'], resources: ['*'] },
    {
      sid: 'CertificatesRead',
      actions: ['acm:DescribeCertificate', 'acm:ListTagsForCertificate'],
      resources: regions.map((r) => `arn:${partition}:acm:${r}:${account}:certificate/*`),
    },
    { sid: 'HostedZonesList', actions: ['route53:ListHostedZonesByName'], resources: ['*'] },
    {
      sid: 'ValidationRecordsRead',
      actions: ['route53:ListResourceRecordSets'],
      // Route 53 ARNs carry no region or account.
      resources: anyZone
        ? [`arn:${partition}:route53:::hostedzone/*`]
        : [...zoneIds].sort().map((id) => `arn:${partition}:route53:::hostedzone/${id}`),
    },
  ];
}

function zoneFor(name: string, zones: Record<string, string>): string | undefined {
  const bare = name.replace(/^\*\./, '');
  let candidate = bare;
  for (;;) {
    const id = zones[candidate];
    if (id) return id;
    const dot = candidate.indexOf('.');
    if (dot < 0) return undefined;
    candidate = candidate.slice(dot + 1);
  }
}
