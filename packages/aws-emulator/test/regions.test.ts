import { ACMClient, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, World } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

// An account that enabled one opt-in Region (me-south-1) and whose organisation denies eu-west-3 by SCP.
const world: World = {
  region: 'ap-northeast-1',
  regions: { optedIn: ['me-south-1'], deniedByScp: ['eu-west-3'] },
};

let emu: Emulator;
let ec2: EC2Client;
beforeAll(async () => {
  emu = await startTestEmulator({ seed: world });
  ec2 = new EC2Client(clientConfig(emu));
});
afterAll(async () => {
  ec2.destroy();
  await emu.stop();
});
const acmIn = (region: string) => new ACMClient(clientConfig(emu, { region }));

describe('Regions of the account (EC2 DescribeRegions, opt-in Regions, SCP)', () => {
  it('DescribeRegions lists the enabled Regions: the 17 default ones and the opted-in one, not the others', async () => {
    const out = await ec2.send(new DescribeRegionsCommand({}));
    const names = (out.Regions ?? []).map((r) => r.RegionName);
    expect(names).toHaveLength(18);
    expect(names).toContain('me-south-1');
    expect(names).toContain('eu-west-1');
    expect(names).not.toContain('af-south-1');
    expect(out.Regions?.find((r) => r.RegionName === 'me-south-1')?.OptInStatus).toBe('opted-in');
    expect(out.Regions?.find((r) => r.RegionName === 'eu-west-1')).toEqual({
      RegionName: 'eu-west-1',
      Endpoint: 'ec2.eu-west-1.amazonaws.com',
      OptInStatus: 'opt-in-not-required',
    });
  });

  it('AllRegions adds the disabled opt-in Regions; RegionNames and filters narrow the answer', async () => {
    const all = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
    expect(all.Regions?.find((r) => r.RegionName === 'af-south-1')?.OptInStatus).toBe('not-opted-in');
    const named = await ec2.send(new DescribeRegionsCommand({ RegionNames: ['af-south-1', 'eu-west-1'] }));
    expect(named.Regions?.map((r) => r.RegionName).sort()).toEqual(['af-south-1', 'eu-west-1']);
    const optedIn = await ec2.send(
      new DescribeRegionsCommand({ Filters: [{ Name: 'opt-in-status', Values: ['opted-in'] }] }),
    );
    expect(optedIn.Regions?.map((r) => r.RegionName)).toEqual(['me-south-1']);
  });

  it('a disabled opt-in Region refuses the credentials; an SCP-denied Region answers AccessDenied; others serve', async () => {
    const disabled = await failure(acmIn('af-south-1').send(new ListCertificatesCommand({})));
    expect(disabled.name).toBe('UnrecognizedClientException');
    expect(disabled.message).toContain('security token included in the request is invalid');
    const denied = await failure(acmIn('eu-west-3').send(new ListCertificatesCommand({})));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain('explicit deny in a service control policy');
    const served = await acmIn('me-south-1').send(new ListCertificatesCommand({}));
    expect(served.CertificateSummaryList).toEqual([]);
  });
});
