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
}

/** What {@link removeValidationRecords} did with each record. */
export interface RemoveValidationRecordsResult {
  changes: Change[];
  /** Records kept, each with why (another certificate needs it, or its value is not ACM's any more). */
  kept: Array<{ record: ValidationRecord; reason: string }>;
}

/** Statuses of certificates that may still need their validation record (renewal included). */
const LIVE_STATUSES = ['PENDING_VALIDATION', 'ISSUED', 'INACTIVE'];

const bare = (name: string): string => normaliseFqdn(name).replace(/^\*\./, '');

/**
 * Delete the validation CNAMEs of a certificate that is going away, except those another live
 * certificate of the region, or of `otherRegions`, still needs (ACM gives every certificate of one name
 * in an account the same record, whatever its region, and a wildcard shares it with its apex): those are
 * kept, with the certificate named; a region of `otherRegions` whose certificates cannot be listed keeps
 * every record. A record
 * whose value is no longer the one given is kept too (someone changed it). A missing record is
 * nothing to do, so a rerun makes no mutating call. Reads: one ListCertificates walk, a
 * DescribeCertificate per certificate sharing a name, one ListResourceRecordSets per record.
 *
 * @example
 * ```ts
 * const { changes, kept } = await removeValidationRecords(clients, { records, except: arn, region: 'eu-west-1' });
 * ```
 */
export async function removeValidationRecords(
  clients: AwsClients,
  input: {
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
  },
  options: DeleteOptions = {},
): Promise<RemoveValidationRecordsResult> {
  const kept: RemoveValidationRecordsResult['kept'] = [];
  if (input.records.length === 0) return { changes: [], kept };
  if (input.keepRecords !== undefined)
    return {
      changes: [],
      kept: input.records.map((record) => ({ record, reason: input.keepRecords as string })),
    };
  const ourNames = new Set(input.records.flatMap((r) => r.domains.map(bare)));
  const neededBy = new Map<string, string>();
  // A region that could not be read may hold a certificate that needs a record: every record is kept.
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
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        if (region === input.region || options.signal?.aborted) throw error;
        unreadable ??= `${region} (${error instanceof Error ? error.message : String(error)})`;
        return;
      }
      for (const s of summaries) {
        if (!s.CertificateArn || s.CertificateArn === input.except) continue;
        const names = [s.DomainName ?? '', ...(s.SubjectAlternativeNameSummaries ?? [])].map(bare);
        if (!names.some((n) => ourNames.has(n))) continue;
        const detail = await describeCertificate(regional, s.CertificateArn, options.signal);
        for (const r of validationRecordsOf(detail.DomainValidationOptions ?? []) ?? [])
          if (!neededBy.has(r.name)) neededBy.set(r.name, s.CertificateArn);
      }
    }),
  );
  if (unreadable !== undefined) {
    for (const record of input.records)
      kept.push({
        record,
        reason: `the certificates of ${unreadable} could not be listed: one of them may still need it (ACM shares a name's record across regions)`,
      });
    return { changes: [], kept };
  }
  const zones = input.zones ?? (await listHostedZones(clients, options.signal));
  const route53 = await clients.route53();
  const steps: PlannedChange[] = [];
  for (const record of input.records) {
    const other = neededBy.get(record.name);
    if (other !== undefined) {
      kept.push({ record, reason: `certificate ${other} still needs it (same validation record)` });
      continue;
    }
    const zone = chooseZone(record.name, zones, input.explicitZones ?? {});
    const existing = await findRecordSet(clients, zone.id, record.name, 'CNAME', options.signal);
    if (!existing) continue;
    const values = existing.values.map(normaliseFqdn);
    if (values.length !== 1 || values[0] !== record.value) {
      kept.push({
        record,
        reason: `its value is ${values.join(', ')}, not ACM's ${record.value}: left alone`,
      });
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
