import pkg from '../package.json' with { type: 'json' };

/** The eks-kit version, used in the user agent `eks-kit/<version>`. */
export const VERSION: string = pkg.version;
