#!/bin/sh
# The preview of a fork's pull request, with no secret and no write token: the AEP emulator in the job
# (the aep-emulator package's command), the base commit's program deployed to it, then the head commit's program previewed
# against that state, so that the comment shows the pull request's change (a rename reads as a rename),
# not a new stack. Writes HEAD/comment-STACK.md.
# Usage: sh ci/fork-preview.sh BASE_DIR HEAD_DIR [STACK]   (both checked out, `npm ci` run in each)
# The state is a file backend of the job's own (PULUMI_BACKEND_URL), the emulator's port AEP_EMULATOR_PORT
# (default 8787); the stack's config file must hold no `secure:` value (the credentials are variables).
set -eu
base=$(cd "$1" && pwd)
head=$(cd "$2" && pwd)
stack="${3:-dev}"
port="${AEP_EMULATOR_PORT:-8787}"
export AEP_PLATFORM_URL="http://127.0.0.1:$port" AEP_IMS_URL="http://127.0.0.1:$port"
# The emulator's demo credentials (printed by `npx aep-emulator`), not Adobe's.
export AEP_CLIENT_ID=emulator-client-id AEP_CLIENT_SECRET=emulator.secret.not.real
export AEP_ORG_ID=0123456789ABCDEF01234567@AdobeOrg AEP_SANDBOX_NAME="${AEP_SANDBOX_NAME:-$stack}"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-not-a-secret}"

"$base/node_modules/.bin/aep-emulator" --port "$port" > "$head/emulator.log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT
tries=0
until curl -sf "$AEP_PLATFORM_URL/__emulator/health" > /dev/null; do
    tries=$((tries + 1))
    [ "$tries" -lt 60 ] || { cat "$head/emulator.log"; exit 1; }
    sleep 1
done

# The base commit's program, deployed: the state the pull request changes.
cd "$base"
pulumi stack init "$stack" --non-interactive
pulumi up --stack "$stack" --non-interactive --yes > "$head/base-up.txt" 2>&1 || { cat "$head/base-up.txt"; exit 1; }
cd "$head"
PREVIEW_NOTE="${PREVIEW_NOTE:-A pull request from a fork: previewed against the AEP emulator (the base commit deployed, then this pull request's program); no secret was used.}" \
    sh "$head/ci/preview.sh" "$stack"
