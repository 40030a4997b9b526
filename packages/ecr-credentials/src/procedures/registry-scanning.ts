/** Read the registry's scanning configuration (GetRegistryScanningConfiguration). */
import { GetRegistryScanningConfigurationCommand } from '@aws-sdk/client-ecr';
import { type AwsClients, validateRegion, wrapAwsError } from '@eks-kit/core';
import type { RegistryScanningRef } from '../builders/registry-scanning.js';

/**
 * The registry's scanning configuration in a region (one GetRegistryScanningConfiguration call; a
 * registry never configured answers BASIC with no rules). Give it to {@link scanningDecision} per
 * repository, and to `ensureRepository` as `registryScanning` so that it leaves scanning alone where
 * the registry decides.
 *
 * @example
 * ```ts
 * const scanning = await readRegistryScanning(clients, { region: 'eu-west-1' });
 * scanningDecision('team/app', scanning).summary;
 * ```
 */
export async function readRegistryScanning(
  clients: AwsClients,
  options: { region?: string; signal?: AbortSignal } = {},
): Promise<RegistryScanningRef> {
  const region = options.region === undefined ? clients.region : validateRegion(options.region, 'region');
  const ecr = await clients.ecr(region);
  try {
    const out = await ecr.send(
      new GetRegistryScanningConfigurationCommand({}),
      options.signal ? { abortSignal: options.signal } : {},
    );
    return {
      scanType: out.scanningConfiguration?.scanType ?? 'BASIC',
      rules: (out.scanningConfiguration?.rules ?? []).map((r) => ({
        ...(r.scanFrequency ? { scanFrequency: r.scanFrequency } : {}),
        repositoryFilters: (r.repositoryFilters ?? []).map((f) => ({
          ...(f.filter !== undefined ? { filter: f.filter } : {}),
          ...(f.filterType !== undefined ? { filterType: f.filterType } : {}),
        })),
      })),
    };
  } catch (error) {
    throw wrapAwsError(error, 'ecr:GetRegistryScanningConfiguration', `registry in ${region}`);
  }
}
