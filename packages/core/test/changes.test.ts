import { describe, expect, it } from 'vitest';
import {
  type Change,
  changesToJson,
  countChanges,
  finding,
  renderChanges,
  summarizeFindings,
  worstStatus,
} from '../src/index.js';

const changes: Change[] = [
  { action: 'create', resource: 'iam role cluster-autoscaler', summary: 'create role with IRSA trust' },
  {
    action: 'create',
    resource: 'iam role cluster-autoscaler',
    summary: 'put inline policy cluster-autoscaler',
  },
  {
    action: 'tag',
    resource: 'asg workers-a',
    summary: 'k8s.io/cluster-autoscaler/enabled: "1" -> "true"',
    before: '1',
    after: 'true',
  },
  { action: 'delete', resource: 'iam role old', summary: 'detach policy X' },
];

describe('plan rendering', () => {
  it('groups by resource with + ~ - and a closing count line', () => {
    expect(renderChanges(changes)).toBe(
      [
        '+ iam role cluster-autoscaler',
        '    + create role with IRSA trust',
        '    + put inline policy cluster-autoscaler',
        '~ asg workers-a',
        '    ~ k8s.io/cluster-autoscaler/enabled: "1" -> "true"',
        '- iam role old',
        '    - detach policy X',
        '',
        'Plan: 2 to create, 1 to update, 1 to delete.',
      ].join('\n'),
    );
  });
  it('says when nothing changes', () => {
    expect(renderChanges([])).toMatch(/^No changes/);
  });
  it('colours only when asked', () => {
    expect(renderChanges(changes)).not.toContain('\u001b[');
    expect(renderChanges(changes, { color: true })).toContain('\u001b[32m');
  });
  it('has a JSON form with counts', () => {
    const json = changesToJson(changes);
    expect(json.counts).toEqual({ create: 2, update: 1, delete: 1, total: 4 });
    expect(json.changes[2]).toEqual(changes[2]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(countChanges([])).toEqual({ create: 0, update: 0, delete: 0, total: 0 });
  });
});

describe('findings', () => {
  it('summarises and picks the worst status', () => {
    const list = [
      finding('a', 'r', 'ok', 'fine'),
      finding('b', 'r', 'warn', 'hm', { hint: 'fix it' }),
      finding('c', 'r', 'ok', 'x'),
    ];
    expect(worstStatus(list)).toBe('warn');
    expect(worstStatus([])).toBe('ok');
    expect(summarizeFindings(list)).toEqual({ ok: 2, warn: 1, fail: 0 });
    expect(list[1]).toEqual({ check: 'b', resource: 'r', status: 'warn', message: 'hm', hint: 'fix it' });
  });
});
