/** Validation CNAMEs from ACM's DomainValidationOptions, deduplicated. */
import { compareCodeUnits } from '@eks-kit/core';

/** One DNS validation record ACM asks for. */
export interface ValidationRecord {
  /** FQDN without the trailing dot, lower case, e.g. `_x1.foo.example.com`. */
  name: string;
  type: 'CNAME';
  /** FQDN without the trailing dot, e.g. `_y2.acm-validations.aws`. */
  value: string;
  /** The certificate names this record validates (a wildcard and its apex share one). */
  domains: string[];
}

/** The part of ACM's DomainValidation that matters here (the SDK's shape). */
export interface DomainValidationLike {
  DomainName?: string | undefined;
  ValidationMethod?: string | undefined;
  ResourceRecord?:
    | { Name?: string | undefined; Type?: string | undefined; Value?: string | undefined }
    | undefined;
}

/**
 * Strip the trailing dot and lower-case a DNS name (ACM and Route 53 return FQDNs with a trailing dot).
 *
 * @example
 * ```ts
 * normaliseFqdn('_X.Example.com.'); // '_x.example.com'
 * ```
 */
export function normaliseFqdn(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * The distinct validation records of a certificate, sorted by name; `undefined` while some DNS
 * option has no ResourceRecord yet (ACM needs seconds after the request, docs/AWS-FACTS.md#acm-validation-records).
 *
 * @example
 * ```ts
 * validationRecordsOf([
 *   { DomainName: '*.foo.example.com', ResourceRecord: { Name: '_a.foo.example.com.', Type: 'CNAME', Value: '_b.acm-validations.aws.' } },
 *   { DomainName: 'foo.example.com', ResourceRecord: { Name: '_a.foo.example.com.', Type: 'CNAME', Value: '_b.acm-validations.aws.' } },
 * ]); // one record, domains ['*.foo.example.com', 'foo.example.com']
 * ```
 */
export function validationRecordsOf(
  options: readonly DomainValidationLike[],
): ValidationRecord[] | undefined {
  const byName = new Map<string, ValidationRecord>();
  for (const option of options) {
    if (option.ValidationMethod !== undefined && option.ValidationMethod !== 'DNS') continue;
    const record = option.ResourceRecord;
    if (!record?.Name || !record.Value) return undefined;
    const name = normaliseFqdn(record.Name);
    const value = normaliseFqdn(record.Value);
    const domain = normaliseFqdn(option.DomainName ?? name);
    const existing = byName.get(name);
    if (existing) {
      if (!existing.domains.includes(domain)) existing.domains.push(domain);
      existing.domains.sort();
    } else {
      byName.set(name, { name, type: 'CNAME', value, domains: [domain] });
    }
  }
  return [...byName.values()].sort((a, b) => compareCodeUnits(a.name, b.name));
}
