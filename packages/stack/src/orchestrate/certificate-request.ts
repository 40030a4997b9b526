/** A stack file certificate as the ACM request acm-dns-validation takes: the one mapping. */
import {
  type CertificateRequestInput,
  type NormalisedCertificateRequest,
  normaliseCertificateRequest,
} from '@eks-kit/acm-dns-validation';
import type { StackCertificate } from '../schema/stack-schema.js';

/** What the mapping reads of a stack: its name and tags (absent while the file is loaded) and region. */
export interface CertificateRequestContext {
  name?: string;
  tags?: Record<string, string> | undefined;
  cluster: { region: string };
}

/**
 * The ACM request of one `certificates[]` entry: names, key algorithm, region (the cluster's unless
 * the entry says), zones, and the stack's name and tags. apply, check, `eks-kit cert` and the load
 * checks all map a certificate through this, so they ask ACM for the same certificate.
 *
 * @example
 * ```ts
 * await ensureCertificate(clients, certificateRequest(stack, stack.certificates[0]!));
 * ```
 */
export function certificateRequest(
  stack: CertificateRequestContext,
  cert: StackCertificate,
): CertificateRequestInput {
  return {
    domainName: cert.domainName,
    subjectAlternativeNames: cert.subjectAlternativeNames ?? [],
    keyAlgorithm: cert.keyAlgorithm,
    region: cert.region ?? stack.cluster.region,
    ...(cert.zones ? { zones: cert.zones } : {}),
    ...(stack.name !== undefined ? { stack: stack.name } : {}),
    ...(stack.tags !== undefined ? { tags: stack.tags } : {}),
  };
}

/**
 * {@link certificateRequest}, validated and normalised as ACM will be asked (sorted names, idempotency
 * material); throws `InvalidInputError` naming the field.
 *
 * @example
 * ```ts
 * normalisedCertificateRequest(stack, cert).names; // ['*.apps.example.com', 'apps.example.com']
 * ```
 */
export function normalisedCertificateRequest(
  stack: CertificateRequestContext,
  cert: StackCertificate,
): NormalisedCertificateRequest {
  return normaliseCertificateRequest(certificateRequest(stack, cert), stack.cluster.region);
}
