/**
 * Which scanning setting applies to a repository: the registry's scanning configuration or the
 * repository's own (deprecated) scanOnPush. Written from the ECR user guide, "Filters to choose which
 * repositories are scanned" and PutRegistryScanningConfiguration (read 2026-12): with BASIC scanning,
 * repositories that match no scan-on-push filter are set to MANUAL; with ENHANCED, repositories that
 * match no filter are not scanned, and CONTINUOUS_SCAN wins over SCAN_ON_PUSH when both match. A
 * filter without `*` matches every name that contains it; `*` stands for zero or more characters.
 */

/** A rule of the registry's scanning configuration (GetRegistryScanningConfiguration). */
export interface RegistryScanningRuleRef {
  scanFrequency?: string;
  repositoryFilters?: Array<{ filter?: string; filterType?: string }>;
}

/** The registry's scanning configuration, as GetRegistryScanningConfiguration answers it. */
export interface RegistryScanningRef {
  scanType?: string;
  rules?: RegistryScanningRuleRef[];
}

/** What decides scanning for one repository, and what it decides. */
export interface ScanningDecision {
  /** `registry`: the registry's rules decide, the repository's scanOnPush is ignored. */
  decidedBy: 'registry' | 'repository';
  /** BASIC or ENHANCED (the registry's). */
  scanType: string;
  /** With `decidedBy: 'registry'`: SCAN_ON_PUSH, CONTINUOUS_SCAN, MANUAL, or NONE (ENHANCED, no match). */
  frequency?: 'SCAN_ON_PUSH' | 'CONTINUOUS_SCAN' | 'MANUAL' | 'NONE';
  /** The filter that matched. */
  filter?: string;
  /** One line for humans. */
  summary: string;
}

/**
 * Whether an ECR repository-scanning filter matches a repository name (ECR's rule: no `*` means
 * "contains"; `*` is zero or more characters, anchored at both ends).
 *
 * @example
 * ```ts
 * scanFilterMatches('prod', 'repo-prod-repo'); // true
 * scanFilterMatches('prod*', 'repo-prod');     // false
 * ```
 */
export function scanFilterMatches(filter: string, repositoryName: string): boolean {
  if (!filter.includes('*')) return repositoryName.includes(filter);
  const pattern = filter
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(repositoryName);
}

/**
 * Which setting decides image scanning for a repository. A registry with BASIC scanning and no rules
 * (never configured) leaves it to the repository's scanOnPush; any rule, or ENHANCED scanning, makes
 * the registry decide for every repository. Pure.
 *
 * @example
 * ```ts
 * scanningDecision('team/app', { scanType: 'BASIC', rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'team/*', filterType: 'WILDCARD' }] }] });
 * // { decidedBy: 'registry', scanType: 'BASIC', frequency: 'SCAN_ON_PUSH', filter: 'team/*', summary: ... }
 * ```
 */
export function scanningDecision(
  repositoryName: string,
  config: RegistryScanningRef | undefined,
): ScanningDecision {
  const scanType = config?.scanType ?? 'BASIC';
  const rules = config?.rules ?? [];
  if (scanType === 'BASIC' && rules.length === 0)
    return {
      decidedBy: 'repository',
      scanType,
      summary: "the registry has BASIC scanning and no rules: the repository's scanOnPush applies",
    };
  const matching = (frequency: string) =>
    rules
      .filter((r) => r.scanFrequency === frequency)
      .flatMap((r) => r.repositoryFilters ?? [])
      .find((f) => typeof f.filter === 'string' && scanFilterMatches(f.filter, repositoryName))?.filter;
  const order: Array<'CONTINUOUS_SCAN' | 'SCAN_ON_PUSH' | 'MANUAL'> =
    scanType === 'ENHANCED' ? ['CONTINUOUS_SCAN', 'SCAN_ON_PUSH'] : ['SCAN_ON_PUSH'];
  for (const frequency of order) {
    const filter = matching(frequency);
    if (filter !== undefined)
      return {
        decidedBy: 'registry',
        scanType,
        frequency,
        filter,
        summary: `the registry's ${scanType} scanning rule ${frequency} (filter "${filter}") applies`,
      };
  }
  const frequency = scanType === 'ENHANCED' ? 'NONE' : 'MANUAL';
  return {
    decidedBy: 'registry',
    scanType,
    frequency,
    summary:
      scanType === 'ENHANCED'
        ? "the registry's ENHANCED scanning applies and no filter matches: not scanned"
        : "the registry's BASIC scanning rules apply and no scan-on-push filter matches: MANUAL scans only",
  };
}
