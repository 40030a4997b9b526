/** CAA records and whether they let Amazon issue (docs/AWS-FACTS.md#acm-caa). */

/** CA domains that must be allowed by CAA for ACM to issue (docs/AWS-FACTS.md#acm-caa). */
export const AMAZON_CAA_DOMAINS = ['amazon.com', 'amazontrust.com', 'awstrust.com', 'amazonaws.com'] as const;

/**
 * True when a set of CAA record values (e.g. `0 issue "letsencrypt.org"`) allows Amazon to issue
 * a certificate for the name; `wildcard` uses `issuewild` when present. No CAA values: allowed.
 *
 * @example
 * ```ts
 * caaAllowsAmazon(['0 issue "letsencrypt.org"']); // false
 * caaAllowsAmazon(['0 issue "amazon.com"']);      // true
 * ```
 */
export function caaAllowsAmazon(values: readonly string[], wildcard = false): boolean {
  const parsed = values
    .map((v) => /^\s*(\d+)\s+(\S+)\s+"?([^"]*)"?\s*$/.exec(v))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      tag: (m[2] ?? '').toLowerCase(),
      value: (m[3] ?? '').split(';')[0]?.trim().toLowerCase() ?? '',
    }));
  const issue = parsed.filter((p) => p.tag === 'issue');
  const issuewild = parsed.filter((p) => p.tag === 'issuewild');
  const relevant = wildcard && issuewild.length > 0 ? issuewild : issue;
  if (relevant.length === 0) return true;
  return relevant.some((p) => (AMAZON_CAA_DOMAINS as readonly string[]).includes(p.value));
}

/**
 * The names whose CAA records govern `name`: the name itself (without `*.`) then each parent,
 * closest first; the closest one that has CAA records applies (RFC 8659 tree climbing).
 *
 * @example
 * ```ts
 * caaLookupNames('*.foo.example.com'); // ['foo.example.com', 'example.com', 'com']
 * ```
 */
export function caaLookupNames(name: string): string[] {
  const labels = name.toLowerCase().replace(/\.$/, '').replace(/^\*\./, '').split('.');
  return labels.map((_, i) => labels.slice(i).join('.'));
}
