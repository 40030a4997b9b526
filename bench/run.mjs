#!/usr/bin/env node
// pnpm bench: runs every case in bench/cases, prints a table and writes bench/results/latest.json.
// Figures measured side by side in the same run (A/B interleaved) so ratios hold on a noisy machine.
// Usage: node bench/run.mjs [--only name[,name] [--merge]] [--quick]
// --merge: re-run only the named cases and put them into bench/results/latest.json and the doc's
// figures block beside the other cases' figures of the last full run (each case says when it ran).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The SDK's Node 20 notice is not a figure: keep the table readable (CI still sees it in the tests).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;
const quick = args.includes('--quick');
const merge = only !== undefined && args.includes('--merge');

const CASES = [
  'cold-start',
  'cli-cpu',
  'bundle-size',
  'lambda-init',
  'api-calls',
  'unreachable',
  'role-scan',
  'destroy-calls',
  'crowded-account',
  'latency',
  'asg-scale',
  'acm-checks',
  'wait-issued',
  'org-checks',
];

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  os: `${platform()} ${release()}`,
  node: process.version,
};
const results = { date: new Date().toISOString(), machine, quick, cases: {} };
console.log(
  `eks-kit bench — ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.cpu}, Node ${machine.node}${quick ? ' (quick)' : ''}\n`,
);

for (const name of CASES) {
  if (only && !only.includes(name)) continue;
  const started = Date.now();
  process.stdout.write(`${name} ... `);
  try {
    const mod = await import(join(here, 'cases', `${name}.mjs`));
    const out = await mod.run({ quick, root: join(here, '..') });
    results.cases[name] = out;
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    printTable(out.rows ?? []);
  } catch (error) {
    results.cases[name] = { error: String(error?.stack ?? error) };
    console.log(`FAILED: ${error?.message ?? error}`);
  }
}

function printTable(rows) {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells) => `  ${cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ')}`;
  console.log(line(cols));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(cols.map((c) => r[c])));
  console.log('');
}

if (!only || merge) {
  mkdirSync(join(here, 'results'), { recursive: true });
  const file = join(here, 'results', 'latest.json');
  if (merge) {
    const last = JSON.parse(readFileSync(file, 'utf8'));
    for (const [name, out] of Object.entries(results.cases))
      last.cases[name] = { ...out, rerunAt: results.date };
    results.cases = last.cases;
    results.date = last.date;
  }
  writeFileSync(`${file}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`wrote ${file}`);
  writeFiguresIntoDoc(join(here, '..', 'docs', 'PERFORMANCE.md'), results);
}

// docs/PERFORMANCE.md keeps its prose; the block between the figures markers is rewritten from this run.
function writeFiguresIntoDoc(doc, res) {
  if (!existsSync(doc)) return;
  const text = readFileSync(doc, 'utf8');
  const start = '<!-- figures:start -->';
  const end = '<!-- figures:end -->';
  if (!text.includes(start) || !text.includes(end)) return;
  const md = [
    start,
    `Measured ${res.date.slice(0, 16).replace('T', ' ')} UTC on ${res.machine.cores} cores, ${res.machine.memoryGiB} GiB, ${res.machine.cpu}, ${res.machine.os}, Node ${res.machine.node}${res.quick ? ' (quick mode)' : ''}.`,
    '',
  ];
  for (const [name, out] of Object.entries(res.cases)) {
    md.push(`### ${name}`, '');
    if (out.rerunAt)
      md.push(`Re-run ${out.rerunAt.slice(0, 16).replace('T', ' ')} UTC (\`--only ${name} --merge\`).`, '');
    if (out.error) {
      md.push('```', String(out.error).split('\n')[0], '```', '');
      continue;
    }
    const rows = out.rows ?? [];
    if (rows.length === 0) continue;
    const cols = Object.keys(rows[0]);
    md.push(`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`);
    for (const r of rows) md.push(`| ${cols.map((c) => String(r[c] ?? '')).join(' | ')} |`);
    md.push('');
  }
  md.push(end);
  const updated =
    text.slice(0, text.indexOf(start)) + md.join('\n') + text.slice(text.indexOf(end) + end.length);
  writeFileSync(`${doc}.tmp`, updated);
  renameSync(`${doc}.tmp`, doc);
  console.log(`updated the figures in ${doc}`);
}
process.exit(Object.values(results.cases).some((c) => c.error) ? 1 : 0);
