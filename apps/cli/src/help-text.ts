/**
 * The top-level help, written out so `eks-kit --help` prints without loading commander (cold start).
 * `program.ts` uses the same text, so there is one source.
 */
export const TOP_HELP = `Usage: eks-kit [options] <command> [command options]

The AWS side of an EKS platform as code: Cluster Autoscaler on Auto Scaling groups, ECR for
kaniko/BuildKit in GitLab CI, ACM certificates validated through Route 53.

Stack commands (over eks-kit.yaml; -f FILE to name another):
  init                 write a commented starter eks-kit.yaml
  plan                 show what apply would change (+ create, ~ update, - delete)
  apply                make AWS match the stack (asks first on a terminal; --yes in scripts)
  check                report the health of everything in the stack (exit 2 on failures)
  destroy              delete what the stack owns, nothing else (worker groups stay; --yes, --force-delete-images)
                       plan, apply, check and destroy take --all-regions or --regions a,b: also the stack's
                       certificates in regions the file no longer names (orphans: apply --prune deletes them)
  render --out DIR     write helmfile.yaml, values/*.yaml, .gitlab-ci.yml, docker/config.json

Domain commands (for scripts):
  autoscaler policy|trust|tags|values|verify|fit|logs <file|->
  cert request|status|records|wait
  ecr login --password-stdout|docker-config|repo|check-push|ci-job
  helm values|helmfile

Global options:
  --region <region>        AWS region (default: the stack's cluster.region, then AWS_REGION,
                           AWS_DEFAULT_REGION, then the profile's; must match cluster.region if set)
  --profile <name>         named profile from ~/.aws/config
  --endpoint-url <url>     send every AWS call to this endpoint (e.g. a local emulator)
  --max-attempts <n>       attempts per AWS call, retries included (default 6, or AWS_MAX_ATTEMPTS)
  --retry-mode <mode>      standard or adaptive (default adaptive, or AWS_RETRY_MODE)
  --json                   machine-readable output on stdout
  --no-color               no colours (also NO_COLOR=1, or when output is not a terminal)
  --quiet                  print results only, no notices
  --verbose                print the AWS calls made per operation at the end
  -V, --version            print the version
  -h, --help               this help; eks-kit <command> --help for a command's own

Examples:
  eks-kit init                                   # writes eks-kit.yaml
  eks-kit plan --detailed-exitcode               # exit 0: no changes, 2: changes
  eks-kit apply --yes --no-wait                  # in CI: no prompt, do not wait for certificates
  eks-kit apply --adopt                          # also take over the stack's resources made by hand
  eks-kit plan --all-regions                     # also certificates left in other regions, as orphans (-)
  eks-kit check --json | jq '.findings[] | select(.status != "ok")'
  eks-kit render --out deploy && helmfile -f deploy/helmfile.yaml apply
  eks-kit autoscaler logs - < cluster-autoscaler.log
  eks-kit ecr login --password-stdout | docker login --username AWS --password-stdin <registry>

Exit codes (one meaning each per command):
  0    ok (plan --detailed-exitcode: no changes)
  1    failure (an AWS call failed, apply is blocked, ...)
  2    plan --detailed-exitcode: there are changes; check, autoscaler verify, ecr check-push: a check
       failed; cert status: a certificate was never requested
  64   invalid input: a flag, a path or the stack file (one line naming it; no AWS call was made)
  129, 130, 143  stopped by SIGHUP, SIGINT (Ctrl-C) or SIGTERM; a rerun converges
`;
