import { describe, expect, it } from 'vitest';
import { pathProblem } from '../src/index.js';

describe('pathProblem (one wording for an unreadable path)', () => {
  it('names what a path can be wrong with, and nothing else', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(pathProblem(err('ENOENT'))).toBe('no such file');
    expect(pathProblem(err('EISDIR'))).toBe('a folder, not a file');
    expect(pathProblem(err('ELOOP'))).toBe('a loop of symbolic links');
    expect(pathProblem(err('EIO'))).toBeUndefined();
    expect(pathProblem(err('toString'))).toBeUndefined();
    expect(pathProblem(undefined)).toBeUndefined();
  });
});
