/** Fault matrix (throttling, 5xx, latency, IAM propagation, crash after each mutating call): see support/fault-matrix.ts. */
import { defineFaultMatrix } from './support/fault-matrix.js';
import { targetNamed } from './support/targets.js';

await defineFaultMatrix(targetNamed('stack: applyStack (examples/seed)'));
