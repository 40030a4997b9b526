/** Read a Cluster Autoscaler log (text, lines or a stream) into events, a summary and diagnoses. */

import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { InvalidInputError } from '@eks-kit/core';
import { createDiagnoser, type Diagnosis } from './diagnose.js';
import { type AutoscalerEvent, interpretRecord } from './events.js';
import { parseLogLine } from './parse-line.js';
import {
  type CompletedSummary,
  createSummarizer,
  type ScaleDownSummary,
  type ScaleUpSummary,
} from './summarize.js';

/** What {@link readAutoscalerLog} found. */
export interface AutoscalerLogReport {
  events: AutoscalerEvent[];
  summary: {
    scaleUps: ScaleUpSummary[];
    scaleDowns: ScaleDownSummary[];
    terminatedInstances: Array<{ instanceId: string; group?: string; line: number }>;
    unschedulablePods: string[];
  };
  diagnoses: Diagnosis[];
  stats: {
    /** Lines read, blank ones included. */
    lines: number;
    /** Lines in klog or JSON format. */
    parsed: number;
    /**
     * Lines skipped, never fatal: in neither format, longer than {@link MAX_LOG_LINE_CHARS}, or
     * that could not be read (JSON nested too deeply to handle).
     */
    malformed: number;
    /** Of the skipped lines, those longer than {@link MAX_LOG_LINE_CHARS} (their text is never kept). */
    oversized: number;
    /** Line numbers of the first malformed lines (at most 20). */
    malformedLines: number[];
    format: 'klog' | 'json' | 'mixed' | 'empty';
  };
}

const HALF_YEAR_MS = 183 * 24 * 3600 * 1000;

/**
 * Longest log line read, in characters (UTF-16 units); a longer one is skipped and counted in
 * `stats.oversized`, and a stream never buffers more than this much of one line. Real autoscaler lines
 * are at most a few kilobytes (a scale-up plan naming many pods); this bounds memory and keeps a line
 * far below Node's string limit.
 */
export const MAX_LOG_LINE_CHARS = 1 << 20;

/** Options of {@link readAutoscalerLog}. */
export interface ReadLogOptions {
  /**
   * Year of the first klog timestamp, which carry none (default 2000, a leap year); a later line
   * whose date falls more than half a year before the previous one moves to the next year (a log
   * across New Year). JSON lines carry their own time.
   */
  year?: number;
  /** Called with each event as its line is read (a live stream: `kubectl logs -f`). */
  onEvent?: (event: AutoscalerEvent) => void;
  /** Called when a diagnosis first shows (its first evidence line); later lines only raise its count. */
  onDiagnosis?: (diagnosis: Diagnosis) => void;
  /** Called when a scale-up finishes or a node is removed (the summary its evidence completes). */
  onSummary?: (completed: CompletedSummary) => void;
}

/** Anything {@link readAutoscalerLog} can read. */
export type AutoscalerLogInput = string | AsyncIterable<string> | Iterable<string> | Readable;

/**
 * Incremental reader: push lines, then take the report. Used by {@link readAutoscalerLog}.
 *
 * @example
 * ```ts
 * const reader = createAutoscalerLogReader();
 * reader.push('I1126 07:00:00.000000       1 x.go:1] Scale-up: setting group ng size to 5');
 * reader.report().events[0]?.type; // 'size-set'
 * ```
 */
export function createAutoscalerLogReader(options: ReadLogOptions = {}): {
  push(line: string): void;
  /** Count one line that was longer than {@link MAX_LOG_LINE_CHARS} without its text. */
  skipOversized(): void;
  report(): AutoscalerLogReport;
} {
  const year = options.year ?? 2000;
  if (!Number.isInteger(year) || year < 1970 || year > 9999)
    throw new InvalidInputError('year', options.year, 'a four-digit year');
  const events: AutoscalerEvent[] = [];
  const diagnoser = createDiagnoser();
  const summarizer = createSummarizer();
  let klogYear = year;
  let lastKlogMs: number | undefined;
  let lines = 0;
  let parsed = 0;
  let malformed = 0;
  let oversized = 0;
  let klog = 0;
  let json = 0;
  const malformedLines: number[] = [];
  return {
    push(text: string) {
      lines++;
      const skip = (): void => {
        malformed++;
        if (malformedLines.length < 20) malformedLines.push(lines);
      };
      if (typeof text !== 'string' || text.length > MAX_LOG_LINE_CHARS) {
        if (typeof text === 'string') oversized++;
        skip();
        return;
      }

      let event: AutoscalerEvent | undefined;
      let isJson = false;
      try {
        let result = parseLogLine(text, lines, klogYear);
        isJson = text.trimStart().startsWith('{');
        if (result.kind === 'record' && !isJson) {
          // klog has no year: Dec 31 -> Jan 1 shows as a jump back of almost a year.
          if (lastKlogMs !== undefined && result.record.timeMs < lastKlogMs - HALF_YEAR_MS)
            result = parseLogLine(text, lines, ++klogYear);
          if (result.kind === 'record') lastKlogMs = result.record.timeMs;
        }
        if (result.kind === 'blank') return;
        if (result.kind === 'malformed') {
          skip();
          return;
        }
        event = interpretRecord(result.record);
      } catch {
        // A line that cannot be read (e.g. JSON nested so deeply that turning a field back into
        // text overflows the stack) is skipped like any malformed line, never fatal.
        skip();
        return;
      }
      parsed++;
      if (isJson) json++;
      else klog++;
      if (event) {
        events.push(event);
        options.onEvent?.(event);
        const completed = summarizer.add(event);
        if (completed) options.onSummary?.(completed);
        const first = diagnoser.add(event);
        if (first) options.onDiagnosis?.({ ...first });
      }
    },
    skipOversized() {
      lines++;
      oversized++;
      malformed++;
      if (malformedLines.length < 20) malformedLines.push(lines);
    },
    report() {
      return {
        events: [...events],
        summary: summarizer.summary(),
        diagnoses: diagnoser.list().map((d) => ({ ...d })),
        stats: {
          lines,
          parsed,
          malformed,
          oversized,
          malformedLines: [...malformedLines],
          format: klog && json ? 'mixed' : klog ? 'klog' : json ? 'json' : 'empty',
        },
      };
    },
  };
}

/**
 * Read a Cluster Autoscaler log in klog text or `--logging-format=json`: events (unschedulable pod,
 * scale-up plan, size set, scale-up finished, node unneeded, scale-down, instance terminated, pod
 * didn't trigger scale-up, errors), a summary of scale-ups and scale-downs, and diagnoses with a fix.
 * A string is split into lines; an iterable of strings yields lines (as `readline` does); a Readable
 * is read as a byte stream. Malformed lines are skipped and counted, never fatal.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * const report = await readAutoscalerLog(createReadStream('ca.log'), { year: 2026 });
 * for (const s of report.summary.scaleUps) console.log(`${s.group} ${s.from}->${s.to} in ${s.secondsToFinish}s`);
 * for (const d of report.diagnoses) console.log(`${d.message}: ${d.fix}`);
 * ```
 */
export async function readAutoscalerLog(
  input: AutoscalerLogInput,
  options: ReadLogOptions = {},
): Promise<AutoscalerLogReport> {
  const reader = createAutoscalerLogReader(options);
  const pushChunk = (item: string): void => {
    for (const line of item.split('\n')) reader.push(line);
  };
  if (typeof input === 'string') {
    const lines = input.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) reader.push(line);
  } else if (input instanceof Readable) {
    for await (const line of boundedLines(input))
      if (line === OVERSIZED_LINE) reader.skipOversized();
      else reader.push(line);
  } else if (input && typeof (input as AsyncIterable<string>)[Symbol.asyncIterator] === 'function') {
    for await (const item of input as AsyncIterable<string>) pushChunk(String(item));
  } else if (input && typeof (input as Iterable<string>)[Symbol.iterator] === 'function') {
    for (const item of input as Iterable<string>) pushChunk(String(item));
  } else {
    throw new InvalidInputError('input', input, 'log text, an iterable of lines or a Readable stream');
  }
  return reader.report();
}

/**
 * The lines of a byte stream (split on `\n`; a trailing `\r` is removed by the line parser), with
 * each line's buffered text bounded: a line longer than {@link MAX_LOG_LINE_CHARS} is yielded as a
 * marker (which the reader counts as oversized) and its text is dropped as it arrives, so a
 * stream with no newline at all never grows memory past the bound (readline would, up to Node's
 * string limit and a RangeError).
 */
async function* boundedLines(input: Readable): AsyncGenerator<string | typeof OVERSIZED_LINE> {
  const decoder = new StringDecoder('utf8');
  let current = '';
  let overflow = false;
  const take = function* (text: string): Generator<string | typeof OVERSIZED_LINE> {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      if (overflow || current.length + piece.length > MAX_LOG_LINE_CHARS) yield OVERSIZED_LINE;
      else yield current + piece;
      current = '';
      overflow = false;
      start = nl + 1;
    }
    const rest = text.slice(start);
    if (overflow || current.length + rest.length > MAX_LOG_LINE_CHARS) {
      overflow = true;
      current = '';
    } else current += rest;
  };
  for await (const chunk of input) {
    yield* take(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
  }
  yield* take(decoder.end());
  if (overflow) yield OVERSIZED_LINE;
  else if (current !== '') yield current;
}

const OVERSIZED_LINE: unique symbol = Symbol('oversized line');
