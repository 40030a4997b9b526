#!/usr/bin/env node
/**
 * Rewrites the old citations of AWS facts and design rules in source comments, test names, READMEs
 * and docs (`AWS-FACTS.md`, `AWS-FACTS.md "Registry hosts"`, `docs/AWS-FACTS.md "2025-2026 changes"`,
 * `DESIGN.md`) into citations of the repo's own docs with an anchor:
 * `docs/AWS-FACTS.md#ecr-registry-hosts`, `docs/ARCHITECTURE.md#ownership-owned-foreign-unowned`.
 *
 * Re-runnable and idempotent: a line is rewritten only while it still holds an old citation, and a
 * rewritten citation (`docs/AWS-FACTS.md#...`) is not an old one. Rules find a line by a piece of
 * its own wording (`near`), not by file or line number, so the script still works after other
 * branches have moved or edited the code around a citation. An old citation no rule knows is
 * listed and the script exits 1: add a rule for it (tests/reliability/test/docs-links.test.ts fails
 * on it too).
 *
 * Usage: node scripts/rewrite-citations.mjs [--check]   (--check: change nothing, exit 1 if any
 * old citation is left)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = 'scripts/rewrite-citations.mjs';
const SKIP_DIRS = new Set(['node_modules', 'dist', '.turbo', '.git', 'coverage', 'results']);
const TEXT = /\.(?:[cm]?[jt]s|tsx|md|ya?ml|sh|json)$/;
/** Files that spell the old forms on purpose (this script's table, the test that forbids them). */
const EXEMPT = new Set([SELF, 'tests/reliability/test/docs-links.test.ts']);

/**
 * An old citation of the facts page: the bare name (with an optional quoted section name), or
 * docs/AWS-FACTS.md followed by a section name instead of an anchor. A plain `docs/AWS-FACTS.md`
 * (the file as a whole) is not old.
 */
const OLD_FACTS =
  /(?<![\w/.-])AWS-FACTS\.md(?![#\w])(?:,? "[^"\n]*")?|docs\/AWS-FACTS\.md(?:,? "[^"\n]*"|, 2025-2026)/;
/** An old citation of the design notes, which now live in docs/ARCHITECTURE.md. */
const OLD_DESIGN = /(?<![\w/.-])DESIGN\.md(?![#\w])/;

const facts = (anchor) => `docs/AWS-FACTS.md#${anchor}`;
const arch = (anchor) => `docs/ARCHITECTURE.md#${anchor}`;

/**
 * [near, replacement, old?]: on a line holding an old citation and the text `near`, the citation
 * (the regex match, or the exact text `old` when given) becomes `replacement`. First match wins.
 */
const RULES = [
  // IAM
  ['IAM returns the document URL-encoded', facts('iam-url-encoded-documents')],
  ["reads IAM's URL-encoded documents", facts('iam-url-encoded-documents')],
  ['hashicorp/awspolicyequivalence', facts('iam-policy-equivalence')],
  ['MalformedPolicyDocument', facts('iam-propagation-delay')],
  ['principal in policy`, AWS-FACTS.md', facts('iam-propagation-delay')],
  ['for seconds to about a minute', facts('iam-propagation-delay')],
  ['IAM propagation', facts('iam-propagation-delay')],
  ['IAM name and path rules', facts('iam-names-and-size-limits'), 'AWS-FACTS.md, IAM limits'],
  ["IAM's size limits", facts('iam-names-and-size-limits'), 'AWS-FACTS.md, IAM quotas'],
  ['trust policy size quota', facts('iam-names-and-size-limits')],
  ['IAM keeps at most 5 versions', facts('iam-names-and-size-limits')],
  ['names the provider by the issuer host and path', facts('iam-trust-for-pods'), 'AWS-FACTS.md, IRSA'],
  ['oidc-provider/<issuer host/path>', facts('iam-trust-for-pods')],
  ['IRSA trusts the provider ARN', facts('iam-trust-for-pods')],
  ['an IRSA trust names the IAM OIDC provider', facts('iam-trust-for-pods')],
  ['pods.eks.amazonaws.com for sts:AssumeRole', facts('iam-trust-for-pods')],
  ['Trust for pods', facts('iam-trust-for-pods')],
  [
    'identity modes (AWS-FACTS.md, trust for pods)',
    facts('iam-trust-for-pods'),
    'AWS-FACTS.md, trust for pods',
  ],
  ['Service account annotation IRSA reads', facts('iam-trust-for-pods')],
  ['Pod annotation kube2iam and kiam read', facts('iam-trust-for-pods')],
  ['the IRSA `sub`', facts('autoscaler-helm-chart')],
  ['tags a role it creates with eks-kit:stack', arch('ownership-owned-foreign-unowned')],
  ['two concurrent runs get one', arch('two-kinds-of-code-in-every-package')],

  // Cluster Autoscaler, Auto Scaling, Helm
  ['The shape of the autoscaler policy', facts('autoscaler-iam-policy'), 'AWS-FACTS.md, EKS best practices'],
  ['discovery ignores tag values but this condition', facts('autoscaler-iam-policy')],
  ['the IAM tag condition compares values', facts('autoscaler-iam-policy')],
  ['cloudprovider/aws/README.md, AWS-FACTS.md', facts('autoscaler-iam-policy')],
  ['upstream read actions on *', facts('autoscaler-iam-policy')],
  ['`true` and `owned`; AWS-FACTS.md', facts('autoscaler-iam-policy')],
  [
    'The tag key every autoscaled group carries',
    facts('autoscaler-discovery-tags'),
    'AWS-FACTS.md, "Discovery"',
  ],
  ['discovery by the tags k8s.io/cluster-autoscaler/enabled', facts('autoscaler-discovery-tags')],
  ['eksctl drops it', facts('autoscaler-scale-from-zero')],
  ['the eksctl bug', facts('autoscaler-scale-from-zero')],
  ["Auto Scaling's quota of tags on one group", facts('auto-scaling-tags-per-group')],
  ['chart 9.59.x', facts('autoscaler-helm-chart')],
  ['autoscaler minor = Kubernetes minor', facts('autoscaler-helm-chart')],
  ['chart 3.13.x', facts('metrics-server-chart')],
  ['helmfile v1', facts('helmfile-v1'), 'AWS-FACTS.md, helmfile v1'],
  ['Log lines that prove work', facts('autoscaler-log-lines')],
  ['Terminated instance <id> in autoscaling group', facts('autoscaler-log-lines')],
  ["autoscaler's failure lines", facts('autoscaler-log-lines')],
  ['each failure line of AWS-FACTS.md', facts('autoscaler-log-lines')],
  ['| AWS-FACTS.md |', `${facts('autoscaler-log-lines')} |`, 'AWS-FACTS.md |'],
  ['utils/klogx', facts('autoscaler-log-lines')],

  // ACM and Route 53
  ['Key algorithms ACM issues through RequestCertificate', facts('acm-requestcertificate')],
  ['Key algorithms ACM can request', facts('acm-requestcertificate'), 'AWS-FACTS.md, RequestCertificate'],
  ["ACM's default quota of domain names", facts('acm-requestcertificate')],
  ['default quota of 10 domain names', facts('acm-requestcertificate')],
  ['DomainName is at most 64 octets', facts('acm-requestcertificate')],
  ['DomainName <= 64 octets', facts('acm-requestcertificate')],
  ['IdempotencyToken', facts('acm-requestcertificate')],
  ['^\\\\w{1,32}$', facts('acm-requestcertificate')],
  ['Same token within one hour', facts('acm-requestcertificate')],
  ['seconds after the request', facts('acm-validation-records')],
  ['wildcard + apex make one validation record', facts('acm-validation-records')],
  ['ListCertificates lists RSA_2048 only by default', facts('acm-listing-and-key-types')],
  [
    'says RSA_2048 only, which is outdated',
    `${facts('acm-listing-and-key-types')}; the older notes said RSA_2048 only`,
    'AWS-FACTS.md says RSA_2048 only, which is outdated',
  ],
  ['only RSA_2048 unless `Includes.keyTypes` says otherwise', facts('acm-listing-and-key-types')],
  ["ACM's quotas (AWS-FACTS.md", facts('acm-request-rate-quotas')],
  ['ACM quotas (AWS-FACTS.md)', facts('acm-request-rate-quotas')],
  ['DescribeCertificate 10/s and RequestCertificate 5/s', facts('acm-request-rate-quotas')],
  ["(AWS-FACTS.md). Keeps within ACM's request-rate quotas", facts('acm-statuses-and-renewal')],
  ['the most common renewal failure', facts('acm-statuses-and-renewal')],
  ['CAA', facts('acm-caa')],
  ['CA domains', facts('acm-caa')],
  ['waiter polls 60-120 s apart', facts('acm-sdk-waiter')],
  ['VALIDATION_TIMED_OUT, AWS-FACTS.md', facts('acm-sdk-waiter')],
  ['2025-2026', facts('acm-198-day-certificates-and-the-renewal-window')],
  ["Route 53's limits per ChangeResourceRecordSets request", facts('route-53-change-batches')],
  ['32,000 value characters', facts('route-53-change-batches')],
  ['splits at 1,000 records', facts('route-53-change-batches')],
  ['Choose the hosted zone for a DNS name', facts('route-53-zone-lookup')],
  ['no SDK paginator', facts('route-53-listing-record-sets')],
  ['returns `*` as `\\052`', facts('route-53-listing-record-sets')],
  ['written from the ACM API reference', facts('acm-and-route-53')],
  ['written from the Route 53 API reference', facts('acm-and-route-53')],

  // ECR, docker config, kaniko, BuildKit
  ['Registry hosts', facts('ecr-registry-hosts')],
  ["The credential helper's private-registry pattern", facts('ecr-registry-hosts')],
  ['its tokens come from us-east-1', facts('ecr-registry-hosts')],
  ['helper would not serve (its grammar', facts('ecr-registry-hosts')],
  ['docker config.json', facts('docker-credential-lookup'), 'AWS-FACTS.md docker config.json'],
  ['"docker config.json"', facts('docker-credential-lookup')],
  ['credHelpers keys are matched exactly', facts('docker-credential-lookup')],
  ['Find entries that defeat the credential helper', facts('docker-credential-lookup')],
  ['GetAuthorizationToken (AWS-FACTS.md)', facts('ecr-getauthorizationtoken')],
  [
    'AWS-FACTS.md GetAuthorizationToken',
    facts('ecr-getauthorizationtoken'),
    'AWS-FACTS.md GetAuthorizationToken',
  ],
  ['a token is handed out', facts('ecr-getauthorizationtoken')],
  ['Push needs', facts('ecr-push-and-pull-permissions')],
  ['need to push to a repository', facts('ecr-push-and-pull-permissions')],
  ['needed to pull from a repository', facts('ecr-push-and-pull-permissions')],
  ['the push actions of AWS-FACTS.md', facts('ecr-push-and-pull-permissions')],
  ["kaniko's push check", facts('kaniko-push-check')],
  ['kaniko push check', facts('kaniko-push-check'), 'AWS-FACTS.md kaniko push check'],
  ['rootless BuildKit (AWS-FACTS.md "kaniko")', facts('kaniko-and-buildkit-in-gitlab')],
  ['AWS-FACTS.md kaniko)', facts('kaniko-and-buildkit-in-gitlab'), 'AWS-FACTS.md kaniko'],
  ['CreateRepository', facts('ecr-repositories'), 'AWS-FACTS.md CreateRepository'],
  ['CreateRepository', facts('ecr-repositories'), 'AWS-FACTS.md, CreateRepository'],
  ['CreateRepository', facts('ecr-repositories')],
  ['written from the ECR API Reference', facts('ecr-and-image-builds')],
  ['lifecycle example', facts('ecr-lifecycle-policies'), 'AWS-FACTS.md lifecycle example'],
  ['{@link lifecyclePolicy} enforces', facts('ecr-lifecycle-policies')],

  // SDK
  [
    'Error codes AWS services use for throttling',
    facts('sdk-retries-and-throttling'),
    'AWS-FACTS.md, SDK v3 retry rules',
  ],
];

function listFiles() {
  // Tracked files only: build output and test reports (.test-results.json) are not the repo's text.
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(
      (f) =>
        f !== '' && TEXT.test(f.split('/').pop() ?? '') && !f.split('/').some((part) => SKIP_DIRS.has(part)),
    );
  return tracked.filter((f) => !EXEMPT.has(f)).sort();
}

/** Rewrites one line; returns [newLine, unmapped] where unmapped is true when an old citation no rule knows is left. */
function rewriteLine(line) {
  let current = line;
  for (let guard = 0; guard < 5; guard += 1) {
    const design = OLD_DESIGN.exec(current);
    const fact = OLD_FACTS.exec(current);
    if (!design && !fact) return [current, false];
    const rule = RULES.find(
      ([near, , old]) => current.includes(near) && (old ? current.includes(old) : true),
    );
    if (!rule) return [current, true];
    const [, replacement, old] = rule;
    const match = old ?? (design ?? fact)[0];
    const next = current.replace(match, replacement);
    if (next === current) return [current, true];
    current = next;
  }
  return [current, true];
}

const check = process.argv.includes('--check');
let rewritten = 0;
const changedFiles = [];
const unmapped = [];
for (const file of listFiles()) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  if (!OLD_FACTS.test(text) && !OLD_DESIGN.test(text)) continue;
  const lines = text.split('\n');
  let changed = false;
  lines.forEach((line, i) => {
    const [next, left] = rewriteLine(line);
    if (left) unmapped.push(`${file}:${i + 1}: ${line.trim()}`);
    if (next !== line) {
      rewritten += 1;
      changed = true;
      lines[i] = next;
    }
  });
  if (changed) {
    changedFiles.push(file);
    if (!check) writeFileSync(join(ROOT, file), lines.join('\n'));
  }
}
console.log(
  `${check ? 'would rewrite' : 'rewrote'} ${rewritten} citation line(s) in ${changedFiles.length} file(s)` +
    (unmapped.length > 0 ? `; ${unmapped.length} old citation(s) no rule knows:` : ''),
);
for (const u of unmapped) console.log(`  ${u}`);
process.exit(unmapped.length > 0 || (check && rewritten > 0) ? 1 : 0);
