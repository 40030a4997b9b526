// CLI cold start: `eks-kit --version` and `--help` beside `node -e 0` (goal <= 1.2x) and `aws --version`.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { interleaved, ms, ratio } from './util.mjs';

export async function run({ quick, root }) {
  const cli = join(root, 'apps/cli/bin/eks-kit.js'); // what users run (a stub importing dist/eks-kit.js)
  if (!existsSync(cli)) throw new Error(`build the CLI first: ${cli} is missing`);
  const commands = [
    { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'] },
    { name: 'eks-kit --version', cmd: process.execPath, args: [cli, '--version'] },
    { name: 'eks-kit --help', cmd: process.execPath, args: [cli, '--help'] },
  ];
  const awsV2 = '/usr/bin/aws';
  const hasAws =
    existsSync(awsV2) && /aws-cli\/2/.test(spawnSync(awsV2, ['--version']).stdout?.toString() ?? '');
  if (hasAws) commands.push({ name: 'aws --version', cmd: awsV2, args: ['--version'] });
  const rounds = quick ? 5 : 21;
  const medians = interleaved(commands, rounds);
  const base = medians[0];
  const rows = commands.map((c, i) => ({
    command: c.name,
    median: ms(medians[i]),
    'vs node -e 0': ratio(medians[i], base),
    ...(hasAws ? { 'vs aws --version': ratio(medians[i], medians[3]) } : {}),
  }));
  return {
    rows,
    rounds,
    mediansMs: Object.fromEntries(commands.map((c, i) => [c.name, medians[i]])),
    goal: 'eks-kit --version and --help at most 1.2x node -e 0',
  };
}
