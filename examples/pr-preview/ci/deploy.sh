#!/bin/sh
# Deploys one stack: the change it is about to receive (change-STACK.md, the same summary a pull request's
# comment shows, for the run's summary page), then `pulumi up`. Usage: sh ci/deploy.sh STACK
set -eu
stack="$1"
pulumi stack select --create "$stack" --non-interactive >/dev/null
pulumi preview --stack "$stack" --non-interactive --json > "preview-$stack.json"
npx --no-install pulumi-aep-chatlio preview-comment --stack "$stack" --json "preview-$stack.json" > "change-$stack.md"
pulumi up --stack "$stack" --non-interactive --yes --diff
