#!/bin/sh
# The pull-request preview of one stack, as reviewers read it: `pulumi preview --diff` (the full text) and
# `pulumi preview --json` (for the summary), then the comment body (comment-STACK.md) built from both by
# `npx pulumi-aep-chatlio preview-comment`. The stack is created if it does not exist yet (upsert).
# Usage: sh ci/preview.sh STACK   (PREVIEW_NOTE: a line under the comment's heading)
# Exit status: the preview's; the comment is written either way, so that a failed preview is commented too.
set -u
stack="$1"
pulumi stack select --create "$stack" --non-interactive >/dev/null || exit 1
pulumi preview --stack "$stack" --non-interactive --diff > "preview-$stack.txt" 2> "preview-$stack.err"
status=$?
cat "preview-$stack.err" >> "preview-$stack.txt"   # the diagnostics after the diff, as one block
cat "preview-$stack.txt"
pulumi preview --stack "$stack" --non-interactive --json > "preview-$stack.json" 2>/dev/null || true
npx --no-install pulumi-aep-chatlio preview-comment --stack "$stack" --json "preview-$stack.json" \
    --diff "preview-$stack.txt" --exit-code "$status" ${PREVIEW_NOTE:+--note "$PREVIEW_NOTE"} > "comment-$stack.md" || exit 1
exit "$status"
