/**
 * Issue 15, "the reader never falls over": a line the reader cannot handle (deeply nested JSON, a
 * line longer than MAX_LOG_LINE_CHARS, as a string or as a stream with no newline) is skipped and
 * counted; reading never throws.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createAutoscalerLogReader, MAX_LOG_LINE_CHARS, readAutoscalerLog } from '../src/index.js';

const KLOG = 'I1126 07:00:00.000000       1 scale_up.go:1] Scale-up: setting group ng size to 5';
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** A stream of `chunks` (Buffers), as a pipe delivers them. */
function streamOf(chunks: Array<string | Buffer>): Readable {
  return Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
}

const lineCases: Array<{ name: string; line: string }> = [
  {
    name: 'JSON nested 100,000 deep in a field',
    line: `{"ts":1764140462123,"msg":"x","v":0,"deep":${nested(100_000)}}`,
  },
  {
    name: 'JSON nested 100,000 deep in the object reference',
    line: `{"ts":1764140462123,"msg":"x","v":0,"object":{"name":${nested(100_000)}}}`,
  },
  {
    name: 'JSON with __proto__ and constructor keys',
    line: '{"ts":1764140462123,"msg":"x","v":0,"__proto__":{"polluted":1},"constructor":{"name":"y"}}',
  },
  { name: 'JSON that is a list', line: nested(50_000) },
  {
    name: 'klog with a structured message of unbalanced quotes',
    line: `I1126 07:00:00.000000       1 x.go:1] "${'\\"'.repeat(10_000)} k="v`,
  },
  { name: 'a line one character over the limit', line: 'x'.repeat(MAX_LOG_LINE_CHARS + 1) },
  { name: 'NUL and control characters', line: '\u0000\u0001\u001b[31m{"ts":' },
];

describe('log lines the reader cannot use are skipped and counted, never thrown', () => {
  for (const c of lineCases) {
    it(`skips ${c.name}`, async () => {
      const report = await readAutoscalerLog([c.line, KLOG].join('\n'));
      expect(report.stats.lines).toBe(2);
      expect(report.stats.parsed + report.stats.malformed).toBe(2);
      expect(report.events.some((e) => e.type === 'size-set')).toBe(true);
    });
  }

  it('counts a line over the limit as oversized (and malformed)', async () => {
    const report = await readAutoscalerLog(['x'.repeat(MAX_LOG_LINE_CHARS + 1), KLOG].join('\n'));
    expect(report.stats).toMatchObject({
      lines: 2,
      parsed: 1,
      malformed: 1,
      oversized: 1,
      malformedLines: [1],
    });
  });

  it('a deeply nested JSON line is malformed, not a RangeError', () => {
    const reader = createAutoscalerLogReader();
    expect(() => reader.push(`{"ts":1764140462123,"msg":"x","v":0,"deep":${nested(200_000)}}`)).not.toThrow();
    expect(reader.report().stats).toMatchObject({ lines: 1, malformed: 1, malformedLines: [1] });
  });
});

describe('a stream never buffers more than one bounded line', () => {
  it('a 5 MiB line without a newline, in 64 KiB chunks, then a good line', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const chunks: Array<string | Buffer> = Array.from({ length: 80 }, () => chunk);
    chunks.push(`\n${KLOG}\n`);
    const report = await readAutoscalerLog(streamOf(chunks));
    expect(report.stats).toMatchObject({ lines: 2, parsed: 1, malformed: 1, oversized: 1 });
  });

  it('a stream that ends inside an oversized line counts it', async () => {
    const report = await readAutoscalerLog(streamOf([`${KLOG}\n`, 'b'.repeat(MAX_LOG_LINE_CHARS + 10)]));
    expect(report.stats).toMatchObject({ lines: 2, parsed: 1, oversized: 1 });
  });

  it('a line exactly at the limit is read (the bound is not off by one)', async () => {
    const padded = KLOG + ' '.repeat(MAX_LOG_LINE_CHARS - KLOG.length);
    const report = await readAutoscalerLog(streamOf([padded.slice(0, 1000), padded.slice(1000), '\n']));
    expect(report.stats).toMatchObject({ lines: 1, parsed: 1, oversized: 0 });
  });

  it('a multi-byte character split across chunks is decoded once, and CRLF ends a line', async () => {
    const line = `${KLOG} é`;
    const bytes = Buffer.from(`${line}\r\n${KLOG}\r\n`);
    const cut = Buffer.from(line).length - 1; // inside the two bytes of é
    const report = await readAutoscalerLog(streamOf([bytes.subarray(0, cut), bytes.subarray(cut)]));
    expect(report.stats).toMatchObject({ lines: 2, parsed: 2, malformed: 0 });
  });
});
