import type { Options } from 'tsup';

/** An esbuild plugin, as tsup takes it. */
type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * SDK clients of core's service table (`AWS_SERVICES`) that no CLI command calls, each with the caller
 * that does. The table stays the one source of the services (the checks Lambda builds every getter
 * from it); only this bundle resolves these packages to a stub.
 */
export const CLIENTS_LEFT_OUT: Readonly<Record<string, { clientClass: string; usedBy: string }>> = {
  '@aws-sdk/client-organizations': {
    clientClass: 'OrganizationsClient',
    usedBy: "the checks Lambda's organisation targets",
  },
  '@aws-sdk/client-s3': { clientClass: 'S3Client', usedBy: "the checks Lambda's run bucket" },
};

/**
 * The CLI bundle resolves each package of {@link CLIENTS_LEFT_OUT} to a module whose client class
 * throws a clear error when constructed, instead of a lazily loaded chunk it never loads (the
 * Organizations client alone was a 54 KiB chunk, S3 92 KiB). Measured by
 * `node bench/run.mjs --only bundle-size`; `test/bundle-left-out.test.ts` checks the built files.
 *
 * @example
 * ```ts
 * defineConfig({ esbuildPlugins: [clientsLeftOut, lazyCoreImports] });
 * ```
 */
export const clientsLeftOut: EsbuildPlugin = {
  name: 'eks-kit-cli-clients-left-out',
  setup(build) {
    const names = Object.keys(CLIENTS_LEFT_OUT).map((n) => n.replace(/[/\\-]/g, '\\$&'));
    build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({
      path: args.path,
      namespace: 'eks-kit-cli-left-out',
    }));
    build.onLoad({ filter: /.*/, namespace: 'eks-kit-cli-left-out' }, (args) => {
      const left = CLIENTS_LEFT_OUT[args.path] as { clientClass: string; usedBy: string };
      const message = `${args.path} is not in the eks-kit CLI bundle (apps/cli/build/clients-left-out.ts): only ${left.usedBy} call it`;
      return {
        contents: `export class ${left.clientClass} { constructor() { throw new Error(${JSON.stringify(message)}); } }`,
        loader: 'js',
      };
    });
  },
};
