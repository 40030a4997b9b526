/** Fault matrix of a deletion (issue 16): throttling, 5xx, latency, a crash after each mutating call then a rerun; see support/fault-matrix.ts. */
import { defineFaultMatrix } from './support/fault-matrix.js';
import { deletionTargetNamed } from './support/targets.js';

await defineFaultMatrix(deletionTargetNamed('stack: destroyStack'));
