/**
 * The CLI bundle leaves out the SDK clients no command calls (build/clients-left-out.ts): the
 * Organizations and S3 clients of core's service table are stubs that say why, not chunks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLIENTS_LEFT_OUT } from '../build/clients-left-out.js';
import { CLI } from './helpers.js';

const dist = join(CLI, '..');
const files = readdirSync(dist).filter((f) => f.endsWith('.js'));
const text = (f: string) => readFileSync(join(dist, f), 'utf8');

describe('the CLI bundle', () => {
  it('carries no Organizations or S3 client code (strings only their SDK clients hold)', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const marker of ['AWSOrganizationsV20161128', 'x-amz-expected-bucket-owner']) {
      expect(
        files.filter((f) => text(f).includes(marker)),
        marker,
      ).toEqual([]);
    }
    // The Step Functions client it does call (check --checker) is still there.
    expect(files.some((f) => text(f).includes('AWSStepFunctions'))).toBe(true);
  });

  it('loads a stub for each left-out client that names why it is missing', async () => {
    for (const [pkg, { clientClass }] of Object.entries(CLIENTS_LEFT_OUT)) {
      const stub = files.find((f) => f.startsWith(`${clientClass}-`));
      expect(stub, clientClass).toBeDefined();
      const mod = (await import(pathToFileURL(join(dist, stub as string)).href)) as Record<
        string,
        new () => unknown
      >;
      const Client = mod[clientClass] as new () => unknown;
      expect(() => new Client()).toThrow(`${pkg} is not in the eks-kit CLI bundle`);
    }
  });
});
