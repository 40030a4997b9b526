#!/usr/bin/env node
/**
 * Refresh the upstream data the conformance tests check rendered files against (issue 23).
 * Run by a person with network access when a chart, GitLab's CI schema or a pinned tool moves;
 * never run by the tests (they only read what this writes).
 *
 *   node scripts/refresh-upstream-data.mjs            # clones/downloads from upstream
 *   node scripts/refresh-upstream-data.mjs --git kubernetes/autoscaler=/path/to/clone ...
 *       (reuse local clones: any git directory that has the tags; repeatable)
 *   node scripts/refresh-upstream-data.mjs --gitlab-ci-json /path/to/ci.json --gitlab-ci-json-origin "<where it came from>"
 *
 * Writes:
 *   packages/helm-values/test/upstream/cluster-autoscaler-chart-<v>.json  one per chart of the version map
 *   packages/helm-values/test/upstream/metrics-server-chart-<v>.json      the pinned metrics-server chart
 *   packages/helm-values/test/upstream/helmfile.schema.json               SchemaStore's helmfile schema, verbatim
 *   packages/ecr-credentials/test/upstream/gitlab-ci.schema.json          GitLab's CI schema, verbatim
 *   packages/ecr-credentials/test/upstream/releases.json                  latest kaniko / BuildKit / ecr helper releases
 *   .../upstream/SOURCES.json                                             source, commit, licence and date of each file
 * Chart data keeps the value keys of the chart's values.yaml and the `.Values.*` references of its
 * templates, not the files themselves.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'packages/helm-values/package.json'));
const { parse } = require('yaml');

const args = process.argv.slice(2);
const localGit = new Map();
let gitlabJson;
let gitlabOrigin;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--git') {
    const [name, dir] = (args[++i] ?? '').split('=');
    localGit.set(name, dir);
  } else if (args[i] === '--gitlab-ci-json') gitlabJson = args[++i];
  else if (args[i] === '--gitlab-ci-json-origin') gitlabOrigin = args[++i];
  else {
    console.error(`unknown argument ${args[i]}`);
    process.exit(64);
  }
}

const taken = new Date().toISOString().slice(0, 10);
const temp = mkdtempSync(join(tmpdir(), 'eks-kit-upstream-'));
process.on('exit', () => rmSync(temp, { recursive: true, force: true }));

/** A git directory for an upstream GitHub repository: the local one given, or a blobless bare clone. */
function gitDir(repo) {
  if (localGit.has(repo)) return localGit.get(repo);
  const dir = join(temp, repo.replace('/', '+'));
  execFileSync(
    'git',
    ['clone', '--quiet', '--bare', '--filter=blob:none', `https://github.com/${repo}.git`, dir],
    {
      stdio: 'inherit',
    },
  );
  return dir;
}
const git = (dir, ...a) =>
  execFileSync('git', ['--git-dir', dir, ...a], { encoding: 'utf8', maxBuffer: 64 << 20 });
const exists = (dir, ref) => {
  try {
    execFileSync('git', ['--git-dir', dir, 'cat-file', '-e', ref], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const commitOf = (dir, ref) => git(dir, 'rev-list', '-n1', ref).trim();
const commitDate = (dir, ref) => git(dir, 'log', '-1', '--format=%cI', ref).trim();

/** Every key path of a values.yaml: maps are walked (a path for the map and each key), the rest are leaves. */
function valuePaths(value, prefix = [], out = new Set()) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, key];
      out.add(path.join('.'));
      valuePaths(child, path, out);
    }
  }
  return out;
}

/** `.Values.a.b` references of a chart's templates, and those consumed whole (range, toYaml, toJson, with). */
function templateRefs(texts) {
  const refs = new Set();
  const whole = new Set();
  for (const text of texts) {
    for (const m of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) refs.add(m[1].slice(1));
    for (const m of text.matchAll(
      /(?:range\s+(?:\$\w+\s*,\s*)?\$\w+\s*:=\s*|toYaml\s+|toJson\s+|with\s+)\(?\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g,
    ))
      whole.add(m[1].slice(1));
  }
  return { refs: [...refs].sort(), wholeRefs: [...whole].sort() };
}

function chartData(repo, dir, tag, paths, licence) {
  const chartPath = paths.find((p) => exists(dir, `${tag}:${p}/values.yaml`));
  if (!chartPath) throw new Error(`no chart at ${paths.join(' or ')} in ${repo} ${tag}`);
  const values = parse(git(dir, 'show', `${tag}:${chartPath}/values.yaml`));
  const chart = parse(git(dir, 'show', `${tag}:${chartPath}/Chart.yaml`));
  const files = git(dir, 'ls-tree', '-r', '--name-only', tag, `${chartPath}/templates/`)
    .split('\n')
    .filter(Boolean);
  const { refs, wholeRefs } = templateRefs(files.map((f) => git(dir, 'show', `${tag}:${f}`)));
  return {
    source: `https://github.com/${repo}/tree/${tag}/${chartPath}`,
    repository: repo,
    tag,
    commit: commitOf(dir, tag),
    commitDate: commitDate(dir, tag),
    chartPath,
    licence,
    taken,
    chart: { name: chart.name, version: chart.version, appVersion: chart.appVersion },
    valuePaths: [...valuePaths(values)].sort(),
    templateRefs: refs,
    wholeRefs,
  };
}

function writeJson(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`wrote ${path.slice(root.length + 1)}`);
}

const helmDir = join(root, 'packages/helm-values/test/upstream');
const ecrDir = join(root, 'packages/ecr-credentials/test/upstream');
const helmSources = {};
const ecrSources = {};

// cluster-autoscaler: every chart version of the version map.
const versionMap = readFileSync(join(root, 'packages/helm-values/src/builders/version-map.ts'), 'utf8');
// The rows of CLUSTER_AUTOSCALER_VERSIONS (`{ kubernetesMinor: '1.35', chartVersion: '9.59.0', ...`).
const chartVersions = [
  ...new Set(
    [...versionMap.matchAll(/kubernetesMinor: '[^']+', chartVersion: '(\d+\.\d+\.\d+)'/g)].map((m) => m[1]),
  ),
];
const autoscaler = gitDir('kubernetes/autoscaler');
for (const version of chartVersions) {
  const data = chartData(
    'kubernetes/autoscaler',
    autoscaler,
    `cluster-autoscaler-chart-${version}`,
    // Moved under cluster-autoscaler/ in October 2025 (commit 7ececfd, "Discrete helm charts for CA, VPA").
    ['cluster-autoscaler/charts/cluster-autoscaler', 'charts/cluster-autoscaler'],
    'Apache-2.0',
  );
  const file = `cluster-autoscaler-chart-${version}.json`;
  writeJson(join(helmDir, file), data);
  helmSources[file] = { source: data.source, commit: data.commit, licence: data.licence, taken };
}

// metrics-server: the pinned chart.
const charts = readFileSync(join(root, 'packages/helm-values/src/builders/charts.ts'), 'utf8');
const msVersion = /METRICS_SERVER_CHART_VERSION = '([^']+)'/.exec(charts)?.[1];
const metrics = gitDir('kubernetes-sigs/metrics-server');
{
  const data = chartData(
    'kubernetes-sigs/metrics-server',
    metrics,
    `metrics-server-helm-chart-${msVersion}`,
    ['charts/metrics-server'],
    'Apache-2.0',
  );
  const file = `metrics-server-chart-${msVersion}.json`;
  writeJson(join(helmDir, file), data);
  helmSources[file] = { source: data.source, commit: data.commit, licence: data.licence, taken };
}

// helmfile schema published by SchemaStore, verbatim.
const schemastore = gitDir('SchemaStore/schemastore');
{
  const path = 'src/schemas/json/helmfile.json';
  writeFileSync(join(helmDir, 'helmfile.schema.json'), git(schemastore, 'show', `HEAD:${path}`));
  const commit = commitOf(schemastore, 'HEAD');
  helmSources['helmfile.schema.json'] = {
    source: `https://github.com/SchemaStore/schemastore/blob/${commit}/${path}`,
    commit,
    commitDate: commitDate(schemastore, 'HEAD'),
    licence: 'Apache-2.0',
    taken,
  };
}
writeJson(join(helmDir, 'SOURCES.json'), helmSources);

// GitLab's CI schema, verbatim.
const GITLAB_CI_JSON =
  'https://gitlab.com/gitlab-org/gitlab/-/raw/master/app/assets/javascripts/editor/schema/ci.json';
{
  let text;
  if (gitlabJson) text = readFileSync(gitlabJson, 'utf8');
  else {
    const response = await fetch(GITLAB_CI_JSON);
    if (!response.ok) throw new Error(`GET ${GITLAB_CI_JSON}: ${response.status}`);
    text = await response.text();
  }
  JSON.parse(text);
  mkdirSync(ecrDir, { recursive: true });
  writeFileSync(join(ecrDir, 'gitlab-ci.schema.json'), text);
  ecrSources['gitlab-ci.schema.json'] = {
    source: GITLAB_CI_JSON,
    ...(gitlabOrigin ? { via: gitlabOrigin } : {}),
    licence: 'MIT (GitLab Community Edition)',
    taken,
  };
}

// Latest releases of the tools the generated jobs pin.
function latestTag(repo, pattern) {
  const dir = gitDir(repo);
  const tags = git(dir, 'tag', '--list')
    .split('\n')
    .filter((t) => pattern.test(t));
  const key = (t) => t.replace(/^v/, '').split('.').map(Number);
  tags.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  const tag = tags.at(-1);
  return { tag, commit: commitOf(dir, tag), date: commitDate(dir, tag) };
}
{
  const kaniko = latestTag('osscontainertools/kaniko', /^v\d+\.\d+\.\d+$/);
  const buildkit = latestTag('moby/buildkit', /^v\d+\.\d+\.\d+$/);
  const helper = latestTag('awslabs/amazon-ecr-credential-helper', /^v\d+\.\d+\.\d+$/);
  writeJson(join(ecrDir, 'releases.json'), {
    taken,
    kaniko: {
      repository: 'osscontainertools/kaniko',
      latest: kaniko.tag,
      commit: kaniko.commit,
      date: kaniko.date,
    },
    buildkit: {
      repository: 'moby/buildkit',
      latest: buildkit.tag,
      commit: buildkit.commit,
      date: buildkit.date,
    },
    'amazon-ecr-credential-helper': {
      repository: 'awslabs/amazon-ecr-credential-helper',
      latest: helper.tag,
      commit: helper.commit,
      date: helper.date,
    },
  });
  ecrSources['releases.json'] = {
    source: 'git tags of osscontainertools/kaniko, moby/buildkit, awslabs/amazon-ecr-credential-helper',
    licence: 'Apache-2.0 (all three projects)',
    taken,
  };
}
writeJson(join(ecrDir, 'SOURCES.json'), ecrSources);
