/** A misspelt subcommand is named, with the nearest one suggested. */
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

// An unknown subcommand followed by a flag used to say "unknown option" instead of naming the
// command. (The invalid-input exit code is being changed elsewhere: asserted as "not 0".)
describe('a misspelt subcommand with options after it', () => {
  it('names the subcommand and suggests the nearest one, not the option', async () => {
    const run = await runCli(['ecr', 'logn', '--registry', 'registry.example.com']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('ecr subcommand');
    expect(run.stderr).toContain('did you mean eks-kit ecr login?');
    expect(run.stderr).not.toMatch(/unknown option/i);
  });

  it('a group with only an option still says a subcommand is expected', async () => {
    const run = await runCli(['cert', '--domain', 'a.example.com']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('expected a subcommand: request | status | records | wait');
    expect(run.stderr).not.toMatch(/unknown option/i);
  });
});
