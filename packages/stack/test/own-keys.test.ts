import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { parseStack } from '../src/index.js';

const base = `name: demo
cluster:
  name: demo
  region: eu-west-1
  kubernetesVersion: "1.35"
`;
const autoscaler = `autoscaler:
  workerGroups:
    names: [demo-workers]
`;

/** Every map of the stack file, with `__proto__` as a key: refused with the field and its line. */
const cases: [string, string, string, number][] = [
  ['tags', `${base}tags:\n  team: a\n  __proto__: x\n`, 'tags.__proto__', 8],
  ['a top-level key', `${base}__proto__: {}\n`, '__proto__', 6],
  ['cluster', `name: demo\ncluster:\n  __proto__: x\n  name: demo\n`, 'cluster.__proto__', 3],
  [
    'nodeTemplates',
    `${base}${autoscaler}  nodeTemplates:\n    __proto__: {}\n`,
    'autoscaler.nodeTemplates.__proto__',
    10,
  ],
  [
    'node template labels',
    `${base}${autoscaler}  nodeTemplates:\n    demo-workers:\n      labels:\n        __proto__: gpu\n`,
    'autoscaler.nodeTemplates.demo-workers.labels.__proto__',
    12,
  ],
  [
    'node template taints',
    `${base}${autoscaler}  nodeTemplates:\n    demo-workers:\n      taints:\n        __proto__: a:NoSchedule\n`,
    'autoscaler.nodeTemplates.demo-workers.taints.__proto__',
    12,
  ],
  [
    'node template resources',
    `${base}${autoscaler}  nodeTemplates:\n    demo-workers:\n      resources:\n        __proto__: 1\n`,
    'autoscaler.nodeTemplates.demo-workers.resources.__proto__',
    12,
  ],
  [
    'extraArgs',
    `${base}${autoscaler}  extraArgs:\n    __proto__: 5m\n`,
    'autoscaler.extraArgs.__proto__',
    10,
  ],
  [
    'uncheckedExtraArgs',
    `${base}${autoscaler}  uncheckedExtraArgs:\n    __proto__: 5m\n`,
    'autoscaler.uncheckedExtraArgs.__proto__',
    10,
  ],
  [
    'certificate zones',
    `${base}certificates:\n  - domainName: a.example.com\n    zones:\n      __proto__: Z0123456789ABC\n`,
    'certificates[0].zones.__proto__',
    9,
  ],
  ['a quoted key', `${base}tags:\n  "__proto__": x\n`, 'tags.__proto__', 7],
];

describe('parseStack: a __proto__ key is refused with file:line, never dropped', () => {
  it.each(cases)('%s', (_, text, field, line) => {
    let caught: unknown;
    try {
      parseStack(text, 'eks-kit.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    const e = caught as InvalidInputError;
    expect(e.field).toBe(field);
    expect(e.message.startsWith(`eks-kit.yaml:${line}: ${field}: `)).toBe(true);
    expect(e.message).not.toContain('\n');
  });

  it('look-alike keys are ordinary keys', () => {
    expect(parseStack(`${base}tags:\n  proto: x\n  constructor: y\n`).tags).toEqual({
      proto: 'x',
      constructor: 'y',
    });
  });
});
