/**
 * The stack of the destroy-across-regions tests: it once had a certificate for bar.foo.example.com in
 * eu-west-1; the entry was removed and applied without --prune (`before`, then `after`).
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import { parseStack } from '../../src/index.js';

const BASE = 'name: seed\ncluster:\n  name: seed\n  region: ap-northeast-1\n  kubernetesVersion: "1.35"\n';
/** The stack file with the eu-west-1 certificate. */
export const before = parseStack(
  `${BASE}certificates:\n  - domainName: bar.foo.example.com\n    region: eu-west-1\n`,
  'eks-kit.yaml',
);
/** The same file without it. */
export const after = parseStack(BASE, 'eks-kit.yaml');

type Route53 = { zones: Map<string, { records: Array<{ name: string; type: string }> }> };

/** The emulator's validation CNAMEs of bar.foo.example.com, in every zone. */
export const barValidationRecords = (emu: Emulator) =>
  [...(emu.state.route53 as Route53).zones.values()]
    .flatMap((z) => z.records)
    .filter((r) => r.type === 'CNAME' && r.name.endsWith('bar.foo.example.com.'));

/** `service:operation` of every mutating call the emulator logged. */
export const mutatingCalls = (emu: Emulator): string[] =>
  emu.calls({ mutating: true }).map((c) => `${c.service}:${c.operation}`);
