/**
 * Collects every text the suite sees (CLI stdout/stderr, error messages, progress events, printed
 * results) and finds the secrets in it: ECR passwords and authorization tokens the emulator issued,
 * and the secret access keys used.
 */
import { inspect } from 'node:util';

/** Everything a run printed or threw, tagged with where it came from. */
export interface Transcript {
  source: string;
  text: string;
}

/** A secret and a name to report it by (never the secret itself). */
export interface Secret {
  name: string;
  value: string;
}

/** Text of any value the way a user could see it: message, stack, inspect and JSON. */
export function visibleText(value: unknown): string {
  const parts: string[] = [];
  if (typeof value === 'string') return value;
  if (value instanceof Error) parts.push(value.message, value.stack ?? '', String(value.cause ?? ''));
  parts.push(inspect(value, { depth: 8 }));
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {
    // circular: inspect covers it
  }
  parts.push(String(value));
  return parts.join('\n');
}

/** A collector for one test file. */
export class LeakScanner {
  readonly transcripts: Transcript[] = [];

  /** Record a text or a value (error, event, result). */
  record(source: string, value: unknown): void {
    this.transcripts.push({ source, text: visibleText(value) });
  }

  /** Secrets found, as `<secret name> in <source>`; empty when clean. */
  scan(secrets: readonly Secret[]): string[] {
    const found: string[] = [];
    for (const secret of secrets) {
      if (secret.value.length < 8) continue;
      for (const t of this.transcripts)
        if (t.text.includes(secret.value)) found.push(`${secret.name} in ${t.source}`);
    }
    return found;
  }
}

interface EcrStateLike {
  tokens: Map<string, unknown>;
}

/**
 * Every ECR secret the emulator issued: each password, its `AWS:<password>` base64 token and the
 * `Basic` header value, read from `emu.state.ecr.tokens` (keyed by password).
 */
export function issuedEcrSecrets(state: Record<string, unknown>): Secret[] {
  const ecr = state.ecr as EcrStateLike | undefined;
  const secrets: Secret[] = [];
  let i = 0;
  for (const password of ecr?.tokens.keys() ?? []) {
    i++;
    const token = Buffer.from(`AWS:${password}`, 'utf8').toString('base64');
    secrets.push({ name: `ecr password #${i}`, value: password });
    secrets.push({ name: `ecr authorization token #${i}`, value: token });
  }
  return secrets;
}
