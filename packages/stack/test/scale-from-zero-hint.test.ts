/** The scale-from-zero hint in stack terms: add autoscaler.nodeTemplates.<group>, or apply when only tags drifted. */
import { finding } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { inStackTerms } from '../src/index.js';

describe('scale-from-zero hint when the stack already has the node template', () => {
  const f = finding(
    'autoscaler.scale-from-zero',
    'autoscaling group seed-workers-b',
    'warn',
    'min size 0 without node-template tags',
    {
      hint: 'add nodeTemplates for this group to ensureAutoDiscoveryTags (labels, taints with :effect, resources)',
    },
  );

  it('asks to add autoscaler.nodeTemplates.<group> when the stack does not have it', () => {
    expect(inStackTerms([f], { autoscaler: { nodeTemplates: {} } })[0]?.hint).toContain(
      'add autoscaler.nodeTemplates.seed-workers-b',
    );
  });

  it('says eks-kit apply when the stack has it and only the tags drifted', () => {
    const hint = inStackTerms([f], {
      autoscaler: { nodeTemplates: { 'seed-workers-b': { labels: { a: 'b' } } } },
    })[0]?.hint;
    expect(hint).toContain('run eks-kit apply');
    expect(hint).not.toContain('add autoscaler.nodeTemplates');
  });
});
