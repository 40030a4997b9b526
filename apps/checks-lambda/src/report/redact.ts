/**
 * Keep secrets out of what the handler logs and publishes (CONTRIBUTING.md: secrets never in logs).
 */

const PATTERNS: readonly RegExp[] = [
  // Access key ids (long-term AKIA, temporary ASIA).
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  // Secret keys, session tokens, ECR authorization tokens: long runs of base64.
  /[A-Za-z0-9+/]{40,}={0,2}/g,
];

/**
 * Replace anything shaped like an AWS credential or token with `[redacted]`.
 *
 * @example
 * ```ts
 * redactSecrets('key AKIAIOSFODNN7EXAMPLE failed'); // 'key [redacted] failed'
 * ```
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of PATTERNS) out = out.replace(pattern, '[redacted]');
  return out;
}
