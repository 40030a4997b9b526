import { readFileSync } from 'node:fs';
import { EXIT_CODES, InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { parseStack, parseStackJson, readStackYaml, stackDigest, validateStackData } from '../src/index.js';

const seedText = readFileSync(new URL('../../../examples/seed/eks-kit.yaml', import.meta.url), 'utf8');
const crossText = readFileSync(
  new URL('../../../examples/cross-account/eks-kit.yaml', import.meta.url),
  'utf8',
);

function errorOf(run: () => unknown): InvalidInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    const e = error as InvalidInputError;
    expect(e.message).not.toContain('\n');
    expect(e.exitCode).toBe(EXIT_CODES.invalidInput);
    return e;
  }
  throw new Error('expected an InvalidInputError');
}

/** The seed stack as the deploy template stores it, edited as a person would edit the SSM parameter. */
interface Editable {
  cluster: Record<string, unknown>;
  certificates: Record<string, unknown>[];
  checks: Record<string, unknown>;
}
function seedJsonWith(edit: (data: Editable) => void): string {
  const data = JSON.parse(JSON.stringify(parseStack(seedText)));
  edit(data);
  return JSON.stringify(data);
}

describe('parseStackJson: the stack as the deploy step stores it', () => {
  it('reads JSON.stringify of a parsed stack back unchanged (seed and cross-account examples)', () => {
    for (const text of [seedText, crossText]) {
      const stack = parseStack(text);
      expect(parseStackJson(JSON.stringify(stack), 'EKS_KIT_STACK')).toEqual(stack);
      // Pretty-printed JSON too (a person may reformat the parameter).
      expect(parseStackJson(JSON.stringify(stack, null, 2), 'EKS_KIT_STACK')).toEqual(stack);
    }
  });

  it('gives the same stack as the YAML loader for a JSON file (JSON is YAML)', () => {
    const json = seedJsonWith(() => undefined);
    expect(parseStackJson(json)).toEqual(parseStack(json));
  });

  it('names the field and the source of a hand-edited bad value, as the YAML loader words it', () => {
    const json = seedJsonWith((d) => {
      d.cluster.region = 'mars-1';
    });
    const e = errorOf(() => parseStackJson(json, 'ssm:/eks-kit/seed/stack'));
    expect(e.field).toBe('cluster.region');
    expect(e.message).toMatch(/^ssm:\/eks-kit\/seed\/stack: cluster\.region: expected /);
    // Same wording as the YAML loader, which adds the line.
    const fromYaml = errorOf(() => parseStack(json, 'ssm:/eks-kit/seed/stack'));
    expect(fromYaml.message.replace(/^ssm:\/eks-kit\/seed\/stack:1: /, '')).toBe(
      e.message.replace(/^ssm:\/eks-kit\/seed\/stack: /, ''),
    );
  });

  it('names an unknown key with the nearest known one, and a semantic error with its path', () => {
    const misspelt = seedJsonWith((d) => {
      const cert = d.certificates[0]!;
      cert.domain = cert.domainName;
    });
    const e1 = errorOf(() => parseStackJson(misspelt, 'EKS_KIT_STACK'));
    expect(e1.field).toBe('certificates[0].domain');
    expect(e1.message).toContain('did you mean "domainName"?');
    const warnBelowFail = seedJsonWith((d) => {
      d.checks.warnDays = 1;
      d.checks.failDays = 5;
    });
    const e2 = errorOf(() => parseStackJson(warnBelowFail, 'EKS_KIT_STACK'));
    expect(e2.message).toMatch(/^EKS_KIT_STACK: checks\.warnDays: expected more days than checks\.failDays/);
  });

  it('refuses a __proto__ key (JSON.parse makes it an own key) naming it', () => {
    const json = seedJsonWith(() => undefined).replace('"cluster":{', '"cluster":{"__proto__":{"x":"y"},');
    expect(json).toContain('__proto__');
    const e = errorOf(() => parseStackJson(json, 'EKS_KIT_STACK'));
    expect(e.field).toBe('cluster.__proto__');
    expect(e.message).toMatch(/^EKS_KIT_STACK: cluster\.__proto__: expected a key other than __proto__/);
  });

  it('names the line of a JSON syntax error', () => {
    const e = errorOf(() => parseStackJson('{\n  "name": "seed",\n  "cluster": {,\n}', 'EKS_KIT_STACK'));
    expect(e.field).toBe('stack');
    expect(e.message).toMatch(/^EKS_KIT_STACK:3: stack: expected valid JSON/);
  });
});

describe('readStackYaml + validateStackData: parseStack in two parts', () => {
  it('gives parseStack result and its file:line errors', () => {
    const { data, ...where } = readStackYaml(seedText, 'eks-kit.yaml');
    expect(validateStackData(data, where)).toEqual(parseStack(seedText));
    const bad = seedText.replace('region: ap-northeast-1', 'region: mars-1');
    const parts = readStackYaml(bad, 'eks-kit.yaml');
    const e = errorOf(() => validateStackData(parts.data, parts));
    expect(e.message).toBe(errorOf(() => parseStack(bad, 'eks-kit.yaml')).message);
    expect(e.message).toMatch(/^eks-kit\.yaml:\d+: cluster\.region: /);
  });
});

describe('stackDigest: what the deploy step validated', () => {
  it('is stable for the same text and changes with any edit', () => {
    const json = seedJsonWith(() => undefined);
    expect(stackDigest(json)).toMatch(/^[0-9a-f]{64}$/);
    expect(stackDigest(json)).toBe(stackDigest(`${json}`));
    const edited = seedJsonWith((d) => {
      d.cluster.region = 'eu-west-1';
    });
    expect(stackDigest(edited)).not.toBe(stackDigest(json));
    expect(stackDigest(JSON.stringify(JSON.parse(json), null, 2))).not.toBe(stackDigest(json));
  });
});
