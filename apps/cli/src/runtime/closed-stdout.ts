/** A reader that stops early (`eks-kit ... | head -1`) must end the command quietly, as other CLIs do. */

/**
 * End the process with exit code 0, without a stack trace, when standard output is closed by its
 * reader (EPIPE); any other stdout error is rethrown as before.
 *
 * @example
 * ```ts
 * endQuietlyOnClosedStdout(process.stdout, (code) => process.exit(code));
 * ```
 */
export function endQuietlyOnClosedStdout(stdout: NodeJS.WritableStream, exit: (code: number) => void): void {
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') exit(0);
    else throw error;
  });
}
