// A cold start in two phases, for bench/cases/cpu-share.mjs: import the module (Lambda's INIT phase),
// print INIT, wait for a line on stdin (the parent moves this process into the invocation's CPU cgroup
// meanwhile), then run the invocation and print INVOKE. Times and CPU in ms, measured in this process.
// Usage: node cold-start-child.mjs <module file> handler|run
// EKS_KIT_BENCH_ASYNC_CONTEXT=1: one AsyncLocalStorage context entered first, so Node tracks every promise
// of the run through async hooks (as the checks did until they stopped using one: issue 21).
import { AsyncLocalStorage } from 'node:async_hooks';

const [file, kind] = process.argv.slice(2);
if (process.env.EKS_KIT_BENCH_ASYNC_CONTEXT === '1') new AsyncLocalStorage().enterWith(true);
const t0 = performance.now();
const c0 = process.cpuUsage();
const mod = await import(file);
const initCpu = process.cpuUsage(c0);
process.stdout.write(`\nINIT ${performance.now() - t0} ${(initCpu.user + initCpu.system) / 1000}\n`);
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
const t1 = performance.now();
const c1 = process.cpuUsage();
if (kind === 'handler') {
  const summary = await mod.handler({}, { getRemainingTimeInMillis: () => 300_000 });
  if (summary.checkErrors !== 0) throw new Error(`check errors: ${summary.checkErrors}`);
} else {
  await mod.run();
}
const invokeCpu = process.cpuUsage(c1);
process.stdout.write(`\nINVOKE ${performance.now() - t1} ${(invokeCpu.user + invokeCpu.system) / 1000}\n`);
