// Time to fail on an unreachable endpoint (issue 21): `eks-kit plan` of the seed stack with 200 and
// with 5,000 repositories against 127.0.0.1, (a) a port with nothing listening (ECONNREFUSED) and
// (b) a server that accepts and resets every connection (it counts them): wall time of the failing
// run, the connections made and the error line printed. Before the fail-fast rule (core's
// unreachable.ts) every read was paced by the quota buckets and tried: 24 s for 200 repositories,
// 532 s for 5,000. EKS_KIT_BENCH_BASELINE=/path/to/checkout: also that checkout's built CLI (e.g.
// main's), interleaved; `--quick` (or a baseline) leaves out its 5,000-repository runs but one.
// A figure, never a goal: tests assert connection counts, never time.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, ms } from './util.mjs';

export async function run({ quick, root }) {
  const builds = [{ name: 'this build', root }];
  const baseline = process.env.EKS_KIT_BENCH_BASELINE;
  if (baseline) builds.push({ name: `baseline (${baseline})`, root: baseline });
  for (const b of builds)
    if (!existsSync(join(b.root, 'apps/cli/dist/eks-kit.js')))
      throw new Error(`build the CLI first: ${join(b.root, 'apps/cli/dist/eks-kit.js')} is missing`);
  const dir = mkdtempSync(join(tmpdir(), 'eks-kit-unreachable-'));
  const seed = readFileSync(join(root, 'examples/seed/eks-kit.yaml'), 'utf8');
  const stacks = {};
  for (const n of [200, 5000]) {
    const extra = Array.from({ length: n }, (_, i) => `  - name: seed/app${i}\n`).join('');
    stacks[n] = join(dir, `stack-${n}.yaml`);
    writeFileSync(stacks[n], seed.replace('repositories:\n', `repositories:\n${extra}`));
  }
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))),
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const reset = await resettingServer();
  const refused = await refusingPort();
  const rows = [];
  try {
    for (const build of builds)
      for (const repositories of [200, 5000])
        for (const [endpoint, url] of [
          ['refused', `http://127.0.0.1:${refused}`],
          ['accept + reset', reset.url],
        ]) {
          // The baseline's 5,000-repository runs take minutes each: one run, refused only.
          const slow = build !== builds[0] && repositories === 5000;
          if (slow && endpoint !== 'refused') continue;
          const rounds = slow || repositories === 5000 ? 1 : quick ? 1 : 3;
          const samples = [];
          let line = '';
          let connections = 0;
          for (let i = 0; i < rounds; i++) {
            const before = reset.connections();
            const out = await cliRun(
              join(build.root, 'apps/cli/bin/eks-kit.js'),
              ['plan', '-f', stacks[repositories], '--endpoint-url', url],
              env,
            );
            samples.push(out.wallMs);
            line = out.stderr.trim().split('\n').at(-1) ?? '';
            connections = reset.connections() - before;
          }
          rows.push({
            build: build.name,
            repositories,
            endpoint,
            'time to fail': ms(median(samples)),
            connections: endpoint === 'refused' ? '-' : connections,
            error: line.length > 110 ? `${line.slice(0, 107)}...` : line,
          });
        }
  } finally {
    await reset.close();
  }
  return { rows };
}

/** A server on 127.0.0.1 that counts connections and resets each one. */
async function resettingServer() {
  let n = 0;
  const server = createServer((socket) => {
    n++;
    socket.on('error', () => undefined);
    socket.resetAndDestroy();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    connections: () => n,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A port on 127.0.0.1 with nothing listening. */
async function refusingPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One failing CLI run (asynchronous: the resetting server answers from this process). */
function cliRun(cli, args, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 1) return reject(new Error(`${args.join(' ')} exited ${code}, not 1: ${stderr}`));
      resolve({ wallMs, stderr });
    });
  });
}
