import { describe, expect, it } from 'vitest';
import { checkGlobals } from '../src/runtime/global-options.js';
import { createOutput } from '../src/runtime/output.js';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 80,
    write: (text: string) => {
      chunks.push(text);
      return true;
    },
    text: () => chunks.join(''),
  };
}

function output(
  env: Record<string, string>,
  options: { tty: boolean; quiet?: boolean; json?: boolean; verbose?: boolean },
) {
  const stdout = fakeStream(options.tty);
  const stderr = fakeStream(options.tty);
  const globals = checkGlobals(
    {
      ...(options.quiet ? { quiet: true } : {}),
      ...(options.json ? { json: true } : {}),
      ...(options.verbose ? { verbose: true } : {}),
    },
    env,
    options.tty,
  );
  const out = createOutput(globals, env, { stdout, stderr } as unknown as {
    stdout: NodeJS.WriteStream;
    stderr: NodeJS.WriteStream;
  });
  return { out, stdout, stderr, globals };
}

describe('output', () => {
  it('draws progress on a terminal and clears it before a result', () => {
    const { out, stdout, stderr } = output({}, { tty: true });
    expect(out.interactive).toBe(true);
    out.progress({ type: 'x', message: 'waiting for certificate' });
    out.result('done');
    expect(stderr.text()).toContain('waiting for certificate');
    expect(stderr.text()).toContain('\r\u001b[2K');
    expect(stdout.text()).toBe('done\n');
  });

  it('prints no progress when piped, under CI=true, with --quiet or --json', () => {
    for (const [env, opts] of [
      [{}, { tty: false }],
      [{ CI: 'true' }, { tty: true }],
      [{}, { tty: true, quiet: true }],
      [{}, { tty: true, json: true }],
    ] as const) {
      const { out, stderr } = output(env, opts);
      out.progress({ type: 'x', message: 'waiting' });
      expect(out.interactive).toBe(false);
      expect(stderr.text()).toBe('');
    }
  });

  it('prints progress as plain lines with --verbose when not interactive', () => {
    const { out, stderr } = output({ CI: 'true' }, { tty: false, verbose: true });
    out.progress({ type: 'x', message: 'step done' });
    expect(stderr.text()).toBe('step done\n');
  });

  it('colours only on a terminal without NO_COLOR', () => {
    expect(output({}, { tty: true }).globals.color).toBe(true);
    expect(output({ NO_COLOR: '1' }, { tty: true }).globals.color).toBe(false);
    expect(output({}, { tty: false }).globals.color).toBe(false);
  });

  it('drops notices with --quiet but always prints errors', () => {
    const { out, stderr } = output({}, { tty: false, quiet: true });
    out.notice('hello');
    out.error('broken');
    expect(stderr.text()).toBe('broken\n');
  });
});

describe('checkGlobals', () => {
  it('reads AWS_MAX_ATTEMPTS and AWS_RETRY_MODE like the aws CLI', () => {
    const g = checkGlobals({}, { AWS_MAX_ATTEMPTS: '9', AWS_RETRY_MODE: 'standard' }, false);
    expect(g.maxAttempts).toBe(9);
    expect(g.retryMode).toBe('standard');
  });

  it('names the environment variable when it is the one that is wrong', () => {
    expect(() => checkGlobals({}, { AWS_MAX_ATTEMPTS: 'many' }, false)).toThrow(
      /^AWS_MAX_ATTEMPTS: expected/,
    );
  });
});
