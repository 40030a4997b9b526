/**
 * Fuzz and property tests of the docker config helpers (ecr-credentials' dockerConfig,
 * mergeDockerConfig, dockerConfigWarnings, readDockerConfig), issue 15. Fixed seed, bounded runs:
 * EKS_KIT_FUZZ_RUNS overrides the number of runs per property (default 200) and EKS_KIT_FUZZ_SEED
 * the seed, for a longer run by script.
 *
 * Properties:
 * 1. merge keeps every unrelated key of the existing config, the patch wins, nothing is modified,
 *    the result's prototype is Object.prototype, and merging the result again changes nothing;
 * 2. a `__proto__` key anywhere in either argument is refused with InvalidInputError naming it, and
 *    nothing is polluted;
 * 3. dockerConfig on arbitrary hosts and helper names answers bare-host keys or InvalidInputError;
 * 4. dockerConfigWarnings never throws and only names keys; readDockerConfig on arbitrary file
 *    content returns an object or an EksKitError, and never echoes the content.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EksKitError, InvalidInputError } from '@eks-kit/core';
import {
  type DockerConfig,
  dockerConfig,
  dockerConfigWarnings,
  mergeDockerConfig,
  readDockerConfig,
} from '@eks-kit/ecr-credentials';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeWorkDir } from './support/run-cli.js';

function positiveEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} must be a positive whole number, got ${raw}`);
  return value;
}

/** Runs per property (EKS_KIT_FUZZ_RUNS) and the fixed seed (EKS_KIT_FUZZ_SEED). */
const RUNS = positiveEnv('EKS_KIT_FUZZ_RUNS', 200);
const SEED = positiveEnv('EKS_KIT_FUZZ_SEED', 15_015);
const PARAMS = { numRuns: RUNS, seed: SEED };
const TIMEOUT = Math.max(30_000, RUNS * 100);

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const key = fc.oneof(
  fc.constantFrom(
    'auths',
    'credHelpers',
    'credsStore',
    'proxies',
    'HttpHeaders',
    'currentContext',
    'plugins',
  ),
  fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== '__proto__'),
);
/** JSON without __proto__ keys (fc.jsonValue can produce them; property 2 adds them on purpose). */
const value = fc.jsonValue({ maxDepth: 3 }).filter((v) => !JSON.stringify(v).includes('"__proto__"'));
const config = fc.dictionary(key, fc.oneof(value, fc.dictionary(key, value, { maxKeys: 4 })), { maxKeys: 6 });

const MARK = 'ZZprotoMarkZZ';

/**
 * Put `__proto__` as a key in a random nested map of a config (an own key once parsed, as
 * JSON.parse makes it); `field` is the path mergeDockerConfig must name, after `existing`/`patch`.
 */
function withProtoKey(base: Json, path: readonly number[]): { text: string; field: string } {
  const root = structuredClone({ ...base }) as Json;
  let target = root;
  let field = '';
  for (const step of path) {
    const maps = Object.keys(target).filter((k) => isMap(target[k]));
    if (maps.length === 0) break;
    const k = maps[step % maps.length] as string;
    field += `.${k}`;
    target = target[k] as Json;
  }
  target[MARK] = { injected: true };
  return { text: JSON.stringify(root).replace(`"${MARK}"`, '"__proto__"'), field: `${field}.__proto__` };
}

describe('fuzz: docker config helpers', () => {
  it(
    'merge keeps unrelated keys, the patch wins, inputs unchanged, prototype intact, idempotent',
    () => {
      const patch = fc.record(
        {
          credHelpers: fc.dictionary(
            fc.stringMatching(/^[a-z0-9.-]{1,20}$/),
            fc.constantFrom('ecr-login', 'gcloud'),
            {
              maxKeys: 3,
            },
          ),
          credsStore: fc.constantFrom('desktop', 'ecr-login'),
          auths: fc.dictionary(
            fc.stringMatching(/^[a-z0-9.-]{1,20}$/),
            fc.record({ auth: fc.base64String() }),
            {
              maxKeys: 2,
            },
          ),
        },
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(config, patch, (existing, p) => {
          const before = JSON.stringify([existing, p]);
          const merged = mergeDockerConfig(existing, p as DockerConfig);
          expect(JSON.stringify([existing, p])).toBe(before);
          expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
          for (const [k, v] of Object.entries(existing)) {
            if (!Object.hasOwn(p, k)) expect(merged[k]).toEqual(v);
            else if (isMap(v) && isMap(p[k as keyof typeof p]))
              for (const [entry, old] of Object.entries(v))
                if (!Object.hasOwn(p[k as keyof typeof p] as Json, entry))
                  expect((merged[k] as Json)[entry]).toEqual(old);
          }
          for (const [k, v] of Object.entries(p)) {
            if (isMap(v))
              for (const [entry, wanted] of Object.entries(v))
                expect((merged[k] as Json)[entry]).toEqual(wanted);
            else expect(merged[k]).toEqual(v);
          }
          expect(mergeDockerConfig(merged, p as DockerConfig)).toEqual(merged);
          expect(({} as Json).credsStore).toBeUndefined();
        }),
        PARAMS,
      );
    },
    TIMEOUT,
  );

  it(
    'a __proto__ key anywhere in either argument is refused naming it, nothing polluted',
    () => {
      fc.assert(
        fc.property(
          config,
          fc.array(fc.nat(), { minLength: 0, maxLength: 4 }),
          fc.constantFrom('existing', 'patch'),
          (base, path, side) => {
            const { text, field } = withProtoKey(base, path);
            const hostile = JSON.parse(text) as Json;
            let caught: unknown;
            try {
              if (side === 'existing') mergeDockerConfig(hostile, { credsStore: 'desktop' });
              else mergeDockerConfig({ credsStore: 'desktop' }, hostile as DockerConfig);
            } catch (error) {
              caught = error;
            }
            expect(caught).toBeInstanceOf(InvalidInputError);
            expect((caught as InvalidInputError).field).toBe(`${side}${field}`);
            expect((caught as Error).message).not.toContain('\n');
            expect(({} as Json).injected).toBeUndefined();
          },
        ),
        PARAMS,
      );
    },
    TIMEOUT,
  );

  it(
    'dockerConfig: bare-host keys or InvalidInputError, on arbitrary hosts and helper names',
    () => {
      const host = fc.oneof(
        fc.string({ maxLength: 40 }),
        fc
          .tuple(
            fc.constantFrom('', 'https://', 'http://'),
            fc.stringMatching(/^\d{12}$/),
            fc.constantFrom('eu-west-1', 'us-east-1', 'cn-north-1'),
            fc.constantFrom('', '/', '/v2/', ':443'),
          )
          .map(
            ([scheme, account, region, tail]) =>
              `${scheme}${account}.dkr.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}${tail}`,
          ),
      );
      fc.assert(
        fc.property(
          fc.array(host, { maxLength: 3 }),
          fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
          (hosts, helpers) => {
            for (const input of [
              { credHelpers: hosts },
              { credHelpers: helpers },
              { auths: Object.fromEntries(hosts.map((h) => [h, { auth: 'eA==' }])) },
            ]) {
              try {
                const out = dockerConfig(input);
                expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
                for (const k of Object.keys(out.credHelpers ?? {})) {
                  expect(k).not.toMatch(/^[a-z]+:\/\//i);
                  expect(k).toBe(k.trim());
                }
              } catch (error) {
                expect(error).toBeInstanceOf(InvalidInputError);
                expect((error as Error).message).not.toContain('\n');
              }
            }
          },
        ),
        PARAMS,
      );
    },
    TIMEOUT,
  );

  it(
    'dockerConfigWarnings never throws and never prints a credential',
    () => {
      fc.assert(
        fc.property(fc.oneof(config, fc.jsonValue()), fc.stringMatching(/^[A-Za-z0-9]{16}$/), (c, secret) => {
          const withSecret = isMap(c)
            ? { ...c, auths: { ...(isMap(c.auths) ? c.auths : {}), 'x.example': { auth: secret } } }
            : c;
          const warnings = dockerConfigWarnings(withSecret);
          for (const w of warnings) expect(`${w.key} ${w.message}`).not.toContain(secret);
        }),
        PARAMS,
      );
    },
    TIMEOUT,
  );

  it(
    'readDockerConfig: an object or an EksKitError on arbitrary file content, never the content echoed',
    async () => {
      const dir = makeWorkDir();
      const path = join(dir, 'config.json');
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ maxLength: 200 }),
            fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
          ),
          fc.stringMatching(/^[A-Za-z0-9]{16}$/),
          async (content, secret) => {
            writeFileSync(path, `${content}${content.trim().startsWith('{') ? '' : secret}`);
            try {
              const read = await readDockerConfig(path);
              expect(isMap(read)).toBe(true);
            } catch (error) {
              expect(error).toBeInstanceOf(EksKitError);
              expect((error as Error).message).not.toContain(secret);
            }
          },
        ),
        { ...PARAMS, numRuns: Math.max(1, Math.floor(RUNS / 4)) },
      );
    },
    TIMEOUT,
  );
});
