// CLI CPU (issue 21): user+sys CPU and wall time of `eks-kit plan` and of a second `eks-kit apply
// --yes` (nothing to change) of the seed stack (examples/seed) against the emulator, medians of
// interleaved runs. On a Node that has --experimental-async-context-frame (22.7+; it builds
// AsyncLocalStorage without async hooks) the same runs with the flag too: with no AsyncLocalStorage
// context entered by the CLI the two are equal; before issue 21 plan/apply/destroy entered one and
// the flag saved about a third of plan's CPU. A figure, never a goal.
// EKS_KIT_BENCH_NODES=/path/node20,/path/node22: the Node binaries to run the CLI with (default: this
// one). EKS_KIT_BENCH_BASELINE=/path/to/checkout: also runs that checkout's built CLI (e.g. main's),
// interleaved with this one, so before / after are measured side by side.
// CPU is the child's own: a preload writes process.cpuUsage() (every thread of the process) at exit.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@eks-kit/aws-emulator';
import { median, ms, ratio } from './util.mjs';

const PRELOAD = `import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  writeFileSync(process.env.EKS_KIT_BENCH_CPU_FILE, JSON.stringify({ user, system }));
});
`;

export async function run({ quick, root }) {
  const builds = [{ name: 'this build', root }];
  const baseline = process.env.EKS_KIT_BENCH_BASELINE;
  if (baseline) builds.push({ name: `baseline (${baseline})`, root: baseline });
  for (const b of builds)
    if (!existsSync(join(b.root, 'apps/cli/dist/eks-kit.js')))
      throw new Error(`build the CLI first: ${join(b.root, 'apps/cli/dist/eks-kit.js')} is missing`);
  const nodes = (process.env.EKS_KIT_BENCH_NODES ?? process.execPath).split(',').filter(Boolean);
  const dir = mkdtempSync(join(tmpdir(), 'eks-kit-cli-cpu-'));
  const preload = join(dir, 'cpu.mjs');
  writeFileSync(preload, PRELOAD);
  const cpuFile = join(dir, 'cpu.json');
  const world = JSON.parse(readFileSync(join(root, 'examples/seed/world.json'), 'utf8'));
  const emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: world });
  const env = {
    ...cleanEnv(),
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    EKS_KIT_BENCH_CPU_FILE: cpuFile,
  };
  const stackFile = join(root, 'examples/seed/eks-kit.yaml');
  const cliArgs = {
    plan: ['plan', '-f', stackFile, '--endpoint-url', emu.url],
    'apply (again)': ['apply', '-f', stackFile, '--yes', '--endpoint-url', emu.url],
  };
  const variants = [];
  for (const node of nodes) {
    const version = spawnSync(node, ['--version']).stdout.toString().trim();
    const frame = spawnSync(node, ['--experimental-async-context-frame', '-e', '0']).status === 0;
    for (const flags of frame ? [[], ['--experimental-async-context-frame']] : [[]])
      for (const build of builds)
        for (const [command, args] of Object.entries(cliArgs))
          variants.push({
            node: version,
            flag: flags.length > 0 ? 'async-context-frame' : '',
            build: build.name,
            command,
            cmd: node,
            args: [...flags, '--import', preload, join(build.root, 'apps/cli/bin/eks-kit.js'), ...args],
          });
  }
  const rounds = quick ? 5 : 21;
  try {
    // The first apply converges the emulator's world: every measured run has nothing to change.
    await cliRun(
      process.execPath,
      ['--import', preload, join(root, 'apps/cli/bin/eks-kit.js'), ...cliArgs['apply (again)']],
      env,
      cpuFile,
    );
    const samples = variants.map(() => []);
    for (let i = 0; i < rounds; i++)
      for (const [j, v] of variants.entries()) samples[j].push(await cliRun(v.cmd, v.args, env, cpuFile));
    const rows = variants.map((v, j) => {
      const cpu = median(samples[j].map((s) => s.cpuMs));
      const base = variants.findIndex(
        (w) =>
          w.node === v.node && w.command === v.command && w.flag === '' && w.build === builds.at(-1).name,
      );
      return {
        node: v.node,
        flag: v.flag,
        build: v.build,
        command: v.command,
        'cpu (user+sys)': ms(cpu),
        user: ms(median(samples[j].map((s) => s.userMs))),
        sys: ms(median(samples[j].map((s) => s.sysMs))),
        wall: ms(median(samples[j].map((s) => s.wallMs))),
        // Beside another build or the flag: CPU over the same node and command's, no flag (the baseline's).
        ...(variants.length > nodes.length * 2
          ? {
              [`cpu vs ${builds.length > 1 ? 'baseline' : 'this build'}, no flag`]: ratio(
                cpu,
                median(samples[base].map((s) => s.cpuMs)),
              ),
            }
          : {}),
      };
    });
    return { rows, rounds };
  } finally {
    await emu.stop();
  }
}

/** One CLI run (asynchronous: the emulator answers from this process): its CPU from the preload, and wall. */
function cliRun(cmd, args, env, cpuFile) {
  return new Promise((resolve, reject) => {
    writeFileSync(cpuFile, '');
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      const { user, system } = JSON.parse(readFileSync(cpuFile, 'utf8'));
      resolve({ cpuMs: (user + system) / 1000, userMs: user / 1000, sysMs: system / 1000, wallMs });
    });
  });
}

/** This process's environment without AWS_* (no profile, region or endpoint from the machine). */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
}
