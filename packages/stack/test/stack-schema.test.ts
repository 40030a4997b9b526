import { describe, expect, it } from 'vitest';
import { parseStack, stackSchema } from '../src/index.js';

describe('stackSchema (built on first use, not at import)', () => {
  it('returns the same schema object on every call', () => {
    expect(stackSchema()).toBe(stackSchema());
  });

  it('applies the defaults the stack file documents', () => {
    const parsed = stackSchema().parse({
      name: 'demo',
      cluster: { name: 'demo', region: 'eu-west-1', kubernetesVersion: '1.35' },
    });
    expect(parsed.certificates).toEqual([]);
    expect(parsed.repositories).toEqual([]);
    expect(parsed.checks).toEqual({ warnDays: 45, failDays: 30 }); // issue 17: ACM renewal window
  });

  it('is the schema parseStack checks against (unknown keys refused with the nearest key)', () => {
    const text =
      'name: demo\ncluster:\n  name: demo\n  region: eu-west-1\n  kubernetesVersion: "1.35"\n  regoin: x\n';
    expect(() => parseStack(text, 'eks-kit.yaml')).toThrow(/regoin.*did you mean "region"/);
  });
});
