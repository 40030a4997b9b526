// The bundled floor of asg-scale.mjs (built with esbuild like the CLI, so the SDK is tree-shaken the
// same way): Node + the Auto Scaling and EC2 clients, one call each (`floor`), plus every page the work
// reads, keeping nothing (`floor-pages`). Prints one JSON line with the peak RSS.
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  paginateDescribeAutoScalingGroups,
} from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';

const [url, , mode = 'floor'] = process.argv.slice(2);
const endpoint = {
  region: 'ap-northeast-1',
  endpoint: url,
  credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
};
const asg = new AutoScalingClient(endpoint);
const ec2 = new EC2Client(endpoint);
let groups = 0;
if (mode === 'floor') await asg.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1 }));
else
  for (const IncludeInstances of [false, false, true])
    for await (const page of paginateDescribeAutoScalingGroups(
      { client: asg, pageSize: 100 },
      { MaxRecords: 100, IncludeInstances },
    ))
      groups += page.AutoScalingGroups?.length ?? 0;
await ec2.send(
  new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'workers', Versions: ['$Default'] }),
);
asg.destroy();
ec2.destroy();
console.log(JSON.stringify({ mode, groups, maxRssKiB: process.resourceUsage().maxRSS }));
