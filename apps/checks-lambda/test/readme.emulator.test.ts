/**
 * The README's runnable example (organisation targets against the emulator) runs as written, from a test
 * file of this package as the README says, and prints what its comments say. Found trying eks-kit as a new
 * user: it imported `@eks-kit/checks-lambda`, which exports nothing (an app: only `./package.json`).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, expect, it, vi } from 'vitest';

/** The ```ts block that follows "Runnable locally against the emulator" in the README. */
function readmeExample(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split('Runnable locally against the emulator')[1] ?? '';
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md has no ```ts block after "Runnable locally against the emulator"');
  return block[1] as string;
}

const file = new URL(`./readme-example-${process.pid}.ts`, import.meta.url);
afterEach(() => {
  rmSync(file, { force: true });
  vi.restoreAllMocks();
});

it('the README organisation example runs as written and prints what its comments say', async () => {
  writeFileSync(file, readmeExample());
  const printed: unknown[][] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args);
  });
  await import(/* @vite-ignore */ file.href);
  expect(printed).toEqual([[{ checked: 2, skipped: 1, unreachable: 0 }], [true, 1]]);
});
