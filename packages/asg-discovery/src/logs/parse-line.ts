/**
 * One log line of the Cluster Autoscaler, in klog text (`I1126 07:01:02.123456       1 file.go:42] msg`)
 * or `--logging-format=json` (`{"ts":1764140462123.4,"caller":"file.go:42","msg":"...","v":0}`,
 * k8s.io/component-base/logs/json: `ts` in epoch milliseconds (seconds in older releases); `v` only on
 * info lines, so a line without `v` is an error; `err` holds the error). Structured klog text
 * (`I1025 ... file.go:116] "Pod status updated" pod="kube-system/kubedns"`) has its message unquoted and
 * its key/value pairs kept after it (kubernetes.io "System Logs"); the pairs are also parsed into
 * `fields`, as are a JSON line's extra keys. That is how Kubernetes events reach the log since client-go's
 * structured event logging: `"Event occurred" object="ns/pod" ... reason="NotTriggerScaleUp" message="..."`
 * (JSON: `"object":{"name":"pod","namespace":"ns"}`), older releases wrote `Event(v1.ObjectReference{...}): ...`.
 */

/** Severity of a line: Info, Warning, Error, Fatal (klog's letters). */
export type LogLevel = 'I' | 'W' | 'E' | 'F';

/** A parsed log line before interpretation. */
export interface LogRecord {
  /** 1-based line number in the input. */
  line: number;
  level: LogLevel;
  /** Epoch milliseconds (klog lines carry no year: see `year` of readAutoscalerLog). */
  timeMs: number;
  /** `file.go:42` of the emitting code. */
  source?: string;
  /** The message, with a JSON line's `err` appended as `: <err>`. */
  message: string;
  /** Structured key/value pairs (klog `key="value"` after the message, or a JSON line's other keys). */
  fields?: Record<string, string>;
}

const KLOG_RE = /^([IWEF])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s+\d+ ([^\s\]]+)\] ?(.*)$/;

/** Result of parsing one line: a record, a blank line, or a malformed line. */
export type ParsedLine = { kind: 'record'; record: LogRecord } | { kind: 'blank' } | { kind: 'malformed' };

/**
 * Parse one klog text or JSON log line.
 *
 * @example
 * ```ts
 * parseLogLine('I1126 07:01:02.000000       1 scale_up.go:5] Final scale-up plan: [{ng 1->2 (max: 3)}]', 1, 2026);
 * // { kind: 'record', record: { line: 1, level: 'I', timeMs: ..., source: 'scale_up.go:5', message: 'Final scale-up plan: ...' } }
 * ```
 */
export function parseLogLine(text: string, line: number, year: number): ParsedLine {
  const trimmed = text.replace(/\r$/, '');
  if (trimmed.trim() === '') return { kind: 'blank' };
  if (trimmed.trimStart().startsWith('{')) return parseJsonLine(trimmed, line);
  const m = KLOG_RE.exec(trimmed);
  if (!m) return { kind: 'malformed' };
  const [, level, month, day, hh, mm, ss, frac = '0', source, message = ''] = m;
  const fracMs = Number(`0.${frac}`) * 1000;
  const timeMs = Date.UTC(year, Number(month) - 1, Number(day), Number(hh), Number(mm), Number(ss)) + fracMs;
  if (!Number.isFinite(timeMs) || Number(month) < 1 || Number(month) > 12) return { kind: 'malformed' };
  const fields = message.startsWith('"') ? structuredFields(message) : undefined;
  return {
    kind: 'record',
    record: {
      line,
      level: level as LogLevel,
      timeMs,
      ...(source ? { source } : {}),
      message: unquoteStructured(message),
      ...(fields ? { fields } : {}),
    },
  };
}

const JSON_RECORD_KEYS = new Set(['ts', 'caller', 'msg', 'message', 'v', 'err', 'level']);

/** A JSON line's extra keys as strings; a klog object reference `{name, namespace}` as `namespace/name`. */
function jsonFields(o: Record<string, unknown>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(o)) {
    if (JSON_RECORD_KEYS.has(key) && !(key === 'message' && typeof o.msg === 'string')) continue;
    if (value === null || value === undefined) continue;
    if (
      typeof value === 'object' &&
      !Array.isArray(value) &&
      typeof (value as { name?: unknown }).name === 'string'
    ) {
      const ref = value as { name: string; namespace?: unknown };
      out[key] =
        typeof ref.namespace === 'string' && ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
    } else out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return Object.keys(out).length ? out : undefined;
}

const PAIR_RE = /\s([\w.-]+)=("(?:[^"\\]|\\.)*"|[^\s"]*)/g;

/** `"msg" k="v" n=3` -> `{ k: 'v', n: '3' }` (values JSON-unquoted). */
function structuredFields(message: string): Record<string, string> | undefined {
  const end = /^"(?:[^"\\]|\\.)*"/.exec(message);
  if (!end) return undefined;
  const out: Record<string, string> = {};
  for (const m of message.slice(end[0].length).matchAll(PAIR_RE)) {
    const raw = m[2] ?? '';
    let value = raw;
    if (raw.startsWith('"'))
      try {
        value = JSON.parse(raw) as string;
      } catch {
        value = raw.slice(1, -1);
      }
    out[m[1]!] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

function parseJsonLine(text: string, line: number): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'malformed' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { kind: 'malformed' };
  const o = value as Record<string, unknown>;
  const msg = typeof o.msg === 'string' ? o.msg : typeof o.message === 'string' ? o.message : undefined;
  if (msg === undefined) return { kind: 'malformed' };
  const ts = typeof o.ts === 'number' ? o.ts : typeof o.ts === 'string' ? Date.parse(o.ts) : Number.NaN;
  if (!Number.isFinite(ts)) return { kind: 'malformed' };
  // component-base writes epoch milliseconds; older zap configs wrote seconds.
  const timeMs = ts < 1e11 ? ts * 1000 : ts;
  const err = typeof o.err === 'string' ? o.err : undefined;
  const fields = jsonFields(o);
  const levelText = typeof o.level === 'string' ? o.level.toLowerCase() : undefined;
  const level: LogLevel =
    levelText === 'error' || (levelText === undefined && (err !== undefined || o.v === undefined))
      ? 'E'
      : levelText === 'warn' || levelText === 'warning'
        ? 'W'
        : levelText === 'fatal'
          ? 'F'
          : 'I';
  return {
    kind: 'record',
    record: {
      line,
      level,
      timeMs,
      ...(typeof o.caller === 'string' ? { source: o.caller } : {}),
      message: err !== undefined ? `${msg}: ${err}` : msg,
      ...(fields ? { fields } : {}),
    },
  };
}

/** `"msg" k="v"` (structured klog) -> `msg k="v"`; other messages unchanged. */
function unquoteStructured(message: string): string {
  if (!message.startsWith('"')) return message;
  const end = /^"(?:[^"\\]|\\.)*"/.exec(message);
  if (!end) return message;
  try {
    return `${JSON.parse(end[0]) as string}${message.slice(end[0].length)}`;
  } catch {
    return message;
  }
}
