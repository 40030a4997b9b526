/**
 * Where things are printed: results on stdout; notices, progress and errors on stderr. Progress only
 * on a terminal, never with CI=true, --quiet or --json.
 */
import type { ProgressEvent } from '@eks-kit/core';
import type { CheckedGlobals } from './global-options.js';

/** The CLI's printer. */
export interface Output {
  readonly json: boolean;
  readonly color: boolean;
  readonly quiet: boolean;
  /** True when progress lines may be drawn (stderr is a terminal, not CI, not quiet/json). */
  readonly interactive: boolean;
  /** A result line (stdout). */
  result(text: string): void;
  /** A JSON result (stdout), stable two-space indentation. */
  resultJson(value: unknown): void;
  /** A notice (stderr), dropped with --quiet or --json. */
  notice(text: string): void;
  /** An error line (stderr), always printed. */
  error(text: string): void;
  /** A progress event: drawn on a terminal, printed as a plain line with --verbose, else dropped. */
  progress(event: ProgressEvent): void;
  /** Colour helpers (no-ops without colour). */
  paint: {
    bold(t: string): string;
    dim(t: string): string;
    red(t: string): string;
    green(t: string): string;
    yellow(t: string): string;
  };
}

/**
 * Make the printer for this run.
 *
 * @example
 * ```ts
 * const out = createOutput(globals, process.env);
 * out.result('No changes.');
 * ```
 */
export function createOutput(
  globals: CheckedGlobals,
  env: Record<string, string | undefined>,
  streams: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } = process,
): Output {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false';
  const interactive = streams.stderr.isTTY === true && !ci && !globals.quiet && !globals.json;
  const wrap = (code: number) => (t: string) => (globals.color ? `\u001b[${code}m${t}\u001b[0m` : t);
  let progressDrawn = false;
  const clearProgress = (): void => {
    if (progressDrawn) {
      streams.stderr.write('\r\u001b[2K');
      progressDrawn = false;
    }
  };
  return {
    json: globals.json,
    color: globals.color,
    quiet: globals.quiet,
    interactive,
    result(text) {
      clearProgress();
      streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    resultJson(value) {
      clearProgress();
      streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    notice(text) {
      if (globals.quiet || globals.json) return;
      clearProgress();
      streams.stderr.write(`${text}\n`);
    },
    error(text) {
      clearProgress();
      streams.stderr.write(`${text}\n`);
    },
    progress(event) {
      const line = event.message.replace(/\s+/g, ' ');
      if (interactive) {
        const width = Math.max(20, (streams.stderr.columns || 100) - 1);
        streams.stderr.write(`\r\u001b[2K${line.slice(0, width)}`);
        progressDrawn = true;
      } else if (globals.verbose && !globals.json) {
        streams.stderr.write(`${line}\n`);
      }
    },
    paint: { bold: wrap(1), dim: wrap(2), red: wrap(31), green: wrap(32), yellow: wrap(33) },
  };
}
