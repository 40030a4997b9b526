// Shared helpers for bench cases: timing child processes, medians, formatting.
import { spawnSync } from 'node:child_process';

/** Median of numbers. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Wall time of one child process run, in ms; throws if it fails. */
export function timeCommand(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Run commands interleaved (A B C A B C ...) `rounds` times; returns the median ms of each. */
export function interleaved(commands, rounds) {
  const samples = commands.map(() => []);
  for (let i = 0; i < rounds; i++) {
    for (const [j, c] of commands.entries()) samples[j].push(timeCommand(c.cmd, c.args, c.options));
  }
  return samples.map((s) => median(s));
}

export const ms = (v) => `${v.toFixed(1)} ms`;
export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
export const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
