import type { EsbuildPlugin } from './shared-plugins.js';

/** What the bundle says if the Step Functions client is ever constructed. */
const MESSAGE =
  '@aws-sdk/client-sfn is not in the eks-kit checks Lambda bundle (apps/checks-lambda/build/sfn-left-out.ts): ' +
  'only eks-kit check --checker reads the state machine';

/**
 * core's service table names the Step Functions client (`eks-kit check --checker` reads the checks'
 * state machine), and `staticCoreImports` makes every client of the table a static import. The function
 * never calls Step Functions (the state machine invokes it): resolve the package to a client class that
 * throws a clear error, instead of 18.5 KiB of client.
 *
 * @example
 * ```ts
 * defineConfig({ esbuildPlugins: [sfnLeftOut, staticCoreImports] });
 * ```
 */
export const sfnLeftOut: EsbuildPlugin = {
  name: 'eks-kit-sfn-left-out',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/client-sfn$/ }, () => ({
      path: 'client-sfn',
      namespace: 'eks-kit-left-out',
    }));
    build.onLoad({ filter: /^client-sfn$/, namespace: 'eks-kit-left-out' }, () => ({
      // The client and the one command @eks-kit/stack imports (verifyDeployedChecker, not in this bundle's calls).
      contents: ['SFNClient', 'ListExecutionsCommand']
        .map(
          (name) => `export class ${name} { constructor() { throw new Error(${JSON.stringify(MESSAGE)}); } }`,
        )
        .join('\n'),
      loader: 'js',
    }));
  },
};
