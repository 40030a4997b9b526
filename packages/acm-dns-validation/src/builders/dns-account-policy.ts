/**
 * What the DNS account must create so that another account's eks-kit can validate certificates in
 * its zones: a role with this permission policy, trusting the workload account.
 */

/** An IAM policy document (permission or trust). */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Array<Record<string, unknown>>;
}

/** The Route 53 actions eks-kit calls through the DNS role (zone lookup, records, change status, name servers). */
export const DNS_ROLE_ACTIONS = [
  'route53:ListHostedZonesByName',
  'route53:GetHostedZone',
  'route53:ListResourceRecordSets',
  'route53:ChangeResourceRecordSets',
  'route53:GetChange',
] as const;

/**
 * The least-privilege permission policy of the DNS role: list zones (account-wide by AWS's design),
 * read the named zones (or all zones) and UPSERT only CNAME records in them, and read change status.
 *
 * @example
 * ```ts
 * const policy = dnsRolePolicy({ zoneIds: ['Z0123456789ABC'] });
 * console.log(JSON.stringify(policy, null, 2));
 * ```
 */
export function dnsRolePolicy(
  options: { zoneIds?: readonly string[]; partition?: string } = {},
): PolicyDocument {
  const partition = options.partition ?? 'aws';
  const zones =
    options.zoneIds && options.zoneIds.length > 0
      ? [...new Set(options.zoneIds.map((id) => id.replace(/^\/?hostedzone\//, '')))]
          .sort()
          .map((id) => `arn:${partition}:route53:::hostedzone/${id}`)
      : [`arn:${partition}:route53:::hostedzone/*`];
  return {
    Version: '2012-10-17',
    Statement: [
      // ListHostedZonesByName supports no resource-level permissions (Route 53 authorization reference).
      { Sid: 'FindZones', Effect: 'Allow', Action: 'route53:ListHostedZonesByName', Resource: '*' },
      {
        Sid: 'ReadZones',
        Effect: 'Allow',
        Action: ['route53:GetHostedZone', 'route53:ListResourceRecordSets'],
        Resource: zones,
      },
      {
        Sid: 'UpsertValidationCnames',
        Effect: 'Allow',
        Action: 'route53:ChangeResourceRecordSets',
        Resource: zones,
        Condition: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'],
            'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
          },
        },
      },
      {
        Sid: 'ChangeStatus',
        Effect: 'Allow',
        Action: 'route53:GetChange',
        Resource: `arn:${partition}:route53:::change/*`,
      },
    ],
  };
}

/**
 * The DNS role's trust policy: the workload account (its root, so the account's own IAM decides
 * which of its principals may assume it), with the `sts:ExternalId` condition when one is used.
 *
 * @example
 * ```ts
 * dnsRoleTrustPolicy({ workloadAccountId: '111111111111', externalId: 'eks-kit-prod' });
 * ```
 */
export function dnsRoleTrustPolicy(options: {
  workloadAccountId: string;
  externalId?: string;
  partition?: string;
}): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:${options.partition ?? 'aws'}:iam::${options.workloadAccountId}:root` },
        Action: 'sts:AssumeRole',
        ...(options.externalId !== undefined
          ? { Condition: { StringEquals: { 'sts:ExternalId': options.externalId } } }
          : {}),
      },
    ],
  };
}
