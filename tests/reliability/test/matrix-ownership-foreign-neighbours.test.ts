/** Fault matrix of an ownership case (issue 14): see support/fault-matrix.ts and support/targets.ts. */
import { defineFaultMatrix } from './support/fault-matrix.js';
import { targetNamed } from './support/targets.js';

await defineFaultMatrix(targetNamed('ownership: own groups'));
