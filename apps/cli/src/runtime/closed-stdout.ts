/**
 * A reader that stops early (`eks-kit ... | head -1`) must not crash the command with an EPIPE stack
 * trace, and must not stop it half-way either: an `apply` piped into `head` still applies everything.
 */

/**
 * Once standard output is closed by its reader (EPIPE, then writes to the destroyed stream), discard
 * further output and let the command run to its end; its exit code is the command's own. Any other
 * stdout error is rethrown as before. The entry guards stderr with it too (`2>&1 | head -1`).
 *
 * @example
 * ```ts
 * discardOutputWhenStdoutCloses(process.stdout);
 * ```
 */
export function discardOutputWhenStdoutCloses(stdout: NodeJS.WritableStream): void {
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}
