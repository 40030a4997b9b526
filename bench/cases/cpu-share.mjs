// The checks Lambda's cold start under Lambda's CPU share, emulated with a Linux CPU cgroup (issue 21).
//
// Lambda gives a function CPU in proportion to its memory: 1,769 MB is one vCPU (AWS Lambda developer
// guide, "Configuring Lambda function memory", read 2026-12-07), and enforces the share in 20 ms periods
// (pwrdrvr/lambda-throttling, measured on Lambda, README of 2025-03-01). The function's INIT phase (its
// import) was measured running unthrottled at every memory size (bitesizedserverless.com, "Lambda Cold
// Starts and Bootstrap Code", 2023; undocumented by AWS), and is billed since 2025-08-01 (AWS Compute
// Blog, "AWS Lambda standardizes billing for INIT Phase", 2025-04-29). Both cases are run: the import
// unthrottled then the invocation at the share, and both at the share
// (docs/AWS-FACTS.md#lambda-the-cpu-a-function-gets).
//
// Each run is a process that imports its module (the INIT phase), tells this process, which moves it into
// the throttled cgroup, then runs the invocation: the handler on the seed stack, or the floor's calls.
import { spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './util.mjs';

/** One vCPU, in MB of function memory (AWS Lambda developer guide). */
export const MB_PER_VCPU = 1769;
/** The period in which Lambda enforces a function's CPU share (measured: pwrdrvr/lambda-throttling). */
export const PERIOD_US = 20_000;

const CHILD = fileURLToPath(new URL('./cold-start-child.mjs', import.meta.url));

/**
 * Two CPU cgroups under cgroup v1's cpu controller or cgroup v2 (`free`: no limit; `share`: the
 * function's share of one CPU in 20 ms periods), or why they cannot be made (not root, no cpu
 * controller): the rows then say so. `remove()` deletes them (their processes must have exited).
 */
export function cpuCgroups(memoryMb) {
  const quotaUs = Math.round((PERIOD_US * memoryMb) / MB_PER_VCPU);
  const v1 = '/sys/fs/cgroup/cpu';
  const v2 = '/sys/fs/cgroup';
  const made = [];
  try {
    let base;
    let limit;
    if (existsSync(join(v1, 'cpu.cfs_quota_us')) || existsSync(join(v1, 'cgroup.procs'))) {
      base = v1;
      limit = (dir, quota) => {
        writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
        writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota ?? -1));
      };
    } else if (existsSync(join(v2, 'cgroup.controllers'))) {
      if (!readFileSync(join(v2, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('cpu'))
        throw new Error('cgroup v2 without the cpu controller');
      // A child group has cpu.max only when its parent hands the controller down (subtree_control).
      // Not turned on here (a setting of the whole machine): the row says how.
      if (!readFileSync(join(v2, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('cpu'))
        throw new Error(
          'cgroup v2 does not hand the cpu controller down: echo +cpu > /sys/fs/cgroup/cgroup.subtree_control',
        );
      base = v2;
      limit = (dir, quota) => writeFileSync(join(dir, 'cpu.max'), `${quota ?? 'max'} ${PERIOD_US}`);
    } else {
      throw new Error('no cpu cgroup mounted');
    }
    accessSync(base, constants.W_OK);
    const group = (name, quota) => {
      const dir = join(base, `eks-kit-bench-${process.pid}-${name}`);
      if (!existsSync(dir)) mkdirSync(dir);
      made.push(dir);
      limit(dir, quota);
      return dir;
    };
    const free = group('free', undefined);
    const share = group('share', quotaUs);
    return {
      available: true,
      quotaUs,
      free,
      share,
      remove: () => {
        for (const dir of made.reverse()) {
          try {
            rmdirSync(dir);
          } catch {
            // a process still in it: left for the system to clean
          }
        }
      },
    };
  } catch (error) {
    for (const dir of made.reverse()) {
      try {
        rmdirSync(dir);
      } catch {}
    }
    return {
      available: false,
      quotaUs,
      why: error.code ? `${error.code} ${error.path ?? ''}`.trim() : error.message,
    };
  }
}

/** How long one cold start may take before its process is killed (a hung child fails the case). */
const COLD_START_TIMEOUT_MS = 180_000;

/**
 * One cold start: a process started in cgroup `initGroup` imports `file` (the INIT phase), then is moved
 * into `invokeGroup` and runs the invocation (`kind` "handler": the Lambda's handler on `env`'s stack;
 * "run": the module's `run()`). Answers { init, initCpu, invoke, invokeCpu } in ms. Settles only once the
 * process has ended and its output is read (`close`), whatever failed (a failing or hung child, a move
 * into the cgroup refused): its cgroups can then be removed.
 */
export function coldStart({ file, kind, env, initGroup, invokeGroup, timeoutMs = COLD_START_TIMEOUT_MS }) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'sh',
      [
        '-c',
        `echo $$ > "$1/cgroup.procs" && exec "$2" "$3" "$4" "$5"`,
        'sh',
        initGroup,
        process.execPath,
        CHILD,
        file,
        kind,
      ],
      { env, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    /** Why the run failed before the process ended (it is killed; the promise rejects once it ended). */
    let failure;
    const fail = (error) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => fail(new Error(`cold start of ${file} took more than ${timeoutMs} ms: killed`)),
      timeoutMs,
    );
    const result = {};
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const init = /^INIT ([\d.]+) ([\d.]+)$/m.exec(out);
      if (init && result.init === undefined) {
        result.init = Number(init[1]);
        result.initCpu = Number(init[2]);
        try {
          if (invokeGroup !== initGroup) writeFileSync(join(invokeGroup, 'cgroup.procs'), String(child.pid));
          child.stdin.end('go\n');
        } catch (error) {
          fail(error);
        }
      }
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    // A child that ends before reading stdin: its EPIPE is not the failure to report.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => {
      failure ??= error;
    });
    // `close`, not `exit`: at `exit` the child's stdout may still hold its last line (Node's docs).
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) {
        reject(failure);
        return;
      }
      const invoke = /^INVOKE ([\d.]+) ([\d.]+)$/m.exec(out);
      if (code !== 0 || !invoke) {
        reject(new Error(`cold start of ${file} exited ${code ?? signal}: ${err.slice(-400)}`));
        return;
      }
      result.invoke = Number(invoke[1]);
      result.invokeCpu = Number(invoke[2]);
      resolve(result);
    });
  });
}

/**
 * Run `variants` ({ name, file, kind, env }) interleaved, `rounds` times, under each of `settings`
 * ({ name, initGroup, invokeGroup, before() }): the medians of each (init, invoke, init + invoke, CPU).
 */
export async function coldStarts({ variants, settings, rounds }) {
  const runs = new Map();
  for (let i = 0; i < rounds; i++) {
    for (const setting of settings) {
      await setting.before?.();
      for (const v of variants) {
        const r = await coldStart({ ...v, initGroup: setting.initGroup, invokeGroup: setting.invokeGroup });
        const key = `${setting.name}\u0000${v.name}`;
        if (!runs.has(key)) runs.set(key, []);
        runs.get(key).push(r);
      }
    }
  }
  const out = [];
  for (const setting of settings) {
    for (const v of variants) {
      const rs = runs.get(`${setting.name}\u0000${v.name}`);
      out.push({
        setting: setting.name,
        variant: v.name,
        init: median(rs.map((r) => r.init)),
        invoke: median(rs.map((r) => r.invoke)),
        total: median(rs.map((r) => r.init + r.invoke)),
        cpu: median(rs.map((r) => r.initCpu + r.invokeCpu)),
        invokeCpu: median(rs.map((r) => r.invokeCpu)),
      });
    }
  }
  return out;
}
