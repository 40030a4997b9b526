/**
 * @eks-kit/helm-values: typed cluster-autoscaler and metrics-server Helm values, helmfile.yaml for
 * helmfile v1, and the Kubernetes-to-autoscaler version map. Builders only: no I/O.
 *
 * @packageDocumentation
 */

/** Deep key sorting lives in core (one rule for every sorted output); re-exported for callers of 0.1. */
export { sortKeysDeep } from '@eks-kit/core';
export * from './builders/charts.js';
export * from './builders/cluster-autoscaler-values.js';
export * from './builders/extra-args.js';
export * from './builders/go-duration.js';
export * from './builders/helmfile.js';
export * from './builders/identity.js';
export * from './builders/kubernetes-names.js';
export * from './builders/metrics-server-values.js';
export { assertPlainData, type PlainValue } from './builders/plain-data.js';
export * from './builders/releases.js';
export * from './builders/resources.js';
export * from './builders/service-account-name.js';
export { valuesRef } from './builders/templates.js';
export { generatedHeader, type ValuesYamlOptions, valuesYaml } from './builders/values-yaml.js';
export * from './builders/version-map.js';
