#!/usr/bin/env node
/**
 * The `eks-kit` entry: answers `--version` and `--help` itself (so they load almost nothing) and
 * loads the command program only for real work.
 */
import { TOP_HELP } from './help-text.js';
import { discardOutputWhenStdoutCloses } from './runtime/closed-stdout.js';
import { CLI_VERSION } from './version.js';

discardOutputWhenStdoutCloses(process.stdout);
// Also stderr: `eks-kit ... 2>&1 | head -1` closes both; the error line must not turn exit 64 (or 2) into 1.
discardOutputWhenStdoutCloses(process.stderr);
// An error is one line: no runtime warning (a dependency's deprecation, an experimental feature) is
// printed beside it. Node's default printer is a 'warning' listener; this removes it.
process.removeAllListeners('warning');

const argv = process.argv.slice(2);
const only = argv.length === 1 ? argv[0] : undefined;

if (only === '--version' || only === '-V') {
  process.stdout.write(`${CLI_VERSION}\n`);
} else if (argv.length === 0 || only === '--help' || only === '-h' || only === 'help') {
  process.stdout.write(TOP_HELP);
} else {
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(argv);
}
