// The checks Lambda over an organisation of 1,000 member accounts (issue 21): the built bundle
// (apps/checks-lambda/dist/index.mjs, as Lambda runs it) in a child process, against the emulator's
// Organizations, STS and S3 in this one. Figures: wall time, calls per account, the child's RSS after
// the import, in the plan step and over the whole run, the floor the AssumeRole rate sets at the chosen
// concurrency (computed, and measured in the same run by org-checks-floor.mjs: the same AssumeRole
// calls at the same rate and concurrency, nothing else), what the plan decides with the production
// defaults, and the Step Functions payloads of the split path (batches and results through S3).
// The emulator runs `speed` times faster than real time and enforces the AssumeRole rate in emulated
// time; the function's own limiter (EKS_KIT_ASSUME_ROLE_RATE, real time) is scaled by the same factor.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@eks-kit/aws-emulator';
import { seedRows } from './org-checks-seed.mjs';
import { kib } from './util.mjs';

const MANAGEMENT = '200000000000';
const ROLE = 'eks-kit-checks';
const BUCKET = 'eks-kit-checks-org-runs';
const STACK = 'name: org\ncluster:\n  name: org\n  region: eu-west-1\n  kubernetesVersion: "1.35"\n';
/** The organisation settings the deploy template writes into the function's environment. */
const DEPLOYED_KEYS = [
  'EKS_KIT_TARGET_CONCURRENCY',
  'EKS_KIT_ASSUME_ROLE_RATE',
  'EKS_KIT_SECONDS_PER_TARGET',
  'EKS_KIT_BATCH_CONCURRENCY',
];

/**
 * The settings a deployed organisation run has: the built `render-template` with its defaults
 * (`--organization-role` only), read from the function's environment in the template, so that the bench
 * runs what deploys (AWS publishes no fixed AssumeRole rate, docs/AWS-FACTS.md#checks-over-an-aws-organisation:
 * the rate is the function's budget for the whole run, all invocations together).
 */
export function deployedSettings(root) {
  const dir = mkdtempSync(join(tmpdir(), 'eks-kit-org-bench-'));
  try {
    const file = join(dir, 'eks-kit.yaml');
    writeFileSync(file, STACK);
    const tool = join(root, 'apps/checks-lambda/dist/tools/render-template.js');
    const r = spawnSync(process.execPath, [tool, '--stack', file, '--organization-role', ROLE], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`render-template exited ${r.status}: ${r.stderr}`);
    const settings = {};
    for (const key of DEPLOYED_KEYS) {
      const m = new RegExp(`^\\s+${key}: "?(\\d+)"?$`, 'm').exec(r.stdout);
      // Unless given, the template writes no seconds a target: the function plans from the last run's
      // measure, or the handler's default 30 s before any run.
      if (!m && key === 'EKS_KIT_SECONDS_PER_TARGET') continue;
      if (!m) throw new Error(`the rendered template sets no ${key}`);
      settings[key] = Number(m[1]);
    }
    return settings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function world(count) {
  const trust = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` }, Action: 'sts:AssumeRole' },
    ],
  };
  const ids = Array.from({ length: count }, (_, i) => String(300000000000 + i));
  const accounts = {};
  // Every 100th account is suspended, every 100th + 1 has no role: both are reported, never checked.
  for (const [i, id] of ids.entries()) {
    accounts[id] = i % 100 === 1 ? {} : { iam: { roles: [{ name: ROLE, assumeRolePolicyDocument: trust }] } };
  }
  return {
    accountId: MANAGEMENT,
    region: 'eu-west-1',
    iam: { roles: [{ name: ROLE, assumeRolePolicyDocument: trust }] },
    s3: { buckets: [BUCKET] },
    organizations: {
      accounts: ids.map((id, i) => ({
        id,
        name: `workload-${i}`,
        ...(i % 100 === 0 ? { state: 'SUSPENDED' } : {}),
      })),
    },
    accounts,
  };
}

// The child: import the bundle, run one whole invocation (or the split path), print the summary's
// figures and its memory: RSS after the import, and the peak RSS (sampled every 20 ms and maxRSS).
const CHILD = `
let peakRss = 0;
const sample = () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); };
setInterval(sample, 20).unref();
const started = performance.now();
const { handler } = await import(process.env.BUNDLE);
sample();
const importRssKiB = Math.round(process.memoryUsage().rss / 1024);
const context = { getRemainingTimeInMillis: () => 900_000 };
let out;
if (process.env.PHASE === 'split') {
  // The state machine's path, batches one after another: plan (writes the batches to S3), each batch
  // (the item the Distributed Map's ItemReader reads; writes its results to S3), report (reads them).
  // Sizes are what Step Functions would carry (its limit: 256 KiB a state input or output).
  const plan = await handler({ phase: 'plan', runId: 'bench' }, context);
  const auth = 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261206/' + process.env.AWS_REGION + '/s3/aws4_request, SignedHeaders=host, Signature=0';
  const items = await (await fetch(process.env.AWS_ENDPOINT_URL + '/' + plan.bucket + '/' + plan.batchesKey, { headers: { authorization: auth } })).json();
  let largestItem = 0;
  let largestBatchOutput = 0;
  for (const [index, item] of items.entries()) {
    const input = { targets: item.targets, index, runId: plan.runId };
    largestItem = Math.max(largestItem, JSON.stringify(input).length);
    const r = await handler({ phase: 'batch', ...input }, context);
    largestBatchOutput = Math.max(largestBatchOutput, JSON.stringify({ resultsKey: r.resultsKey, counts: r.counts }).length);
  }
  const reportEvent = { phase: 'report', runId: plan.runId, batchCount: plan.batchCount };
  const report = await handler(reportEvent, context);
  out = { phase: 'split', batches: plan.batchCount, planOutput: JSON.stringify(plan).length, largestItem,
    largestBatchOutput, reportInput: JSON.stringify(reportEvent).length,
    // The report step answers counts only (Step Functions holds its raw result to 256 KiB): targets summed.
    reportOutput: JSON.stringify({ Payload: report, StatusCode: 200 }).length, targetCounts: report.targetCounts,
    counts: report.counts, targets: report.targetCounts.checked + report.targetCounts.skipped + report.targetCounts.unreachable };
} else out = await handler(process.env.PHASE ? { phase: process.env.PHASE } : {}, context);
const wallMs = performance.now() - started;
// A whole run with a run bucket keeps its targets' p90 time in the state for the next plan: read it back.
let timing;
if (!process.env.PHASE && process.env.EKS_KIT_RUN_BUCKET) {
  const auth = 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261206/' + process.env.AWS_REGION + '/s3/aws4_request, SignedHeaders=host, Signature=0';
  const state = await (await fetch(process.env.AWS_ENDPOINT_URL + '/' + process.env.EKS_KIT_RUN_BUCKET + '/state/checks-state.json', { headers: { authorization: auth } })).json();
  timing = state.timing;
}
const figures = out.phase === 'split' ? out : out.phase === 'plan'
  ? { fits: out.fits, estimateSeconds: out.estimateSeconds, limitSeconds: out.limitSeconds, batches: out.batchCount,
      largest: Math.max(...out.batches.map((b) => b.targets.length)), assumeRoleFloorSeconds: out.assumeRoleFloorSeconds }
  : { counts: out.counts, targetCounts: out.targetCounts, targets: out.targets.length, timing };
const cpu = process.cpuUsage();
sample();
process.stdout.write('\\nRESULT ' + JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, ...figures, importRssKiB,
  peakRssKiB: Math.max(Math.round(peakRss / 1024), process.resourceUsage().maxRSS) }) + '\\n');
`;

/** Calls a run makes for itself, not for one target's checks: the organisation, the roles, the run bucket. */
const runOwnCall = (c) =>
  c.service === 'organizations' ||
  c.service === 's3' ||
  (c.service === 'sts' && c.operation === 'AssumeRole');

/**
 * Calls per checked account, numerator and denominator over the same accounts: `checks` counts the calls
 * the checks made (in every checked account, the management account included, which is one of the
 * checked targets), `all` every call of the run (its Organizations listing, AssumeRole and S3 too), both
 * divided by the checked accounts.
 */
export function checkCallsPerAccount(calls, checked) {
  const checks = calls.filter((c) => !runOwnCall(c)).length;
  return { checks: checks / Math.max(1, checked), all: calls.length / Math.max(1, checked) };
}

/** The measured floor: org-checks-floor.mjs in its own process. */
function runFloor(env) {
  return new Promise((resolve, reject) => {
    const file = fileURLToPath(new URL('./org-checks-floor.mjs', import.meta.url));
    const child = spawn(process.execPath, [file], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
    });
    child.stderr.on('data', (d) => {
      err = (err + d.toString()).slice(-4_000);
    });
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('FLOOR '));
      if (code !== 0 || !line)
        reject(new Error(`floor child exited ${code}: ${err.split('\n').slice(-5).join(' ')}`));
      else resolve(JSON.parse(line.slice(6)));
    });
  });
}

/**
 * The handler child's environment: the bundle, the stack, the emulator, organisation targets with the
 * deployed settings (`deployed`: the template's environment, as the function reads it) and the run
 * bucket, as the deploy template sets it for organisation targets (batches, results and state in S3).
 */
export function handlerEnv({ bundle, stack, region, url, deployed, bucket = BUCKET }) {
  return {
    BUNDLE: new URL(`file://${bundle}`).href,
    EKS_KIT_STACK: stack,
    AWS_REGION: region,
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    EKS_KIT_TARGETS_FROM: 'organization',
    EKS_KIT_ORGANIZATION_ROLE_NAME: ROLE,
    ...Object.fromEntries(Object.entries(deployed).map(([k, v]) => [k, String(v)])),
    EKS_KIT_RUN_BUCKET: bucket,
  };
}

export function runChild(env, nodeArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', CHILD], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      // Keep only the tail: the handler logs a JSON line per finding.
      out = (out + d.toString()).slice(-20_000);
    });
    child.stderr.on('data', (d) => {
      err = (err + d.toString()).slice(-4_000);
    });
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line)
        reject(new Error(`handler child exited ${code}: ${err.split('\n').slice(-5).join(' ')}`));
      else resolve(JSON.parse(line.slice(7)));
    });
  });
}

export async function run({ quick, root }) {
  const count = quick ? 200 : 1000;
  const speed = 10;
  const bundle = join(root, 'apps/checks-lambda/dist/index.mjs');
  if (!existsSync(bundle))
    throw new Error('build the checks Lambda first: pnpm --filter @eks-kit/checks-lambda... build');
  const deployed = deployedSettings(root);
  const ASSUME_ROLE_PER_SECOND = deployed.EKS_KIT_ASSUME_ROLE_RATE;
  const TARGET_CONCURRENCY = deployed.EKS_KIT_TARGET_CONCURRENCY;
  const emu = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    speed,
    seed: world(count),
    behaviour: { stsAssumeRoleRatePerSecond: ASSUME_ROLE_PER_SECOND },
  });
  let stopped = false;
  try {
    const env = handlerEnv({ bundle, stack: STACK, region: 'eu-west-1', url: emu.url, deployed });
    // What the deployed defaults decide for this organisation in AWS (a 900 s function).
    // (Without the bucket: the plan answers its batches inline, so their sizes can be read here.)
    const plan = await runChild({ ...env, PHASE: 'plan', EKS_KIT_RUN_BUCKET: '' });
    // The split path (what the state machine runs), batches one after another: payload sizes.
    const split = await runChild({
      ...env,
      EKS_KIT_ASSUME_ROLE_RATE: String(ASSUME_ROLE_PER_SECOND * speed),
      PHASE: 'split',
    });
    // The floor, measured just before the run it bounds: the same AssumeRole calls (every account not
    // suspended, the management account included) at the same rate and concurrency, nothing else.
    const roles = [MANAGEMENT, ...Array.from({ length: count }, (_, i) => String(300000000000 + i))]
      .filter((_, i) => i === 0 || (i - 1) % 100 !== 0)
      .map((id) => `arn:aws:iam::${id}:role/${ROLE}`);
    emu.resetCalls();
    const floor = await runFloor({
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: emu.url,
      FLOOR_ROLES: JSON.stringify(roles),
      FLOOR_RATE: String(ASSUME_ROLE_PER_SECOND * speed),
      FLOOR_CONCURRENCY: String(TARGET_CONCURRENCY),
    });
    emu.resetCalls();
    // ORG_CHECKS_CPU_PROF=<dir>: a V8 CPU profile of this invocation's process (node --cpu-prof) in <dir>.
    const profileDir = process.env.ORG_CHECKS_CPU_PROF;
    const result = await runChild(
      {
        ...env,
        EKS_KIT_ASSUME_ROLE_RATE: String(ASSUME_ROLE_PER_SECOND * speed),
        // Planning figure for this emulated run: the whole run fits one invocation.
        EKS_KIT_SECONDS_PER_TARGET: '1',
      },
      profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
    );
    const calls = emu.calls();
    const byOp = {};
    for (const c of calls)
      byOp[`${c.service}:${c.operation}`] = (byOp[`${c.service}:${c.operation}`] ?? 0) + 1;
    const checked = result.targetCounts.checked;
    const perAccount = checkCallsPerAccount(calls, checked);
    const assumeRole = byOp['sts:AssumeRole'] ?? 0;
    const throttled = calls.filter((c) => c.error === 'Throttling').length;
    // The floor: every AssumeRole at the rate (emulated seconds), in real time at this speed.
    const assumable = count + 1 - Math.ceil(count / 100);
    const floorMs = ((assumable - 1) / ASSUME_ROLE_PER_SECOND / speed) * 1000;
    const fmt = (o) =>
      Object.entries(o)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
    const rows = [
      {
        what: 'member accounts (+ management)',
        value: `${count} (+1): ${Math.ceil(count / 100)} suspended, ${Math.ceil((count - 1) / 100)} without the role`,
      },
      {
        what: 'targets reported (checked / skipped / role missing)',
        value: `${result.targets} (${result.targetCounts.checked} / ${result.targetCounts.skipped} / ${result.targetCounts.unreachable})`,
      },
      {
        what: 'findings (ok / warn / fail)',
        value: `${result.counts.ok} / ${result.counts.warn} / ${result.counts.fail}`,
      },
      {
        what: `wall time, one invocation (emulator speed ${speed}x, ${TARGET_CONCURRENCY} targets at a time)`,
        value: `${(result.wallMs / 1000).toFixed(2)} s`,
      },
      {
        what: `AssumeRole floor at ${ASSUME_ROLE_PER_SECOND}/s (same speed)`,
        value: `${(floorMs / 1000).toFixed(2)} s`,
      },
      { what: 'wall / floor', value: `${(result.wallMs / floorMs).toFixed(2)}x` },
      {
        what: `AssumeRole floor measured in the same run (${floor.calls} AssumeRole, same rate, ${TARGET_CONCURRENCY} at a time, nothing else)`,
        value: `${(floor.wallMs / 1000).toFixed(2)} s`,
      },
      { what: 'wall / measured floor', value: `${(result.wallMs / floor.wallMs).toFixed(2)}x` },
      { what: 'same run in AWS time (emulated)', value: `${((result.wallMs / 1000) * speed).toFixed(0)} s` },
      { what: 'AssumeRole calls / throttling errors', value: `${assumeRole} / ${throttled}` },
      {
        what: "calls per checked account: the checks' calls of every checked account, the management account's included / checked accounts",
        value: perAccount.checks.toFixed(2),
      },
      {
        what: "all calls per checked account (the run's own Organizations, AssumeRole and S3 calls included) / checked accounts",
        value: perAccount.all.toFixed(2),
      },
      { what: 'calls by operation', value: fmt(byOp) },
      {
        what: 'RSS of the handler process: after the import / peak in the plan step / peak over the whole run',
        value: `${(result.importRssKiB / 1024).toFixed(0)} / ${(plan.peakRssKiB / 1024).toFixed(0)} / ${(result.peakRssKiB / 1024).toFixed(0)} MiB`,
      },
      { what: 'peak RSS of the floor process', value: `${(floor.maxRssKiB / 1024).toFixed(0)} MiB` },
      {
        what: 'CPU time of the handler process (user + system)',
        value: `${(result.cpuMs / 1000).toFixed(1)} s`,
      },
      {
        what: "time a target the run kept for the next plan (p90 of the checked targets' wall times, emulator at 10x; the plan uses it x2)",
        value: result.timing
          ? `${(result.timing.p90Ms / 1000).toFixed(2)} s of ${result.timing.targets} targets -> ${Math.max(1, Math.ceil((result.timing.p90Ms / 1000) * 2))} s a target`
          : 'none kept',
      },
      {
        what: `split path (defaults: ${split.batches} batches, run one after another): targets / wall`,
        value: `${split.targets} (${split.targetCounts.checked} / ${split.targetCounts.skipped} / ${split.targetCounts.unreachable}) / ${(split.wallMs / 1000).toFixed(2)} s`,
      },
      {
        what: 'Step Functions payloads through S3: plan output / largest map item / largest batch output / report input / report raw result (limit 256 KiB)',
        value: `${kib(split.planOutput)} / ${kib(split.largestItem)} / ${kib(split.largestBatchOutput)} / ${kib(split.reportInput)} / ${kib(split.reportOutput)}`,
      },
      {
        what: `plan with the deploy template's defaults in AWS (${deployed.EKS_KIT_SECONDS_PER_TARGET ?? 'no measure yet: the default 30'} s a target, ${TARGET_CONCURRENCY} at a time, ${ASSUME_ROLE_PER_SECOND} AssumeRole/s, 900 s function)`,
        value: `${plan.fits ? 'one invocation' : `split: ${plan.batches} batches of at most ${plan.largest} targets`}; estimate ${plan.estimateSeconds} s, limit ${plan.limitSeconds} s, AssumeRole floor ${plan.assumeRoleFloorSeconds} s`,
      },
    ];
    await emu.stop();
    stopped = true;
    // The second row set: fewer accounts, each holding the seed's set-up, checked with the seed stack.
    const seed = await seedRows({
      root,
      count: quick ? 20 : 100,
      speed,
      deployed,
      bundle,
      helpers: { runChild, runFloor, checkCallsPerAccount, handlerEnv },
    });
    rows.push(...seed.rows);
    return {
      rows,
      seed: seed.figures,
      count,
      speed,
      wallMs: result.wallMs,
      cpuMs: result.cpuMs,
      floorMs,
      measuredFloorMs: floor.wallMs,
      calls: byOp,
      maxRssKiB: result.peakRssKiB,
      importRssKiB: result.importRssKiB,
      planRssKiB: plan.peakRssKiB,
      plan,
    };
  } finally {
    if (!stopped) await emu.stop();
  }
}
