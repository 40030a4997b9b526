/** Choosing the hosted zone for a name: explicit map first, else the longest public zone that is a suffix. */
import { compareCodeUnits, EksKitError } from '@eks-kit/core';
import { normaliseFqdn } from './validation-records.js';

/** A hosted zone as eks-kit needs it. */
export interface HostedZoneRef {
  /** Zone id without `/hostedzone/`. */
  id: string;
  /** Zone name without the trailing dot, lower case. */
  name: string;
  private: boolean;
}

/** True when `zone` is `name` or one of its parent domains. */
function isSuffixZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/**
 * Choose the hosted zone for a DNS name (docs/AWS-FACTS.md#route-53-zone-lookup: pick the longest public zone that is a
 * suffix; ACM only sees public DNS; several zones can share one name). An explicit `zones` entry
 * (domain -> zone id) for the name or a parent wins. Throws `PrivateZoneOnly`, `AmbiguousZone`,
 * `ZoneNotFound` or `ExplicitZoneNotFound` with a hint.
 *
 * @example
 * ```ts
 * chooseZone('_a.foo.example.com', [{ id: 'Z1', name: 'example.com', private: false }], {}); // { id: 'Z1', ... }
 * ```
 */
export function chooseZone(
  fqdn: string,
  zones: readonly HostedZoneRef[],
  explicit: Readonly<Record<string, string>> = {},
): HostedZoneRef {
  const name = normaliseFqdn(fqdn).replace(/^\*\./, '');
  const explicitKey = Object.keys(explicit)
    .filter((domain) => isSuffixZone(name, domain))
    .sort((a, b) => b.length - a.length)[0];
  if (explicitKey !== undefined) {
    const id = explicit[explicitKey] as string;
    const zone = zones.find((z) => z.id === id);
    if (!zone) {
      throw new EksKitError(
        'ExplicitZoneNotFound',
        `hosted zone ${id} given for ${explicitKey} does not exist`,
        {
          hint: 'check the zone id with: aws route53 list-hosted-zones',
        },
      );
    }
    if (!isSuffixZone(name, zone.name)) {
      throw new EksKitError(
        'ExplicitZoneMismatch',
        `hosted zone ${id} (${zone.name}) cannot hold records for ${name}`,
        {
          hint: `give a zone whose name is ${name} or a parent of it`,
        },
      );
    }
    if (zone.private) throw privateZoneError(name, [zone]);
    return zone;
  }
  const matching = zones.filter((z) => isSuffixZone(name, z.name));
  const publicZones = matching.filter((z) => !z.private);
  if (publicZones.length === 0) {
    if (matching.length > 0) throw privateZoneError(name, matching);
    throw new EksKitError('ZoneNotFound', `no Route 53 hosted zone holds ${name}`, {
      hint: `create a public hosted zone for ${name} or a parent domain, or create the validation record where the domain's DNS is served`,
    });
  }
  const longest = Math.max(...publicZones.map((z) => z.name.length));
  const best = publicZones
    .filter((z) => z.name.length === longest)
    .sort((a, b) => compareCodeUnits(a.id, b.id));
  if (best.length > 1) {
    throw new EksKitError(
      'AmbiguousZone',
      `several public hosted zones are named ${best[0]?.name}: ${best.map((z) => z.id).join(', ')}`,
      {
        hint: `say which one is delegated, e.g. zones: { "${best[0]?.name}": "${best[0]?.id}" } (compare the NS records with: dig NS ${best[0]?.name})`,
      },
    );
  }
  return best[0] as HostedZoneRef;
}

function privateZoneError(name: string, zones: readonly HostedZoneRef[]): EksKitError {
  return new EksKitError(
    'PrivateZoneOnly',
    `only a private hosted zone holds ${name} (${zones.map((z) => `${z.id} ${z.name}`).join(', ')}); ACM validates through public DNS and would time out after 72 hours`,
    {
      hint: `create a public hosted zone for ${name} or a parent domain (and delegate it), or pass zones with a public zone id`,
    },
  );
}
