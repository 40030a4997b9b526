/**
 * docker `config.json` as data: build, merge (keeping every unrelated key) and lint for entries that
 * shadow or never match the credential helper (docs/AWS-FACTS.md#docker-credential-lookup).
 */
import { InvalidInputError, ownEntries, setOwn } from '@eks-kit/core';
import { parseRegistryHost } from './registry-host.js';

/** One `auths` entry: `auth` is base64 of `user:password`. */
export interface DockerAuthEntry {
  auth?: string;
  [key: string]: unknown;
}

/** The parts of a docker config eks-kit writes; any other key is kept as it is. */
export interface DockerConfig {
  auths?: Record<string, DockerAuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
  [key: string]: unknown;
}

/** Input of {@link dockerConfig}. */
export interface DockerConfigInput {
  /**
   * Registries served by a credential helper: a list of ECR hosts (helper `ecr-login`), or a map of
   * host to helper name. Hosts may carry `https://` or a path; keys are written as bare hosts.
   */
  credHelpers?: readonly string[] | Readonly<Record<string, string>>;
  /** Static credentials per registry (any registry): `{ username, password }` or a ready `auth`. */
  auths?: Readonly<Record<string, { username: string; password: string } | { auth: string }>>;
  /** A default credential store (`desktop`, `pass`, `ecr-login`...). */
  credsStore?: string;
}

/** The default helper for ECR hosts: `docker-credential-ecr-login`. */
export const ECR_LOGIN_HELPER = 'ecr-login';

const HELPER_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** An `auths` key: bare host for an ECR registry, kept as given otherwise (`https://index.docker.io/v1/`). */
function authsKey(key: string, field: string): string {
  if (key.trim() === '') throw new InvalidInputError(field, key, 'a registry host');
  try {
    return parseRegistryHost(key, field).host;
  } catch {
    return key.trim();
  }
}

/**
 * Build a docker config with `credHelpers` (bare ECR hosts, helper `ecr-login` by default) and
 * `auths`. Pure and deterministic: keys sorted, nothing else added.
 *
 * @example
 * ```ts
 * dockerConfig({ credHelpers: ['https://123456789012.dkr.ecr.eu-west-1.amazonaws.com'] });
 * // { credHelpers: { '123456789012.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login' } }
 * ```
 */
export function dockerConfig(input: DockerConfigInput = {}): DockerConfig {
  const out: DockerConfig = {};
  if (input.auths !== undefined) {
    if (!input.auths || typeof input.auths !== 'object')
      throw new InvalidInputError('auths', input.auths, 'a map of registry to { username, password }');
    const entries: [string, DockerAuthEntry][] = [];
    for (const [key, value] of ownEntries(input.auths, 'auths')) {
      const field = `auths.${key}`;
      const host = authsKey(key, field);
      // Own properties only: an inherited `auth` or `password` is never read.
      const own = (name: string): unknown =>
        value && typeof value === 'object' && Object.hasOwn(value, name)
          ? (value as Record<string, unknown>)[name]
          : undefined;
      const auth = own('auth');
      const username = own('username');
      const password = own('password');
      if (typeof auth === 'string') {
        entries.push([host, { auth }]);
      } else if (
        typeof username === 'string' &&
        username !== '' &&
        !username.includes(':') &&
        typeof password === 'string'
      ) {
        entries.push([host, { auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64') }]);
      } else {
        // The value is never echoed: it may hold a password.
        throw new InvalidInputError(
          field,
          'a value',
          '{ username, password } (username without ":") or { auth }',
        );
      }
    }
    out.auths = sortedRecord(entries);
  }
  if (input.credHelpers !== undefined) {
    const pairs: [string, string][] = Array.isArray(input.credHelpers)
      ? (input.credHelpers as readonly string[]).map((h) => [h, ECR_LOGIN_HELPER])
      : ownEntries(input.credHelpers as Record<string, string>, 'credHelpers');
    const entries = pairs.map(([host, helper], index): [string, string] => {
      const field = Array.isArray(input.credHelpers) ? `credHelpers[${index}]` : `credHelpers.${host}`;
      if (typeof helper !== 'string' || !HELPER_NAME_RE.test(helper))
        throw new InvalidInputError(field, helper, 'a credential helper name such as ecr-login');
      // credHelpers keys are matched exactly: bare host, never https:// (docs/AWS-FACTS.md#docker-credential-lookup).
      const key = helper === ECR_LOGIN_HELPER ? parseRegistryHost(host, field).host : authsKey(host, field);
      return [key, helper];
    });
    out.credHelpers = sortedRecord(entries);
  }
  if (input.credsStore !== undefined) {
    if (!HELPER_NAME_RE.test(input.credsStore))
      throw new InvalidInputError('credsStore', input.credsStore, 'a credential store name such as desktop');
    out.credsStore = input.credsStore;
  }
  return sortedRecord(Object.entries(out)) as DockerConfig;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Merge a patch into an existing docker config: every unrelated top-level key (`proxies`,
 * `HttpHeaders`, `currentContext`, `plugins`...) is kept as it is; map-valued keys (`auths`,
 * `credHelpers`, ...) are merged entry by entry, the patch winning; other keys are replaced by the
 * patch's. Neither argument is modified. Own keys only: a `__proto__` key at any depth of either
 * argument is refused with {@link InvalidInputError} naming it (`existing.auths.__proto__`), and the
 * result is built with data properties, so its prototype is always `Object.prototype`.
 *
 * @example
 * ```ts
 * mergeDockerConfig(
 *   { auths: { 'ghcr.io': { auth: 'x' } }, proxies: { default: { httpProxy: 'http://proxy:3128' } } },
 *   dockerConfig({ credHelpers: ['123456789012.dkr.ecr.eu-west-1.amazonaws.com'] }),
 * );
 * // auths and proxies kept, credHelpers added
 * ```
 */
export function mergeDockerConfig(existing: unknown, patch: DockerConfig): DockerConfig {
  if (isPlainObject(existing)) refuseProtoKeys(existing, 'existing');
  refuseProtoKeys(patch, 'patch');
  const base: Record<string, unknown> = {};
  if (isPlainObject(existing))
    for (const [key, value] of Object.entries(existing)) setOwn(base, key, structuredClone(value));
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = Object.hasOwn(base, key) ? base[key] : undefined;
    if (isPlainObject(current) && isPlainObject(value)) {
      const merged: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(current)) setOwn(merged, k, v);
      for (const [k, v] of Object.entries(value)) setOwn(merged, k, structuredClone(v));
      setOwn(base, key, merged);
    } else setOwn(base, key, structuredClone(value));
  }
  return base as DockerConfig;
}

/** Refuse a `__proto__` key at any depth (InvalidInputError naming the path), own keys only. */
function refuseProtoKeys(value: unknown, field: string, depth = 0): void {
  if (depth > 64) throw new InvalidInputError(field, 'a deeper value', 'at most 64 levels of nesting');
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      refuseProtoKeys(item, `${field}[${index}]`, depth + 1);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of ownEntries(value as Record<string, unknown>, field))
      refuseProtoKeys(item, `${field}.${key}`, depth + 1);
  }
}

/** Something in a docker config that defeats the credential helper. */
export interface DockerConfigWarning {
  /** `scheme-key`: a key with `https://` or a path; `stale-auths`: an `auths` entry for a helper host. */
  code: 'scheme-key' | 'stale-auths';
  /** Where: `credHelpers.<key>` or `auths.<key>`. */
  key: string;
  message: string;
}

/**
 * Find entries that defeat the credential helper (docs/AWS-FACTS.md#docker-credential-lookup: keys are matched as bare hosts,
 * `https://host` does not match, and a stale `auths` entry can shadow the helper). Never prints
 * credentials: only keys.
 *
 * @example
 * ```ts
 * dockerConfigWarnings({ credHelpers: { 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login' } });
 * // [{ code: 'scheme-key', key: 'credHelpers.https://1234...', message: '... never matches ...' }]
 * ```
 */
export function dockerConfigWarnings(config: unknown): DockerConfigWarning[] {
  if (!isPlainObject(config)) return [];
  const warnings: DockerConfigWarning[] = [];
  const helpers = isPlainObject(config.credHelpers) ? config.credHelpers : {};
  const auths = isPlainObject(config.auths) ? config.auths : {};
  const helperHosts = new Set<string>();
  for (const key of Object.keys(helpers).sort()) {
    const bare = bareKey(key);
    helperHosts.add(bare);
    if (bare !== key) {
      warnings.push({
        code: 'scheme-key',
        key: `credHelpers.${key}`,
        message: `credHelpers key "${key}" never matches: docker looks helpers up by the exact bare host; use "${bare}"`,
      });
    }
  }
  for (const key of Object.keys(auths).sort()) {
    const bare = bareKey(key);
    if (helperHosts.has(bare)) {
      warnings.push({
        code: 'stale-auths',
        key: `auths.${key}`,
        message: `auths entry "${key}" also names the credential helper's host ${bare}: a stale token there can shadow the helper (ECR tokens expire after 12 hours); remove it`,
      });
    } else if (bare !== key && isEcrHost(bare)) {
      warnings.push({
        code: 'scheme-key',
        key: `auths.${key}`,
        message: `auths key "${key}" is not the bare registry host "${bare}": some clients will not match it`,
      });
    }
  }
  return warnings;
}

function isEcrHost(host: string): boolean {
  try {
    parseRegistryHost(host);
    return true;
  } catch {
    return false;
  }
}

/** A key without scheme, path or trailing slash, lower case. */
function bareKey(key: string): string {
  return key
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/[/?#].*$/, '')
    .toLowerCase();
}
