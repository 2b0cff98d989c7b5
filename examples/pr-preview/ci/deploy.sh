#!/bin/sh
# Deploys one stack: the change it is about to receive (change-STACK.md, the same summary a pull request's
# comment shows, for the run's summary page), then `pulumi up`. Usage: sh ci/deploy.sh STACK
# A deploy cancelled midway (a timeout, a lost runner) leaves pending operations in the stack's state; the
# next deploy clears them first with `pulumi refresh --clear-pending-creates` (reads only; see the package
# README, "When a deploy is interrupted"), so that no command warns of them.
set -eu
stack="$1"
pulumi stack select --create "$stack" --non-interactive >/dev/null
pending=$(pulumi stack export --stack "$stack" | jq '.deployment.pending_operations // [] | length')
if [ "$pending" -gt 0 ]; then
    echo "Clearing $pending pending operation(s) left by an interrupted deploy"
    pulumi refresh --stack "$stack" --non-interactive --yes --clear-pending-creates
fi
pulumi preview --stack "$stack" --non-interactive --json > "preview-$stack.json"
npx --no-install pulumi-aep-chatlio preview-comment --stack "$stack" --json "preview-$stack.json" > "change-$stack.md"
pulumi up --stack "$stack" --non-interactive --yes --diff
