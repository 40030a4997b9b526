/**
 * Route 53 (restXml 2013-04-01, signing name route53, global in us-east-1): hosted zones, record
 * sets and changes, written from the Route 53 API reference and docs/AWS-FACTS.md#acm-and-route-53.
 *
 * Behaviours: ChangeResourceRecordSets is all-or-nothing; CREATE of an existing record fails with
 * InvalidChangeBatch "Tried to create resource record set [name='x.', type='CNAME'] but it already
 * exists"; DELETE must match exactly; at most 1,000 records and 32,000 value characters per request,
 * an UPSERT counting twice; PriorRequestNotComplete as its throttling fault; GetChange PENDING then
 * INSYNC after `behaviour.route53SyncSeconds`; names are FQDNs with a trailing dot and `*` is
 * returned as `\052`; ListHostedZonesByName sorts by reversed labels, 100 per page, private zones
 * included, several zones may share a name.
 */
import type { Clock } from '../framework/clock.js';
import { AwsError } from '../framework/errors.js';
import type { RandomSource } from '../framework/random.js';
import { defineService, type ServiceRequest, withHttp } from '../framework/service.js';
import { child, children, childText, type XmlElement, xmlList } from '../framework/xml.js';

const XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** One record set as stored. Names are lower case FQDNs with a trailing dot, `*` unescaped. */
export interface StoredRecordSet {
  name: string;
  type: string;
  ttl: number | undefined;
  values: string[];
  setIdentifier: string | undefined;
  alias: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean } | undefined;
  /** Emulated epoch ms at which this record set got its current values. */
  since: number;
}

/** One hosted zone. */
export interface StoredZone {
  id: string;
  /** Lower case FQDN with a trailing dot. */
  name: string;
  callerReference: string;
  comment: string | undefined;
  private: boolean;
  vpcs: Array<{ region: string; id: string }>;
  createdAt: number;
  records: StoredRecordSet[];
}

/** Route 53's state. */
export interface Route53State {
  zones: Map<string, StoredZone>;
  changes: Map<string, { submittedAt: number; comment: string | undefined }>;
  clock: Clock;
  random: RandomSource;
  /** Emulated seconds from a change's submission to INSYNC (`behaviour.route53SyncSeconds`). */
  syncSeconds(): number;
}

/** DNS name to the stored form: lower case, trailing dot, octal escapes (`\052`) decoded. */
export function canonicalName(name: string): string {
  const decoded = name
    .trim()
    .replace(/\\(\d{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
  const lower = decoded.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** The wire form of a stored name: `*` as `\052` (Route 53 escapes it in responses). */
function wireName(name: string): string {
  return name.replace(/\*/g, '\\052');
}

/** Sort key of a name: labels reversed (`www.example.com.` -> `com.example.www`). */
function reversedLabels(name: string): string {
  return name.replace(/\.$/, '').split('.').reverse().join('.');
}

function compareNames(a: string, b: string): number {
  const ka = reversedLabels(a);
  const kb = reversedLabels(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function inZone(name: string, zone: StoredZone): boolean {
  return name === zone.name || name.endsWith(`.${zone.name}`);
}

function sortRecords(records: StoredRecordSet[]): void {
  records.sort(
    (a, b) =>
      compareNames(a.name, b.name) ||
      (a.type < b.type ? -1 : a.type > b.type ? 1 : 0) ||
      (a.setIdentifier ?? '').localeCompare(b.setIdentifier ?? ''),
  );
}

/**
 * The name servers Route 53 gives a zone (its delegation set), derived from the zone id.
 * @example nameServers(zone) // ['ns-123.awsdns-01.org.', ...]
 */
export function nameServers(zone: StoredZone): string[] {
  const n = Number.parseInt(zone.id.slice(1, 4), 36) % 2000;
  return [
    `ns-${n}.awsdns-01.org.`,
    `ns-${n + 1}.awsdns-02.co.uk.`,
    `ns-${n + 2}.awsdns-03.com.`,
    `ns-${n + 3}.awsdns-04.net.`,
  ];
}

function newZone(
  state: Route53State,
  input: {
    name: string;
    callerReference: string;
    comment?: string | undefined;
    private: boolean;
    vpcs?: Array<{ region: string; id: string }>;
    id?: string;
  },
): StoredZone {
  const id = input.id ?? state.random.id('Z', 20);
  const zone: StoredZone = {
    id,
    name: canonicalName(input.name),
    callerReference: input.callerReference,
    comment: input.comment,
    private: input.private,
    vpcs: input.vpcs ?? [],
    createdAt: state.clock.now(),
    records: [],
  };
  const since = state.clock.now();
  zone.records.push(
    {
      name: zone.name,
      type: 'NS',
      ttl: 172800,
      values: nameServers(zone),
      setIdentifier: undefined,
      alias: undefined,
      since,
    },
    {
      name: zone.name,
      type: 'SOA',
      ttl: 900,
      values: [`${nameServers(zone)[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`],
      setIdentifier: undefined,
      alias: undefined,
      since,
    },
  );
  state.zones.set(id, zone);
  return zone;
}

/**
 * Route 53 state from the world: `route53.hostedZones: [{ name, private?, id?, records?: [{ name, type, ttl?, values | value }] }]`.
 * Seeded records exist since a day before the emulated start.
 * @example createRoute53State({ route53: { hostedZones: [{ name: 'example.com' }] } }, clock, random)
 */
export function createRoute53State(
  world: { route53?: { hostedZones?: Array<Record<string, unknown>> } },
  clock: Clock,
  random: RandomSource,
  syncSeconds: () => number = () => 60,
): Route53State {
  const state: Route53State = { zones: new Map(), changes: new Map(), clock, random, syncSeconds };
  for (const seed of world.route53?.hostedZones ?? []) {
    const zone = newZone(state, {
      name: String(seed.name),
      callerReference: `seed-${random.hex(8)}`,
      private: seed.private === true,
      ...(typeof seed.id === 'string' ? { id: seed.id } : {}),
      ...(seed.private === true ? { vpcs: [{ region: 'us-east-1', id: `vpc-${random.hex(17)}` }] } : {}),
    });
    for (const r of (seed.records as Array<Record<string, unknown>> | undefined) ?? []) {
      const values = Array.isArray(r.values)
        ? r.values.map(String)
        : r.value !== undefined
          ? [String(r.value)]
          : [];
      const name = canonicalName(String(r.name));
      const type = String(r.type ?? 'CNAME').toUpperCase();
      zone.records = zone.records.filter((x) => !(x.name === name && x.type === type));
      zone.records.push({
        name,
        type,
        ttl: typeof r.ttl === 'number' ? r.ttl : 300,
        values,
        setIdentifier: undefined,
        alias: undefined,
        since: clock.now() - 86_400_000,
      });
    }
    sortRecords(zone.records);
  }
  return state;
}

/**
 * The values of a record set as public DNS would answer them (any public zone holding the name),
 * with the time they got their current values; undefined when absent. ACM reads this.
 * @example publicRecord(state, '_x.example.com', 'CNAME') // { values: ['_y.acm-validations.aws.'], since }
 */
export function publicRecord(
  state: Route53State,
  name: string,
  type: string,
): { values: string[]; since: number; zoneId: string } | undefined {
  const wanted = canonicalName(name);
  const zones = [...state.zones.values()]
    .filter((z) => !z.private && inZone(wanted, z))
    .sort((a, b) => b.name.length - a.name.length || a.id.localeCompare(b.id));
  for (const zone of zones) {
    const set = zone.records.find((r) => r.name === wanted && r.type === type);
    if (set) return { values: set.values, since: set.since, zoneId: zone.id };
  }
  return undefined;
}

/**
 * The zones the public internet can reach, across several accounts' Route 53 states: a public zone
 * with no public parent zone is a root of the world's DNS; a sub-zone is reachable only when its
 * closest public parent zone is reachable and holds NS records for it equal to its name servers.
 * @example reachableZones([workload, dns]) // zones that resolve from the root down
 */
export function reachableZones(states: readonly Route53State[]): StoredZone[] {
  const all = states.flatMap((st) => [...st.zones.values()]).filter((z) => !z.private);
  const parentsOf = (zone: StoredZone): StoredZone[] => {
    const labels = zone.name.split('.');
    for (let i = 1; i < labels.length - 1; i++) {
      const suffix = `${labels.slice(i).join('.')}`;
      const parents = all.filter((z) => z.name === suffix);
      if (parents.length > 0) return parents;
    }
    return [];
  };
  const memo = new Map<StoredZone, boolean>();
  const reachable = (zone: StoredZone): boolean => {
    const known = memo.get(zone);
    if (known !== undefined) return known;
    memo.set(zone, false);
    const parents = parentsOf(zone);
    const wanted = [...nameServers(zone)].sort().join(' ');
    const ok =
      parents.length === 0 ||
      parents.some(
        (p) =>
          reachable(p) &&
          p.records.some(
            (r) =>
              r.type === 'NS' &&
              r.name === zone.name &&
              r.values
                .map((v) => canonicalName(v))
                .sort()
                .join(' ') === wanted,
          ),
      );
    memo.set(zone, ok);
    return ok;
  };
  return all.filter(reachable);
}

/** True when some public zone is authoritative for the name (its longest public suffix zone exists). */
export function hasPublicZone(state: Route53State, name: string): boolean {
  const wanted = canonicalName(name);
  return [...state.zones.values()].some((z) => !z.private && inZone(wanted, z));
}

function zoneOrThrow(state: Route53State, rawId: unknown): StoredZone {
  const id = String(rawId ?? '').replace(/^\/?hostedzone\//, '');
  const zone = state.zones.get(id);
  if (!zone) throw new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);
  return zone;
}

function zoneXml(zone: StoredZone): Record<string, unknown> {
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: wireName(zone.name),
    CallerReference: zone.callerReference,
    Config: { ...(zone.comment !== undefined ? { Comment: zone.comment } : {}), PrivateZone: zone.private },
    ResourceRecordSetCount: zone.records.length,
  };
}

function changeInfo(state: Route53State, id: string): Record<string, unknown> {
  const change = state.changes.get(id);
  if (!change)
    throw new AwsError('NoSuchChange', `A change with the specified change ID does not exist.`, 404);
  const insync = state.clock.now() - change.submittedAt >= state.syncSeconds() * 1000;
  return {
    Id: `/change/${id}`,
    Status: insync ? 'INSYNC' : 'PENDING',
    SubmittedAt: new Date(change.submittedAt),
    ...(change.comment !== undefined ? { Comment: change.comment } : {}),
  };
}

function recordChange(state: Route53State, comment: string | undefined): string {
  const id = state.random.id('C', 20);
  state.changes.set(id, { submittedAt: state.clock.now(), comment });
  return id;
}

function recordXml(set: StoredRecordSet): Record<string, unknown> {
  return {
    Name: wireName(set.name),
    Type: set.type,
    ...(set.setIdentifier !== undefined ? { SetIdentifier: set.setIdentifier } : {}),
    ...(set.alias
      ? {
          AliasTarget: {
            HostedZoneId: set.alias.hostedZoneId,
            DNSName: set.alias.dnsName,
            EvaluateTargetHealth: set.alias.evaluateTargetHealth,
          },
        }
      : {
          TTL: set.ttl,
          ResourceRecords: xmlList(
            'ResourceRecord',
            set.values.map((Value) => ({ Value })),
          ),
        }),
  };
}

function num(value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new AwsError('InvalidInput', `Invalid value for maxitems: ${String(value)}`, 400);
  return Math.min(n, max);
}

const RECORD_TYPES = new Set([
  'SOA',
  'A',
  'TXT',
  'NS',
  'CNAME',
  'MX',
  'NAPTR',
  'PTR',
  'SRV',
  'SPF',
  'AAAA',
  'CAA',
  'DS',
  'TLSA',
  'SSHFP',
  'SVCB',
  'HTTPS',
]);

function parseRecordSet(element: XmlElement | undefined): StoredRecordSet {
  if (!element) throw new AwsError('InvalidInput', 'Invalid XML ; missing ResourceRecordSet', 400);
  const name = childText(element, 'Name');
  const type = childText(element, 'Type');
  if (!name || !type)
    throw new AwsError('InvalidInput', 'Invalid XML ; ResourceRecordSet needs Name and Type', 400);
  if (!RECORD_TYPES.has(type)) {
    throw new AwsError(
      'InvalidInput',
      `1 validation error detected: Value '${type}' at 'changeBatch.changes.1.member.resourceRecordSet.type' failed to satisfy constraint: Member must satisfy enum value set`,
      400,
    );
  }
  const ttlText = childText(element, 'TTL');
  const alias = child(element, 'AliasTarget');
  return {
    name: canonicalName(name),
    type,
    ttl: ttlText === undefined ? undefined : Number(ttlText),
    values: children(child(element, 'ResourceRecords'), 'ResourceRecord').map(
      (r) => childText(r, 'Value') ?? '',
    ),
    setIdentifier: childText(element, 'SetIdentifier'),
    alias: alias
      ? {
          hostedZoneId: childText(alias, 'HostedZoneId') ?? '',
          dnsName: childText(alias, 'DNSName') ?? '',
          evaluateTargetHealth: childText(alias, 'EvaluateTargetHealth') === 'true',
        }
      : undefined,
    since: 0,
  };
}

function describeSet(set: StoredRecordSet): string {
  return `[name='${set.name}', type='${set.type}'${set.setIdentifier !== undefined ? `, set-identifier='${set.setIdentifier}'` : ''}]`;
}

function sameSet(a: StoredRecordSet, b: StoredRecordSet): boolean {
  return a.name === b.name && a.type === b.type && a.setIdentifier === b.setIdentifier;
}

/**
 * Route 53 answers InvalidChangeBatch in the standard `<ErrorResponse><Error><Code>` shape, every
 * problem joined in one bracketed `<Message>` (aws/aws-sdk-kotlin#1433 and #1435, 2024: the old bare
 * `<InvalidChangeBatch><Messages>` root is no longer sent). SDK v3 then names the error `InvalidChangeBatch`.
 */
function invalidChangeBatch(messages: string[]): AwsError {
  return new AwsError('InvalidChangeBatch', `[${messages.join(', ')}]`, 400);
}

/** Per request limits (docs/AWS-FACTS.md#route-53-change-batches): 1,000 records and 32,000 value characters, an UPSERT counting twice. */
export const CHANGE_BATCH_LIMITS = { records: 1000, valueCharacters: 32000 } as const;

/**
 * Applies a change batch all-or-nothing; throws InvalidChangeBatch with every problem found.
 * @example applyChangeBatch(state, zone, [{ action: 'UPSERT', set }])
 */
export function applyChangeBatch(
  state: Route53State,
  zone: StoredZone,
  changes: Array<{ action: string; set: StoredRecordSet }>,
): void {
  let records = 0;
  let chars = 0;
  for (const { action, set } of changes) {
    const weight = action === 'UPSERT' ? 2 : 1;
    records += weight * Math.max(1, set.values.length);
    chars += weight * set.values.reduce((n, v) => n + v.length, 0);
  }
  if (records > CHANGE_BATCH_LIMITS.records)
    throw invalidChangeBatch([`Number of records limit of ${CHANGE_BATCH_LIMITS.records} exceeded.`]);
  if (chars > CHANGE_BATCH_LIMITS.valueCharacters) {
    throw invalidChangeBatch([
      `Number of characters limit of ${CHANGE_BATCH_LIMITS.valueCharacters} exceeded.`,
    ]);
  }
  const work = zone.records.map((r) => ({ ...r }));
  const messages: string[] = [];
  const now = state.clock.now();
  for (const { action, set } of changes) {
    if (!inZone(set.name, zone)) {
      messages.push(`RRSet with DNS name ${set.name} is not permitted in zone ${zone.name}`);
      continue;
    }
    if (set.type === 'CNAME' && set.name === zone.name) {
      messages.push(
        `RRSet of type CNAME with DNS name ${set.name} is not permitted at apex in zone ${zone.name}`,
      );
      continue;
    }
    if (!set.alias && set.values.length === 0 && action !== 'DELETE') {
      messages.push(
        `Invalid Resource Record: FATAL problem: No ResourceRecords encountered for ${describeSet(set)}`,
      );
      continue;
    }
    if (set.type === 'CNAME' && !set.alias && set.values.length > 1) {
      messages.push(`RRSet of type CNAME with DNS name ${set.name} has more than one value`);
      continue;
    }
    const index = work.findIndex((r) => sameSet(r, set));
    const existing = index >= 0 ? work[index] : undefined;
    const conflicts = work.some(
      (r) => r.name === set.name && r.type !== set.type && (r.type === 'CNAME' || set.type === 'CNAME'),
    );
    if (action === 'CREATE' || action === 'UPSERT') {
      if (action === 'CREATE' && existing) {
        messages.push(`Tried to create resource record set ${describeSet(set)} but it already exists`);
        continue;
      }
      if (conflicts) {
        messages.push(
          `RRSet of type ${set.type} with DNS name ${set.name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`,
        );
        continue;
      }
      const unchanged =
        existing && existing.values.join('\n') === set.values.join('\n') && existing.ttl === set.ttl;
      const stored = { ...set, since: unchanged && existing ? existing.since : now };
      if (existing) work[index] = stored;
      else work.push(stored);
    } else if (action === 'DELETE') {
      if (!existing) {
        messages.push(`Tried to delete resource record set ${describeSet(set)} but it was not found`);
        continue;
      }
      if (
        existing.values.join('\n') !== set.values.join('\n') ||
        (set.ttl !== undefined && existing.ttl !== set.ttl)
      ) {
        messages.push(
          `Tried to delete resource record set ${describeSet(set)} but the values provided do not match the current values`,
        );
        continue;
      }
      if ((set.type === 'SOA' || set.type === 'NS') && set.name === zone.name) {
        messages.push(
          `A HostedZone must contain at least one NS record and one SOA record for the zone itself.`,
        );
        continue;
      }
      work.splice(index, 1);
    } else {
      throw new AwsError('InvalidInput', `Invalid XML ; unknown Action ${action}`, 400);
    }
  }
  if (messages.length > 0) throw invalidChangeBatch(messages);
  sortRecords(work);
  zone.records = work;
}

type R = ServiceRequest<Route53State>;

function body(request: R): XmlElement | undefined {
  return request.input.body as XmlElement | undefined;
}

export const route53 = defineService<Route53State>({
  signingName: 'route53',
  protocol: {
    kind: 'restXml',
    xmlns: XMLNS,
    routes: [
      { method: 'POST', path: '/2013-04-01/hostedzone', operation: 'CreateHostedZone' },
      { method: 'GET', path: '/2013-04-01/hostedzone', operation: 'ListHostedZones' },
      { method: 'GET', path: '/2013-04-01/hostedzonesbyname', operation: 'ListHostedZonesByName' },
      { method: 'GET', path: '/2013-04-01/hostedzone/{Id}/rrset', operation: 'ListResourceRecordSets' },
      { method: 'POST', path: '/2013-04-01/hostedzone/{Id}/rrset', operation: 'ChangeResourceRecordSets' },
      { method: 'GET', path: '/2013-04-01/hostedzone/{Id}', operation: 'GetHostedZone' },
      { method: 'DELETE', path: '/2013-04-01/hostedzone/{Id}', operation: 'DeleteHostedZone' },
      { method: 'GET', path: '/2013-04-01/change/{Id}', operation: 'GetChange' },
    ],
  },
  behaviourDefaults: { route53SyncSeconds: 60 },
  createState(world, context) {
    return createRoute53State(world, context.clock, context.random, () =>
      Number(context.behaviour.route53SyncSeconds ?? 60),
    );
  },
  operations: {
    CreateHostedZone: {
      mutating: true,
      handler(request) {
        const root = body(request);
        const name = childText(root, 'Name');
        const callerReference = childText(root, 'CallerReference');
        if (!name || !callerReference)
          throw new AwsError('InvalidInput', 'Invalid XML ; Name and CallerReference are required', 400);
        if (!/^[a-z0-9_*\\-]+(\.[a-z0-9_*\\-]+)+\.?$/i.test(name))
          throw new AwsError('InvalidDomainName', `${name} is not a valid domain name.`, 400);
        const state = request.state;
        if ([...state.zones.values()].some((z) => z.callerReference === callerReference)) {
          throw new AwsError(
            'HostedZoneAlreadyExists',
            'A hosted zone has already been created with the specified caller reference.',
            409,
          );
        }
        const config = child(root, 'HostedZoneConfig');
        const vpc = child(root, 'VPC');
        const isPrivate = childText(config, 'PrivateZone') === 'true' || vpc !== undefined;
        if (isPrivate && !vpc)
          throw new AwsError(
            'InvalidInput',
            'When you create a private hosted zone, you must specify a VPC.',
            400,
          );
        const zone = newZone(state, {
          name,
          callerReference,
          comment: childText(config, 'Comment'),
          private: isPrivate,
          ...(vpc
            ? {
                vpcs: [
                  {
                    region: childText(vpc, 'VPCRegion') ?? request.region,
                    id: childText(vpc, 'VPCId') ?? '',
                  },
                ],
              }
            : {}),
        });
        const changeId = recordChange(state, undefined);
        return withHttp(
          {
            HostedZone: zoneXml(zone),
            ChangeInfo: changeInfo(state, changeId),
            ...(isPrivate
              ? { VPC: { VPCRegion: zone.vpcs[0]?.region, VPCId: zone.vpcs[0]?.id } }
              : { DelegationSet: { NameServers: xmlList('NameServer', nameServers(zone)) } }),
          },
          {
            status: 201,
            headers: { Location: `https://route53.amazonaws.com/2013-04-01/hostedzone/${zone.id}` },
          },
        );
      },
    },
    GetHostedZone: {
      handler(request) {
        const zone = zoneOrThrow(request.state, request.input.Id);
        return {
          HostedZone: zoneXml(zone),
          ...(zone.private
            ? {
                VPCs: xmlList(
                  'VPC',
                  zone.vpcs.map((v) => ({ VPCRegion: v.region, VPCId: v.id })),
                ),
              }
            : { DelegationSet: { NameServers: xmlList('NameServer', nameServers(zone)) } }),
        };
      },
    },
    DeleteHostedZone: {
      mutating: true,
      handler(request) {
        const zone = zoneOrThrow(request.state, request.input.Id);
        if (zone.records.some((r) => !(r.name === zone.name && (r.type === 'NS' || r.type === 'SOA')))) {
          throw new AwsError(
            'HostedZoneNotEmpty',
            'The specified hosted zone contains non-required resource record sets and so cannot be deleted.',
            400,
          );
        }
        request.state.zones.delete(zone.id);
        return { ChangeInfo: changeInfo(request.state, recordChange(request.state, undefined)) };
      },
    },
    ListHostedZones: {
      handler(request) {
        const max = num(request.input.maxitems, 100, 100);
        const zones = [...request.state.zones.values()].sort((a, b) => a.id.localeCompare(b.id));
        const marker = request.input.marker as string | undefined;
        const start = marker ? zones.findIndex((z) => z.id === marker) : 0;
        if (start < 0) throw new AwsError('InvalidInput', 'Invalid marker', 400);
        const page = zones.slice(start, start + max);
        const next = zones[start + max];
        return {
          HostedZones: xmlList('HostedZone', page.map(zoneXml)),
          ...(marker ? { Marker: marker } : {}),
          IsTruncated: next !== undefined,
          ...(next ? { NextMarker: next.id } : {}),
          MaxItems: max,
        };
      },
    },
    ListHostedZonesByName: {
      handler(request) {
        const max = num(request.input.maxitems, 100, 100);
        const dnsName = request.input.dnsname as string | undefined;
        const startId = (request.input.hostedzoneid as string | undefined)?.replace(/^\/?hostedzone\//, '');
        if (startId && !dnsName)
          throw new AwsError(
            'InvalidInput',
            'The DNSName must be specified if HostedZoneId is specified.',
            400,
          );
        const zones = [...request.state.zones.values()].sort(
          (a, b) => compareNames(a.name, b.name) || a.id.localeCompare(b.id),
        );
        let start = 0;
        if (dnsName) {
          const name = canonicalName(dnsName);
          start = zones.findIndex((z) => {
            const c = compareNames(z.name, name);
            return c > 0 || (c === 0 && (!startId || z.id >= startId));
          });
          if (start < 0) start = zones.length;
        }
        const page = zones.slice(start, start + max);
        const next = zones[start + max];
        return {
          HostedZones: xmlList('HostedZone', page.map(zoneXml)),
          ...(dnsName ? { DNSName: dnsName } : {}),
          ...(startId ? { HostedZoneId: startId } : {}),
          IsTruncated: next !== undefined,
          ...(next ? { NextDNSName: wireName(next.name), NextHostedZoneId: next.id } : {}),
          MaxItems: max,
        };
      },
    },
    ListResourceRecordSets: {
      handler(request) {
        const zone = zoneOrThrow(request.state, request.input.Id);
        const max = num(request.input.maxitems, 300, 300);
        const startName = request.input.name as string | undefined;
        const startType = request.input.type as string | undefined;
        const startIdentifier = request.input.identifier as string | undefined;
        if (startType && !startName)
          throw new AwsError('InvalidInput', 'The input is not valid: type requires name', 400);
        let start = 0;
        if (startName) {
          const name = canonicalName(startName);
          start = zone.records.findIndex((r) => {
            const c = compareNames(r.name, name);
            if (c !== 0) return c > 0;
            if (!startType) return true;
            if (r.type !== startType) return r.type > startType;
            return !startIdentifier || (r.setIdentifier ?? '') >= startIdentifier;
          });
          if (start < 0) start = zone.records.length;
        }
        const page = zone.records.slice(start, start + max);
        const next = zone.records[start + max];
        return {
          ResourceRecordSets: xmlList('ResourceRecordSet', page.map(recordXml)),
          IsTruncated: next !== undefined,
          ...(next
            ? {
                NextRecordName: wireName(next.name),
                NextRecordType: next.type,
                ...(next.setIdentifier !== undefined ? { NextRecordIdentifier: next.setIdentifier } : {}),
              }
            : {}),
          MaxItems: max,
        };
      },
    },
    ChangeResourceRecordSets: {
      mutating: true,
      logInput: ['Id'],
      throttling: { code: 'PriorRequestNotComplete', status: 400 },
      handler(request) {
        const zone = zoneOrThrow(request.state, request.input.Id);
        const batch = child(body(request), 'ChangeBatch');
        const changes = children(child(batch, 'Changes'), 'Change').map((c) => ({
          action: childText(c, 'Action') ?? '',
          set: parseRecordSet(child(c, 'ResourceRecordSet')),
        }));
        if (changes.length === 0)
          throw new AwsError('InvalidInput', 'Invalid XML ; ChangeBatch needs at least one Change', 400);
        applyChangeBatch(request.state, zone, changes);
        return {
          ChangeInfo: changeInfo(request.state, recordChange(request.state, childText(batch, 'Comment'))),
        };
      },
    },
    GetChange: {
      handler(request) {
        const id = String(request.input.Id ?? '').replace(/^\/?change\//, '');
        return { ChangeInfo: changeInfo(request.state, id) };
      },
    },
  },
});
