#!/usr/bin/env bash
# `npm test`: vitest (unit and integration) and Playwright Test (browser) side by side. The browser suite spends
# its first minutes in `next build` and most of the rest waiting on a browser and a server, and many integration
# tests wait on servers and child processes, so running both at once finishes well before one after the other.
# Exits non-zero when either fails. Each runner prints its own lines; CI reads their JSON reports.
set -u
cd "$(dirname "$0")/.."

npx vitest run &
vitest_pid=$!
npx playwright test &
playwright_pid=$!

wait "$vitest_pid"
vitest_status=$?
wait "$playwright_pid"
playwright_status=$?

echo "npm test: vitest exited ${vitest_status}, playwright exited ${playwright_status}"
[ "$vitest_status" -eq 0 ] && [ "$playwright_status" -eq 0 ]
