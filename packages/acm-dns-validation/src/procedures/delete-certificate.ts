/**
 * deleteCertificate and removeValidationRecords (issue 16): delete an ACM certificate this stack
 * owns, never one in use (ACM's ResourceInUseException, named) and never an untagged or foreign
 * one, with the validation CNAMEs no other certificate still needs; idempotent, with dry run.
 */
import { DeleteCertificateCommand } from '@aws-sdk/client-acm';
import { ChangeResourceRecordSetsCommand, type Route53Client } from '@aws-sdk/client-route-53';
import {
  type AwsClients,
  absentResult,
  applyPlan,
  awsErrorCode,
  type Change,
  type DeleteOptions,
  type DeleteResult,
  EksKitError,
  isNotFoundError,
  keepUnlessOwned,
  type PlannedChange,
  refusedResult,
  UNCHANGED,
  validateTagValue,
} from '@eks-kit/core';
import { normaliseFqdn, type ValidationRecord, validationRecordsOf } from '../builders/validation-records.js';
import { chooseZone, type HostedZoneRef } from '../builders/zones.js';
import { describeCertificate, regionOfCertificateArn } from './describe.js';
import { certificateTags, listCertificates } from './find-certificate.js';
import { findRecordSet, listHostedZones } from './route53.js';

/** Which certificate {@link deleteCertificate} removes, and for which stack. */
export interface DeleteCertificateSpec {
  arn: string;
  stack: string;
  /** Explicit domain -> hosted zone id, as in the stack file (else the longest public suffix zone). */
  zones?: Readonly<Record<string, string>>;
  /**
   * Other regions whose live certificates may share its validation records (ACM gives a name the same
   * record in every region of an account): a record one of them still needs is kept. destroy passes
   * every region enabled for the account. Without it only the certificate's own region is looked at.
   */
  otherRegions?: readonly string[];
  /**
   * Keep every validation record, with this reason: the caller could not tell whether another region's
   * certificate needs it (destroy without `ec2:DescribeRegions`).
   */
  keepRecords?: string;
  /** The run's shared-record rule: see {@link RecordsOfRun}. */
  run?: RecordsOfRun;
  /**
   * The zone is the one the file's dns settings reach now, not the one apply chose (a certificate the
   * file no longer names): a record not found there is reported as kept (where apply wrote it is not
   * known), never looked for elsewhere.
   */
  zoneGuessed?: boolean;
  /** Whose Route 53 holds the zone, for the command of a kept record (e.g. `account 222222222222 as arn:...`). */
  route53Owner?: string;
}

/**
 * What one destroy (or prune) deletes together (issue 21): `deleting` are the certificates it deletes,
 * which do not keep a record (unless in use: ACM will refuse to delete those); `claimed` the record
 * names one of its deletions has already decided on, so a record shared by two of them (one name in
 * two regions) is deleted, or kept, once.
 */
export interface RecordsOfRun {
  deleting: ReadonlySet<string>;
  claimed: Set<string>;
}

/** A validation record kept, and why. */
export interface KeptValidationRecord {
  record: ValidationRecord;
  reason: string;
  /** The hosted zone it was looked for in (`<zone id>` when none could be chosen). */
  zoneId?: string;
  /**
   * The aws CLI line that deletes it, for a record no certificate is known to need (kept only because
   * that could not be checked, or its zone is not known): run it once you have checked.
   */
  command?: string;
}

/** What {@link removeValidationRecords} did with each record. */
export interface RemoveValidationRecordsResult {
  changes: Change[];
  /** Records kept, each with why (another certificate needs it, or its value is not ACM's any more). */
  kept: KeptValidationRecord[];
}

/** Statuses of certificates that may still need their validation record (renewal included). */
const LIVE_STATUSES = ['PENDING_VALIDATION', 'ISSUED', 'INACTIVE'];

const bare = (name: string): string => normaliseFqdn(name).replace(/^\*\./, '');

/**
 * The aws CLI line that deletes one validation CNAME (the exact record: Route 53 deletes only a record
 * set given as it is).
 *
 * @example
 * ```ts
 * deleteRecordCommand('Z1', { name: '_a.foo.example.com', value: '_b.acm-validations.aws' }, 300);
 * // aws route53 change-resource-record-sets --hosted-zone-id Z1 --change-batch '{"Changes":[...]}'
 * ```
 */
export function deleteRecordCommand(
  zoneId: string,
  record: { name: string; value: string },
  ttl = 300,
): string {
  const batch = {
    Changes: [
      {
        Action: 'DELETE',
        ResourceRecordSet: {
          Name: `${normaliseFqdn(record.name)}.`,
          Type: 'CNAME',
          TTL: ttl,
          ResourceRecords: [{ Value: `${normaliseFqdn(record.value)}.` }],
        },
      },
    ],
  };
  return `aws route53 change-resource-record-sets --hosted-zone-id ${zoneId} --change-batch '${JSON.stringify(batch)}'`;
}

type RemoveInput = {
  records: readonly ValidationRecord[];
  /** The certificate being deleted (not counted as needing its own records). */
  except: string;
  region: string;
  /** Other regions to look in for live certificates sharing a record (see DeleteCertificateSpec). */
  otherRegions?: readonly string[];
  /** Keep every record, with this reason (see DeleteCertificateSpec). */
  keepRecords?: string;
  zones?: readonly HostedZoneRef[];
  explicitZones?: Readonly<Record<string, string>>;
  run?: RecordsOfRun;
  zoneGuessed?: boolean;
  route53Owner?: string;
};

/**
 * Which records a live certificate of the region or of `otherRegions` still needs (by record name, the
 * certificate's ARN), or the region that could not be listed. A certificate the run deletes
 * (`run.deleting`) does not count, unless it is in use (ACM will refuse to delete it).
 */
async function recordsStillNeeded(
  clients: AwsClients,
  input: RemoveInput,
  signal: AbortSignal | undefined,
): Promise<{ neededBy: Map<string, string>; unreadable?: string }> {
  const ourNames = new Set(input.records.flatMap((r) => r.domains.map(bare)));
  const neededBy = new Map<string, string>();
  let unreadable: string | undefined;
  const regions = [...new Set([input.region, ...(input.otherRegions ?? [])])];
  await Promise.all(
    regions.map(async (region) => {
      const regional = region === clients.region ? clients : clients.withRegion(region);
      let summaries: Awaited<ReturnType<typeof listCertificates>>;
      try {
        summaries = await listCertificates(regional, {
          region,
          statuses: LIVE_STATUSES,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        if (region === input.region || signal?.aborted) throw error;
        unreadable ??= `${region} (${error instanceof Error ? error.message : String(error)})`;
        return;
      }
      for (const s of summaries) {
        if (!s.CertificateArn || s.CertificateArn === input.except) continue;
        const names = [s.DomainName ?? '', ...(s.SubjectAlternativeNameSummaries ?? [])].map(bare);
        if (!names.some((n) => ourNames.has(n))) continue;
        const detail = await describeCertificate(regional, s.CertificateArn, signal);
        const goes = input.run?.deleting.has(s.CertificateArn) && (detail.InUseBy ?? []).length === 0;
        if (goes) continue;
        for (const r of validationRecordsOf(detail.DomainValidationOptions ?? []) ?? [])
          if (!neededBy.has(r.name)) neededBy.set(r.name, s.CertificateArn);
      }
    }),
  );
  return { neededBy, ...(unreadable !== undefined ? { unreadable } : {}) };
}

/** Why every record is kept when a region could not be listed (or the regions could not be read). */
const unreadableReason = (unreadable: string): string =>
  `the certificates of ${unreadable} could not be listed: one of them may still need it (ACM shares a name's record across regions)`;

/**
 * Delete the validation CNAMEs of a certificate that is going away, except those another live
 * certificate of the region, or of `otherRegions`, still needs (ACM gives every certificate of one name
 * in an account the same record, whatever its region, and a wildcard shares it with its apex): those are
 * kept, with the certificate named; a region of `otherRegions` whose certificates cannot be listed keeps
 * every record, naming its zone and the aws CLI line that deletes it once the user has checked. A
 * certificate the same run deletes (`run`) does not keep a record, and a record two of them share is
 * decided once. A record whose value is no longer the one given is kept too (someone changed it). A
 * missing record is nothing to do (unless `zoneGuessed`), so a rerun makes no mutating call. Route 53 is
 * `clients`' (the DNS role's for a zone in another account). Reads: one ListCertificates walk per region,
 * a DescribeCertificate per certificate sharing a name, one ListResourceRecordSets per record.
 *
 * @example
 * ```ts
 * const { changes, kept } = await removeValidationRecords(clients, { records, except: arn, region: 'eu-west-1' });
 * ```
 */
export async function removeValidationRecords(
  clients: AwsClients,
  input: RemoveInput,
  options: DeleteOptions = {},
): Promise<RemoveValidationRecordsResult> {
  const kept: RemoveValidationRecordsResult['kept'] = [];
  const records = input.records.filter((r) => {
    if (input.run?.claimed.has(r.name)) return false;
    input.run?.claimed.add(r.name);
    return true;
  });
  if (records.length === 0) return { changes: [], kept };
  const needed =
    input.keepRecords === undefined
      ? await recordsStillNeeded(clients, input, options.signal)
      : { neededBy: new Map<string, string>() };
  const keepAll =
    input.keepRecords ?? (needed.unreadable !== undefined ? unreadableReason(needed.unreadable) : undefined);
  const zones = input.zones ?? (await listHostedZones(clients, options.signal));
  const route53 = await clients.route53();
  const steps: PlannedChange[] = [];
  for (const record of records) {
    const other = needed.neededBy.get(record.name);
    if (other !== undefined) {
      kept.push({ record, reason: `certificate ${other} still needs it (same validation record)` });
      continue;
    }
    const found = await recordInZone(clients, record, zones, input, options.signal);
    if ('kept' in found) {
      if (found.kept) kept.push(found.kept);
      continue;
    }
    const { zone, existing } = found;
    if (keepAll !== undefined) {
      kept.push({ ...keptWithCommand(record, zone.id, existing.ttl, input.route53Owner), reason: keepAll });
      continue;
    }
    steps.push({
      change: {
        action: 'delete',
        resource: `route53 record ${record.name} CNAME (zone ${zone.id} ${zone.name})`,
        summary: `delete validation record ${record.name} CNAME ${record.value} (validated ${record.domains.join(', ')})`,
      },
      operation: 'route53:ChangeResourceRecordSets',
      target: zone.id,
      apply: () => deleteRecord(route53, zone.id, record.name, existing, options.signal),
    });
  }
  const { changes } = await applyPlan(steps, options);
  return { changes, kept };
}

/** A kept record with its zone and the command that deletes it (in the account that holds the zone). */
function keptWithCommand(
  record: ValidationRecord,
  zoneId: string,
  ttl: number | undefined,
  owner: string | undefined,
): Omit<KeptValidationRecord, 'reason'> {
  const command = deleteRecordCommand(zoneId, record, ttl ?? 300);
  return { record, zoneId, command: owner ? `${command} (with the credentials of ${owner})` : command };
}

/**
 * The record in the zone chosen for it, if it is there with ACM's value; else whether it is kept
 * (a value changed by someone, no zone for it, or not found where a guessed zone says).
 */
async function recordInZone(
  clients: AwsClients,
  record: ValidationRecord,
  zones: readonly HostedZoneRef[],
  input: RemoveInput,
  signal: AbortSignal | undefined,
): Promise<
  | { zone: HostedZoneRef; existing: NonNullable<Awaited<ReturnType<typeof findRecordSet>>> }
  | { kept: KeptValidationRecord | undefined }
> {
  let zone: HostedZoneRef;
  try {
    zone = chooseZone(record.name, zones, input.explicitZones ?? {});
  } catch (error) {
    if (!(error instanceof EksKitError)) throw error;
    return {
      kept: {
        ...keptWithCommand(record, '<zone id>', undefined, input.route53Owner),
        reason: `no hosted zone of it could be chosen (${error.message}): delete it where it was written`,
      },
    };
  }
  const existing = await findRecordSet(clients, zone.id, record.name, 'CNAME', signal);
  if (!existing) {
    if (!input.zoneGuessed) return { kept: undefined };
    return {
      kept: {
        ...keptWithCommand(record, '<zone id>', undefined, input.route53Owner),
        reason: `not in zone ${zone.id} (${zone.name}), the one the file's dns settings reach: the certificate is no longer in the file, so where apply wrote it is not known; if it is in another zone, delete it there`,
      },
    };
  }
  const values = existing.values.map(normaliseFqdn);
  if (values.length !== 1 || values[0] !== record.value)
    return {
      kept: {
        record,
        zoneId: zone.id,
        reason: `its value is ${values.join(', ')}, not ACM's ${record.value}: left alone`,
      },
    };
  return { zone, existing };
}

/**
 * Delete an ACM certificate tagged `eks-kit:stack=<stack>`, after its validation CNAMEs that no
 * other certificate needs ({@link removeValidationRecords}). Refusals come before any write: a
 * certificate in use by a load balancer or a distribution is kept (`keptBecause: 'refused'`,
 * naming ACM's ResourceInUseException and the users); an untagged or foreign one is never
 * touched; a missing one is `absent`. Records go first so that a run killed after any deletion
 * and run again still finds the certificate, and with it the records, and finishes the job.
 *
 * @example
 * ```ts
 * const r = await deleteCertificate(clients, { arn, stack: 'prod' }, { dryRun: true });
 * console.log(r.outcome, r.reason ?? '');
 * ```
 */
export async function deleteCertificate(
  clients: AwsClients,
  spec: DeleteCertificateSpec,
  options: DeleteOptions = {},
): Promise<DeleteResult & { keptRecords: RemoveValidationRecordsResult['kept'] }> {
  const region = regionOfCertificateArn(spec?.arn, 'arn');
  validateTagValue(spec.stack, 'stack');
  const resource = `acm certificate ${spec.arn}`;
  let detail: Awaited<ReturnType<typeof describeCertificate>>;
  try {
    detail = await describeCertificate(clients, spec.arn, options.signal);
  } catch (error) {
    if (isNotFoundError(error) || (error instanceof EksKitError && /not found/i.test(error.message)))
      return { ...absentResult(resource), keptRecords: [] };
    throw error;
  }
  const kept = keepUnlessOwned(
    resource,
    await certificateTags(clients, spec.arn, region, options.signal),
    spec.stack,
  );
  if (kept) return { ...kept, keptRecords: [] };
  const inUse = (users: readonly string[]): DeleteResult =>
    refusedResult(
      resource,
      `in use by ${users.length > 0 ? users.join(', ') : 'an AWS service'} (ACM refuses: ResourceInUseException)`,
      'remove it from the load balancer or distribution (e.g. delete the Ingress that names it), then run destroy again',
    );
  if ((detail.InUseBy ?? []).length > 0) return { ...inUse(detail.InUseBy ?? []), keptRecords: [] };
  const records = validationRecordsOf(detail.DomainValidationOptions ?? []) ?? [];
  const removed = await removeValidationRecords(
    clients,
    {
      records,
      except: spec.arn,
      region,
      ...(spec.otherRegions ? { otherRegions: spec.otherRegions } : {}),
      ...(spec.keepRecords !== undefined ? { keepRecords: spec.keepRecords } : {}),
      ...(spec.zones ? { explicitZones: spec.zones } : {}),
      ...(spec.run ? { run: spec.run } : {}),
      ...(spec.zoneGuessed ? { zoneGuessed: true } : {}),
      ...(spec.route53Owner !== undefined ? { route53Owner: spec.route53Owner } : {}),
    },
    options,
  );
  const change: Change = {
    action: 'delete',
    resource,
    summary: `delete certificate for ${detail.DomainName ?? ''}`,
  };
  // ACM's answer decides: in use meanwhile is a refusal (nothing deleted); gone meanwhile is done.
  let refused = false;
  const remove = async (): Promise<unknown> => {
    const acm = await clients.acm(region);
    try {
      return await acm.send(new DeleteCertificateCommand({ CertificateArn: spec.arn }), {
        abortSignal: options.signal,
      });
    } catch (error) {
      if (awsErrorCode(error) === 'ResourceInUseException') {
        refused = true;
        return UNCHANGED;
      }
      if (!isNotFoundError(error)) throw error;
      return undefined;
    }
  };
  const { changes } = await applyPlan(
    [{ change, operation: 'acm:DeleteCertificate', target: spec.arn, apply: remove }],
    { ...options, earlier: removed.changes },
  );
  if (refused) return { ...inUse([]), changes: removed.changes, keptRecords: removed.kept };
  return {
    changes: [...removed.changes, ...changes],
    resource,
    outcome: 'deleted',
    keptRecords: removed.kept,
  };
}

/** DELETE one validation CNAME; one deleted meanwhile (Route 53: InvalidChangeBatch "not found") is done. */
async function deleteRecord(
  route53: Route53Client,
  zoneId: string,
  name: string,
  existing: { ttl?: number | undefined; values: string[] },
  signal: AbortSignal | undefined,
): Promise<unknown> {
  return route53
    .send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Comment: 'eks-kit destroy: ACM validation record no certificate needs',
          Changes: [
            {
              Action: 'DELETE',
              ResourceRecordSet: {
                Name: `${name}.`,
                Type: 'CNAME',
                TTL: existing.ttl ?? 300,
                ResourceRecords: existing.values.map((Value) => ({ Value })),
              },
            },
          ],
        },
      }),
      { abortSignal: signal },
    )
    .catch((e: unknown) => {
      if (awsErrorCode(e) === 'InvalidChangeBatch' && /not found/i.test(String((e as Error).message))) return;
      throw e;
    });
}
