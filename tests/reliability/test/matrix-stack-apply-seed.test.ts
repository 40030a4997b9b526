/** Fault matrix (throttling, 5xx, latency, IAM propagation, crash after each mutating call): see support/fault-matrix.ts. */
import { defineFaultMatrix } from './support/fault-matrix.js';
import { ensureTargets } from './support/targets.js';

const target = ensureTargets()[8];
if (!target) throw new Error('no ensure target 8');
await defineFaultMatrix(target);
