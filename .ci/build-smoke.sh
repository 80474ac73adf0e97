#!/usr/bin/env bash
# Builds the portal (npm run build) and starts it as production does (node dist/server/main.js, see
# docs/operations.md) on a scratch SQLite database: the health check and the catalogue must answer
# 200 and the catalogue must list a released service, or the build is broken.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build
dir=$(mktemp -d)
port=3987
NODE_ENV=production PORT=$port DATABASE_URL="sqlite://$dir/portal.sqlite" UPLOAD_DIR="$dir/uploads" \
  SESSION_SECRET=build-smoke-secret-0123456789abcdef0123456789 BASE_URL="http://127.0.0.1:$port" \
  RUN_WORKER=false LOG_LEVEL=warn node dist/server/main.js >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 60); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
  kill -0 $pid 2>/dev/null || { cat "$dir/log"; echo "the built portal exited" >&2; exit 1; }
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null
# Saved first, then searched: `curl | grep -q` under pipefail fails when grep stops reading before a
# page larger than the pipe's buffer is written (curl then exits 23 although the service is listed).
curl -fs -o "$dir/services.html" "http://127.0.0.1:$port/services"
grep -q 'href="/services/residence-certificate"' "$dir/services.html" || {
  cat "$dir/log"
  echo "the built portal's catalogue does not list the released services" >&2
  exit 1
}
echo "built portal: /healthz and /services answer"
