/**
 * helmfile.yaml for helmfile v1 (schema: https://json.schemastore.org/helmfile.json): repositories,
 * releases with pinned chart versions, optional environments. With environments the file is
 * `helmfile.yaml.gotmpl`, environments come first and are separated from releases by `---`.
 */
import { InvalidInputError, ownEntries, sortKeysDeep } from '@eks-kit/core';
import { validateChartVersion, validateNamespace, validateReleaseName } from './kubernetes-names.js';
import { assertPlainData } from './plain-data.js';
import { checkTemplates, findTemplates } from './templates.js';
import { generatedHeader, renderYamlDocument } from './values-yaml.js';

/** A chart repository. */
export interface HelmfileRepository {
  /** Name used in `chart: <name>/<chart>`. */
  name: string;
  /** `https://...` for a classic repository; `host/path` (no scheme) when `oci`. */
  url: string;
  /** An OCI registry. */
  oci?: boolean;
}

/** One entry of `values:`: an inline map, or the path of a values file. */
export type HelmfileValues = object | string;

/** A release. */
export interface HelmfileRelease {
  name: string;
  namespace: string;
  /** `<repository>/<chart>`, `oci://...`, or a local path (`./charts/x`). */
  chart: string;
  /** Exact chart version (required for repository and OCI charts), or `{{ .Values.x }}` with environments. */
  version?: string;
  createNamespace?: boolean;
  labels?: Record<string, string>;
  /** Releases to install first: `name` or `namespace/name`. */
  needs?: string[];
  installed?: boolean;
  wait?: boolean;
  values?: HelmfileValues[];
}

/** An environment: values files or inline maps that `{{ .Values.x }}` reads. */
export interface HelmfileEnvironment {
  values?: HelmfileValues[];
}

/** Defaults for every release. */
export interface HelmfileDefaults {
  wait?: boolean;
  /** Seconds. */
  timeout?: number;
  createNamespace?: boolean;
}

/** Input of {@link helmfile}. */
export interface HelmfileInput {
  repositories?: HelmfileRepository[];
  releases: HelmfileRelease[];
  /** When given (even `{ default: {} }`), the output is `helmfile.yaml.gotmpl`. */
  environments?: Record<string, HelmfileEnvironment>;
  helmDefaults?: HelmfileDefaults;
}

/** A rendered helmfile. */
export interface HelmfileOutput {
  /** `helmfile.yaml`, or `helmfile.yaml.gotmpl` when there are environments. */
  fileName: 'helmfile.yaml' | 'helmfile.yaml.gotmpl';
  /** The file's text. */
  content: string;
  /** True for the `.gotmpl` form. */
  templated: boolean;
}

const REPO_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const ENV_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const CHART_NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const OCI_REF_RE = /^[a-z0-9.-]+(?::\d+)?(?:\/[a-z0-9._-]+)+$/;

function checkRepository(repo: unknown, index: number): HelmfileRepository {
  const field = `repositories[${index}]`;
  if (!repo || typeof repo !== 'object') throw new InvalidInputError(field, repo, 'a map with name and url');
  const { name, url, oci } = repo as HelmfileRepository;
  if (typeof name !== 'string' || !REPO_NAME_RE.test(name)) {
    throw new InvalidInputError(`${field}.name`, name, 'a repository name of letters, digits, - or _');
  }
  if (oci !== undefined && typeof oci !== 'boolean')
    throw new InvalidInputError(`${field}.oci`, oci, 'true or false');
  if (oci) {
    if (typeof url !== 'string' || !OCI_REF_RE.test(url)) {
      throw new InvalidInputError(
        `${field}.url`,
        url,
        'an OCI registry path without scheme, e.g. public.ecr.aws/charts',
      );
    }
  } else {
    let parsed: URL | undefined;
    try {
      parsed = typeof url === 'string' ? new URL(url) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed?.protocol !== 'https:') {
      throw new InvalidInputError(`${field}.url`, url, 'an https:// chart repository URL');
    }
    if (parsed.username || parsed.password) {
      // Never echo the URL: it holds a credential.
      throw new InvalidInputError(`${field}.url`, '(redacted)', 'a repository URL without credentials', {
        hint: 'give helmfile the credentials through its environment (HELMFILE_... / helm repo add), not in the file',
      });
    }
  }
  return { name, url, ...(oci ? { oci: true } : {}) };
}

function checkValuesList(values: unknown, field: string): HelmfileValues[] {
  if (values === undefined) return [];
  if (!Array.isArray(values))
    throw new InvalidInputError(field, values, 'a list of inline maps or values file paths');
  return values.map((entry, index) => {
    const f = `${field}[${index}]`;
    if (typeof entry === 'string') {
      if (entry === '' || /[\r\n]/.test(entry))
        throw new InvalidInputError(f, entry, 'a values file path on one line');
      return entry;
    }
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new InvalidInputError(f, entry, 'an inline map of values or a values file path');
    }
    assertPlainData(entry, f);
    return sortKeysDeep(entry as Record<string, unknown>);
  });
}

function checkStringMap(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidInputError(field, value, 'a map of strings');
  for (const [key, v] of ownEntries(value as Record<string, unknown>, field)) {
    if (typeof v !== 'string') throw new InvalidInputError(`${field}.${key}`, v, 'a string');
  }
  return sortKeysDeep(value as Record<string, string>);
}

function checkRelease(
  release: unknown,
  index: number,
  repoNames: ReadonlySet<string>,
): Record<string, unknown> {
  const field = `releases[${index}]`;
  if (!release || typeof release !== 'object') {
    throw new InvalidInputError(field, release, 'a map with name, namespace, chart and version');
  }
  const r = release as HelmfileRelease;
  const name = validateReleaseName(r.name, `${field}.name`);
  const namespace = validateNamespace(r.namespace, `${field}.namespace`);
  if (typeof r.chart !== 'string' || r.chart === '') {
    throw new InvalidInputError(`${field}.chart`, r.chart, 'a chart such as autoscaler/cluster-autoscaler');
  }
  const local = /^(\.\.?\/|\/)/.test(r.chart);
  const oci = r.chart.startsWith('oci://');
  if (!local && !oci) {
    const [repo, chart, ...rest] = r.chart.split('/');
    if (rest.length > 0 || !repo || !chart || !CHART_NAME_RE.test(chart)) {
      throw new InvalidInputError(
        `${field}.chart`,
        r.chart,
        '<repository>/<chart>, oci://... or a local path',
      );
    }
    if (!repoNames.has(repo)) {
      throw new InvalidInputError(
        `${field}.chart`,
        r.chart,
        `a chart of a declared repository (${[...repoNames].join(', ') || 'none declared'})`,
      );
    }
  }
  let version: string | undefined;
  if (typeof r.version === 'string' && /^\{\{.*\}\}$/.test(r.version.trim())) {
    // A version read from an environment ({{ .Values.x }}); the template checks below apply.
    version = r.version;
  } else if (r.version !== undefined || !local) {
    version = validateChartVersion(r.version, `${field}.version`);
  }
  for (const flag of ['createNamespace', 'installed', 'wait'] as const) {
    if (r[flag] !== undefined && typeof r[flag] !== 'boolean') {
      throw new InvalidInputError(`${field}.${flag}`, r[flag], 'true or false');
    }
  }
  if (r.needs !== undefined && !Array.isArray(r.needs)) {
    throw new InvalidInputError(`${field}.needs`, r.needs, 'a list of release names');
  }
  const labels = checkStringMap(r.labels, `${field}.labels`);
  const values = checkValuesList(r.values, `${field}.values`);
  // Stable key order: identity first, then what is installed, then how, then values.
  return {
    name,
    namespace,
    ...(r.createNamespace !== undefined ? { createNamespace: r.createNamespace } : {}),
    chart: r.chart,
    ...(version !== undefined ? { version } : {}),
    ...(labels ? { labels } : {}),
    ...(r.needs ? { needs: [...r.needs] } : {}),
    ...(r.installed !== undefined ? { installed: r.installed } : {}),
    ...(r.wait !== undefined ? { wait: r.wait } : {}),
    ...(values.length > 0 ? { values } : {}),
  };
}

function checkNeeds(releases: readonly Record<string, unknown>[]): void {
  const ids = new Set<string>();
  const names = new Set<string>();
  releases.forEach((r, index) => {
    const id = `${r['namespace']}/${r['name']}`;
    if (ids.has(id))
      throw new InvalidInputError(
        `releases[${index}].name`,
        r['name'],
        'a release name unique in its namespace',
      );
    ids.add(id);
    names.add(String(r['name']));
  });
  releases.forEach((r, index) => {
    ((r['needs'] as unknown[] | undefined) ?? []).forEach((need, n) => {
      const ok = typeof need === 'string' && (need.includes('/') ? ids.has(need) : names.has(need));
      if (!ok)
        throw new InvalidInputError(
          `releases[${index}].needs[${n}]`,
          need,
          'the name (or namespace/name) of another release in this helmfile',
        );
    });
  });
}

function checkDefaults(defaults: unknown): Record<string, unknown> | undefined {
  if (defaults === undefined) return undefined;
  if (!defaults || typeof defaults !== 'object' || Array.isArray(defaults)) {
    throw new InvalidInputError('helmDefaults', defaults, 'a map with wait, timeout or createNamespace');
  }
  const d = defaults as HelmfileDefaults;
  for (const key of Object.keys(d)) {
    if (!['wait', 'timeout', 'createNamespace'].includes(key)) {
      throw new InvalidInputError(
        `helmDefaults.${key}`,
        (d as Record<string, unknown>)[key],
        'one of wait, timeout, createNamespace',
      );
    }
  }
  if (d.wait !== undefined && typeof d.wait !== 'boolean')
    throw new InvalidInputError('helmDefaults.wait', d.wait, 'true or false');
  if (d.createNamespace !== undefined && typeof d.createNamespace !== 'boolean') {
    throw new InvalidInputError('helmDefaults.createNamespace', d.createNamespace, 'true or false');
  }
  if (
    d.timeout !== undefined &&
    (typeof d.timeout !== 'number' || !Number.isInteger(d.timeout) || d.timeout < 1)
  ) {
    throw new InvalidInputError('helmDefaults.timeout', d.timeout, 'a whole number of seconds');
  }
  return {
    ...(d.wait !== undefined ? { wait: d.wait } : {}),
    ...(d.timeout !== undefined ? { timeout: d.timeout } : {}),
    ...(d.createNamespace !== undefined ? { createNamespace: d.createNamespace } : {}),
  };
}

function checkEnvironments(environments: unknown): Record<string, { values: HelmfileValues[] }> | undefined {
  if (environments === undefined) return undefined;
  if (!environments || typeof environments !== 'object' || Array.isArray(environments)) {
    throw new InvalidInputError('environments', environments, 'a map of environment names to { values }');
  }
  const entries = ownEntries(environments as Record<string, unknown>, 'environments');
  if (entries.length === 0)
    throw new InvalidInputError('environments', environments, 'at least one environment (e.g. default)');
  const out: Record<string, { values: HelmfileValues[] }> = {};
  for (const [name, env] of entries) {
    const field = `environments.${name}`;
    if (!ENV_NAME_RE.test(name))
      throw new InvalidInputError(field, name, 'an environment name of letters, digits, - or _');
    if (!env || typeof env !== 'object' || Array.isArray(env))
      throw new InvalidInputError(field, env, 'a map with values');
    for (const key of Object.keys(env)) {
      if (key !== 'values')
        throw new InvalidInputError(`${field}.${key}`, (env as Record<string, unknown>)[key], 'only values');
    }
    out[name] = { values: checkValuesList((env as HelmfileEnvironment).values, `${field}.values`) };
  }
  return out;
}

/**
 * Render a helmfile for helmfile v1, with a header saying it is generated by eks-kit and which
 * version, and a stable key order (release keys in a fixed order, values maps sorted). Without
 * environments it is a plain `helmfile.yaml` and refuses any `{{ }}`; with environments it is
 * `helmfile.yaml.gotmpl`: `environments` first, then `---`, then repositories and releases, which
 * may read environment values as `{{ .Values.x }}` (see `valuesRef`).
 *
 * @example
 * ```ts
 * const { fileName, content } = helmfile({
 *   repositories: [{ name: 'autoscaler', url: 'https://kubernetes.github.io/autoscaler' }],
 *   releases: [{
 *     name: 'cluster-autoscaler', namespace: 'kube-system', chart: 'autoscaler/cluster-autoscaler',
 *     version: '9.59.0', values: [{ awsRegion: '{{ .Values.region }}' }],
 *   }],
 *   environments: { default: { values: [{ region: 'ap-northeast-1' }] } },
 * });
 * // fileName === 'helmfile.yaml.gotmpl'
 * ```
 */
export function helmfile(input: HelmfileInput): HelmfileOutput {
  if (!input || typeof input !== 'object')
    throw new InvalidInputError('helmfile', input, 'a map with releases');
  if (!Array.isArray(input.repositories ?? [])) {
    throw new InvalidInputError('repositories', input.repositories, 'a list of repositories');
  }
  const repositories = (input.repositories ?? []).map((repo, index) => checkRepository(repo, index));
  const repoNames = new Set<string>();
  repositories.forEach((repo, index) => {
    if (repoNames.has(repo.name))
      throw new InvalidInputError(`repositories[${index}].name`, repo.name, 'a unique repository name');
    repoNames.add(repo.name);
  });
  if (!Array.isArray(input.releases) || input.releases.length === 0) {
    throw new InvalidInputError('releases', input.releases, 'a non-empty list of releases');
  }
  const releases = input.releases.map((release, index) => checkRelease(release, index, repoNames));
  checkNeeds(releases);
  const helmDefaults = checkDefaults(input.helmDefaults);
  const environments = checkEnvironments(input.environments);

  checkTemplates(
    findTemplates({ repositories, helmDefaults, releases }, 'helmfile').map((use) => ({
      ...use,
      field: use.field.replace(/^helmfile\./, ''),
    })),
    environments,
  );

  const main: Record<string, unknown> = {};
  if (repositories.length > 0) main['repositories'] = repositories;
  if (helmDefaults && Object.keys(helmDefaults).length > 0) main['helmDefaults'] = helmDefaults;
  main['releases'] = releases;

  if (!environments) {
    return {
      fileName: 'helmfile.yaml',
      content: renderYamlDocument(main, generatedHeader('helmfile for helmfile v1')),
      templated: false,
    };
  }
  const envDoc = renderYamlDocument(
    { environments },
    generatedHeader('helmfile for helmfile v1 (templated: environments, then ---, then releases)'),
  );
  return {
    fileName: 'helmfile.yaml.gotmpl',
    content: `${envDoc}---\n${renderYamlDocument(main)}`,
    templated: true,
  };
}
