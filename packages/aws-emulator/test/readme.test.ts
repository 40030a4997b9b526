import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { services } from '../src/services/index.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists every emulated operation of every registered service', () => {
    const listed = README.slice(README.indexOf('## Services and operations emulated'));
    const missing = services.flatMap((m) =>
      Object.keys(m.operations)
        .filter((op) => !new RegExp(`\\b${op}\\b`).test(listed))
        .map((op) => `${m.signingName}:${op}`),
    );
    expect(missing).toEqual([]);
  });
});
