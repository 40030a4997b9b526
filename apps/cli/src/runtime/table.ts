/** Plain-text tables for findings. */
import type { Finding } from '@eks-kit/core';
import type { Output } from './output.js';

/**
 * Findings as an aligned table: status, check, resource, message (and the hint below a failure).
 *
 * @example
 * ```ts
 * out.result(findingsTable(findings, out.paint));
 * ```
 */
export function findingsTable(findings: readonly Finding[], paint: Output['paint']): string {
  if (findings.length === 0) return 'No findings.';
  const checkWidth = Math.min(32, Math.max(5, ...findings.map((f) => f.check.length)));
  const resourceWidth = Math.min(48, Math.max(8, ...findings.map((f) => f.resource.length)));
  const status = (s: Finding['status']) =>
    s === 'ok' ? paint.green('ok  ') : s === 'warn' ? paint.yellow('WARN') : paint.red('FAIL');
  const lines = [`${'STATUS'}  ${'CHECK'.padEnd(checkWidth)}  ${'RESOURCE'.padEnd(resourceWidth)}  MESSAGE`];
  for (const f of findings) {
    lines.push(
      `${status(f.status)}    ${f.check.padEnd(checkWidth)}  ${f.resource.padEnd(resourceWidth)}  ${f.message}`,
    );
    if (f.hint && f.status !== 'ok')
      lines.push(`${' '.repeat(8 + checkWidth + 2)}${paint.dim(`fix: ${f.hint}`)}`);
  }
  return lines.join('\n');
}
