/** Route 53 reads and writes the validation records need. */
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { type AwsClients, wrapAwsError } from '@eks-kit/core';
import type { ChangeBatchPlan } from '../builders/change-batches.js';
import { normaliseFqdn } from '../builders/validation-records.js';
import type { HostedZoneRef } from '../builders/zones.js';

/** A record set read from Route 53, names normalised (no trailing dot, `\052` decoded to `*`). */
export interface RecordSetRef {
  name: string;
  type: string;
  ttl: number | undefined;
  values: string[];
}

/**
 * Every hosted zone of the account, public and private, via ListHostedZonesByName (100 per page).
 *
 * @example
 * ```ts
 * const zones = await listHostedZones(clients); // [{ id: 'Z1', name: 'example.com', private: false }]
 * ```
 */
export async function listHostedZones(clients: AwsClients, signal?: AbortSignal): Promise<HostedZoneRef[]> {
  const route53 = await clients.route53();
  const zones: HostedZoneRef[] = [];
  let dnsName: string | undefined;
  let hostedZoneId: string | undefined;
  for (;;) {
    const page = await route53
      .send(
        new ListHostedZonesByNameCommand({
          ...(dnsName ? { DNSName: dnsName } : {}),
          ...(hostedZoneId ? { HostedZoneId: hostedZoneId } : {}),
          MaxItems: 100,
        }),
        { abortSignal: signal },
      )
      .catch((e) => {
        throw wrapAwsError(e, 'route53:ListHostedZonesByName');
      });
    for (const zone of page.HostedZones ?? []) {
      if (!zone.Id || !zone.Name) continue;
      zones.push({
        id: zone.Id.replace(/^\/hostedzone\//, ''),
        name: decodeName(zone.Name),
        private: zone.Config?.PrivateZone === true,
      });
    }
    if (!page.IsTruncated || !page.NextDNSName) break;
    dnsName = page.NextDNSName;
    hostedZoneId = page.NextHostedZoneId;
  }
  return zones;
}

/**
 * The record set with this name and type in a zone, or undefined (one ListResourceRecordSets call).
 *
 * @example
 * ```ts
 * await findRecordSet(clients, 'Z1', '_a.foo.example.com', 'CNAME'); // { name, type: 'CNAME', values: ['_b.acm-validations.aws'] }
 * ```
 */
export async function findRecordSet(
  clients: AwsClients,
  zoneId: string,
  name: string,
  type: string,
  signal?: AbortSignal,
): Promise<RecordSetRef | undefined> {
  const route53 = await clients.route53();
  const wanted = normaliseFqdn(name);
  const page = await route53
    .send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: wanted,
        StartRecordType: type as 'CNAME',
        MaxItems: 1,
      }),
      { abortSignal: signal },
    )
    .catch((e) => {
      throw wrapAwsError(e, 'route53:ListResourceRecordSets', `${zoneId} ${wanted}`);
    });
  const first = page.ResourceRecordSets?.[0];
  if (!first) return undefined;
  const ref = toRef(first);
  return ref.name === wanted && ref.type === type ? ref : undefined;
}

/**
 * Every record set of a zone, paging with NextRecordName/NextRecordType (no SDK paginator, docs/AWS-FACTS.md#route-53-listing-record-sets).
 *
 * @example
 * ```ts
 * const records = await listRecordSets(clients, 'Z1');
 * ```
 */
export async function listRecordSets(
  clients: AwsClients,
  zoneId: string,
  signal?: AbortSignal,
): Promise<RecordSetRef[]> {
  const route53 = await clients.route53();
  const out: RecordSetRef[] = [];
  let startName: string | undefined;
  let startType: string | undefined;
  let startIdentifier: string | undefined;
  for (;;) {
    const page = await route53
      .send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ...(startName ? { StartRecordName: startName } : {}),
          ...(startType ? { StartRecordType: startType as 'CNAME' } : {}),
          ...(startIdentifier ? { StartRecordIdentifier: startIdentifier } : {}),
        }),
        { abortSignal: signal },
      )
      .catch((e) => {
        throw wrapAwsError(e, 'route53:ListResourceRecordSets', zoneId);
      });
    for (const set of page.ResourceRecordSets ?? []) out.push(toRef(set));
    if (!page.IsTruncated || !page.NextRecordName) break;
    startName = page.NextRecordName;
    startType = page.NextRecordType;
    startIdentifier = page.NextRecordIdentifier;
  }
  return out;
}

/**
 * Send UPSERT batches (each all-or-nothing in Route 53) and return the change ids.
 *
 * @example
 * ```ts
 * const ids = await upsertValidationRecords(clients, planChangeBatches(upserts)); // ['C123...']
 * ```
 */
export async function upsertValidationRecords(
  clients: AwsClients,
  batches: readonly ChangeBatchPlan[],
  signal?: AbortSignal,
): Promise<string[]> {
  const route53 = await clients.route53();
  const ids: string[] = [];
  for (const batch of batches) {
    const out = await route53
      .send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: batch.zoneId,
          ChangeBatch: {
            Comment: 'eks-kit: ACM DNS validation records',
            Changes: batch.upserts.map((record) => ({
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: `${record.name}.`,
                Type: 'CNAME',
                TTL: 300,
                ResourceRecords: [{ Value: `${record.value}.` }],
              },
            })),
          },
        }),
        { abortSignal: signal },
      )
      .catch((e) => {
        throw wrapAwsError(e, 'route53:ChangeResourceRecordSets', batch.zoneId);
      });
    if (out.ChangeInfo?.Id) ids.push(out.ChangeInfo.Id.replace(/^\/change\//, ''));
  }
  return ids;
}

/**
 * The status of a Route 53 change: `PENDING` or `INSYNC`.
 *
 * @example
 * ```ts
 * await getChangeStatus(clients, 'C123'); // 'INSYNC'
 * ```
 */
export async function getChangeStatus(
  clients: AwsClients,
  changeId: string,
  signal?: AbortSignal,
): Promise<string> {
  const route53 = await clients.route53();
  const out = await route53
    .send(new GetChangeCommand({ Id: changeId }), { abortSignal: signal })
    .catch((e) => {
      throw wrapAwsError(e, 'route53:GetChange', changeId);
    });
  return out.ChangeInfo?.Status ?? 'PENDING';
}

/** Route 53 returns `*` as `\052` and other special characters as octal escapes (docs/AWS-FACTS.md#route-53-listing-record-sets). */
function decodeName(name: string): string {
  return normaliseFqdn(
    name.replace(/\\(\d{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8))),
  );
}

function toRef(set: ResourceRecordSet): RecordSetRef {
  return {
    name: decodeName(set.Name ?? ''),
    type: set.Type ?? '',
    ttl: set.TTL,
    values: (set.ResourceRecords ?? []).map((r) => r.Value ?? ''),
  };
}
