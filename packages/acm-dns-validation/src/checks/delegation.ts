/**
 * Delegation check: a zone holding validation records is answered on the internet only when its
 * parent zone holds NS records equal to the zone's own name servers.
 */
import { GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import { type AwsClients, type Finding, finding, wrapAwsError } from '@eks-kit/core';
import { normaliseFqdn } from '../builders/validation-records.js';
import { chooseZone, type HostedZoneRef } from '../builders/zones.js';
import { findRecordSet, listHostedZones } from '../procedures/route53.js';

/** Where to look for zones: a client set and the label findings name it by (an account, a role). */
export interface ZoneSource {
  clients: AwsClients;
  /** e.g. `account 222222222222 (arn:aws:iam::222222222222:role/eks-kit-dns)`. */
  label: string;
}

/** Input of {@link checkDelegation}. */
export interface CheckDelegationInput {
  /** The DNS names whose validation records are checked (a certificate's names). */
  names: readonly string[];
  /** Where the records' zones are (the certificate's Route 53: its DNS role, or the stack's account). */
  zones: ZoneSource;
  /** Other accounts where a parent zone may be (e.g. the stack's account); `zones` is searched first. */
  parents?: readonly ZoneSource[];
  /** Zone ids chosen by name, as a certificate's `zones`. */
  explicitZones?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

const key = (values: readonly string[]): string =>
  [...new Set(values.map((v) => normaliseFqdn(v)))].sort().join(' ');

/**
 * For each public zone that holds records for `names`: find its parent zone in Route 53 (the zone's
 * own account first, then `parents`) and compare the parent's NS records for the zone with the zone's
 * name servers (GetHostedZone). Missing or different is a `fail` finding whose hint is the exact NS
 * records to add at the parent. A zone whose parent is not a Route 53 zone of these accounts (a
 * registrar's or another DNS host's) gets no finding: that needs public DNS, not done here.
 *
 * @example
 * ```ts
 * const findings = await checkDelegation({ names: ['*.apps.example.com'], zones: { clients: dns, label: 'account 222222222222' }, parents: [{ clients, label: 'this account' }] });
 * ```
 */
export async function checkDelegation(input: CheckDelegationInput): Promise<Finding[]> {
  const { signal } = input;
  const own = (await listHostedZones(input.zones.clients, signal)).filter((z) => !z.private);
  const zones = new Map<string, HostedZoneRef>();
  for (const name of input.names) {
    try {
      const zone = chooseZone(name, own, input.explicitZones ?? {});
      if (!zone.private) zones.set(zone.id, zone);
    } catch {
      // no zone for this name: the certificate checks report it
    }
  }
  const sources = [input.zones, ...(input.parents ?? [])];
  const listed = new Map<ZoneSource, Promise<HostedZoneRef[]>>();
  const publicZones = (source: ZoneSource): Promise<HostedZoneRef[]> => {
    let list = listed.get(source);
    if (!list) {
      list =
        source === input.zones
          ? Promise.resolve(own)
          : listHostedZones(source.clients, signal).then((all) => all.filter((z) => !z.private));
      listed.set(source, list);
    }
    return list;
  };
  const findings: Finding[] = [];
  for (const zone of zones.values()) {
    const hosted = await (await input.zones.clients.route53())
      .send(new GetHostedZoneCommand({ Id: zone.id }), { abortSignal: signal })
      .catch((e: unknown) => {
        throw wrapAwsError(e, 'route53:GetHostedZone', zone.id);
      });
    const nameServers = (hosted.DelegationSet?.NameServers ?? []).map((n) => normaliseFqdn(n));
    const toAdd = `${zone.name}. NS ${nameServers.map((n) => `${n}.`).join(' ')}`;
    const data = {
      zone: zone.name,
      zoneId: zone.id,
      nameServers,
      recordsToAdd: nameServers.map((n) => `${zone.name}. 172800 IN NS ${n}.`),
    };
    const parent = await findParentZone(zone.name, sources, publicZones);
    const resource = `route53 zone ${zone.name} (${zone.id})`;
    // A parent outside Route 53 of these accounts (a registrar, another DNS host) would need public
    // DNS to check (not done yet): no finding rather than a guess.
    if (!parent) continue;
    const ns = await findRecordSet(parent.source.clients, parent.zone.id, zone.name, 'NS', signal);
    const at = `parent zone ${parent.zone.name} (${parent.zone.id}, ${parent.source.label})`;
    const withParent = {
      ...data,
      parentZone: parent.zone.name,
      parentZoneId: parent.zone.id,
      parentIn: parent.source.label,
    };
    findings.push(delegationFinding(resource, zone.name, at, toAdd, { ns, nameServers, data: withParent }));
  }
  return findings;
}

/** The closest parent zone of `zoneName` among the sources' public zones (the zone's own account first). */
async function findParentZone(
  zoneName: string,
  sources: readonly ZoneSource[],
  publicZones: (source: ZoneSource) => Promise<HostedZoneRef[]>,
): Promise<{ zone: HostedZoneRef; source: ZoneSource } | undefined> {
  const labels = zoneName.split('.');
  for (let i = 1; i < labels.length; i++) {
    const suffix = labels.slice(i).join('.');
    for (const source of sources) {
      const found = (await publicZones(source)).find((z) => z.name === suffix);
      if (found) return { zone: found, source };
    }
  }
  return undefined;
}

/** The finding for one zone: not delegated, delegated elsewhere (both `fail`, with the NS to add), or ok. */
function delegationFinding(
  resource: string,
  zoneName: string,
  at: string,
  toAdd: string,
  facts: { ns: { values: string[] } | undefined; nameServers: string[]; data: Record<string, unknown> },
): Finding {
  const { ns, nameServers, data } = facts;
  if (!ns)
    return finding(
      'certificate.delegation',
      resource,
      'fail',
      `${zoneName} is not delegated: ${at} has no NS records for it, so the internet (and ACM) never asks this zone`,
      { hint: `add at the ${at}: ${toAdd}`, data },
    );
  if (key(ns.values) !== key(nameServers))
    return finding(
      'certificate.delegation',
      resource,
      'fail',
      `${zoneName} is delegated to other name servers (${ns.values.join(', ')}) than the zone's own`,
      {
        hint: `replace the NS records at the ${at} with: ${toAdd}`,
        data: { ...data, parentNameServers: ns.values },
      },
    );
  return finding('certificate.delegation', resource, 'ok', `delegated from ${at}`, { data });
}
