#!/usr/bin/env bash
# A CI script written for the official `ax` (arize-ax-cli 0.39): a profile made from a TOML
# file with ${VAR} references, `-o json` read by key, exit codes tested. It must run
# unchanged with arize-ax's `ax` first on PATH; tests/test_dropin.py runs it with each CLI
# against the emulator. Needs CI_ARIZE_KEY and EMULATOR_PORT in the environment.
set -uo pipefail

fail() { echo "FAILED: $*" >&2; exit 1; }
# Reads JSON on stdin and prints the Python expression $1 evaluated on it (as `d`).
field() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/ci.toml" <<'EOF'
[auth]
auth_method = "api-key"
api_key = "${CI_ARIZE_KEY}"

[routing]
single_host = "127.0.0.1"
single_port = "${EMULATOR_PORT}"
api_scheme = "http"

[output]
format = "json"

[update]
enabled = false
EOF

# Profiles: create from a file (it becomes the active one), check it, switch to it.
ax profiles create ci -f "$work/ci.toml" >/dev/null 2>&1 || fail "profiles create -f"
ax profiles validate ci >/dev/null 2>&1 || fail "profiles validate"
ax profiles use ci >/dev/null 2>&1 || fail "profiles use"
ax profiles list >/dev/null 2>&1 || fail "profiles list"

# Spaces, with the profile's default output (json).
org=$(ax organizations list | field 'd["organizations"][0]["id"]') || fail "organizations list"
name="ci-space-$$"
created=$(ax spaces create --name "$name" --organization-id "$org") || fail "spaces create"
space_id=$(echo "$created" | field 'd["id"]')
[ "$(echo "$created" | field 'd["name"]')" = "$name" ] || fail "created name"
updated=$(ax spaces update "$space_id" --description "made by CI") || fail "spaces update"
[ "$(echo "$updated" | field 'd["description"]')" = "made by CI" ] || fail "updated description"
listing=$(ax spaces list --limit 100) || fail "spaces list"
echo "$listing" | field 'sorted(d)' | grep -q "'pagination', 'spaces'" || fail "list keys: $(echo "$listing" | field 'sorted(d)')"
echo "$listing" | field '[s["name"] for s in d["spaces"]]' | grep -q "$name" || fail "new space listed"
[ "$(ax spaces get "$name" | field 'd["id"]')" = "$space_id" ] || fail "get by name"
ax spaces get "$space_id" -o csv | head -n 1 | grep -q "id" || fail "csv output"

# Exit codes: 4 for an API error (not found), 2 for a usage error, 5 for file I/O.
ax spaces get "no-such-space-$$" >/dev/null 2>&1
rc=$?; [ "$rc" -eq 4 ] || fail "not found exit code $rc"
ax spaces list --limit notanumber >/dev/null 2>&1
rc=$?; [ "$rc" -eq 2 ] || fail "usage exit code $rc"
ax spaces list -o "$work/no/such/dir/out.json" >/dev/null 2>&1
rc=$?; [ "$rc" -eq 5 ] || fail "file I/O exit code $rc"

# Tasks: find one by name in a space, run it and wait; list its runs.
task_id=$(ax tasks list --space support-bot-evals --name hallucination-monitor | field 'd["tasks"][0]["id"]') \
  || fail "tasks list"
[ "$(ax tasks get "$task_id" | field 'd["name"]')" = "hallucination-monitor" ] || fail "tasks get"
run=$(ax tasks trigger-run "$task_id" --data-start-time 2026-03-01T00:00:00Z \
  --data-end-time 2026-03-02T00:00:00Z --wait --poll-interval 1 --timeout 120) || fail "trigger-run --wait"
status=$(echo "$run" | field 'd["status"]')
case "$status" in COMPLETED|FAILED|CANCELLED) ;; *) fail "run status $status" ;; esac
run_id=$(echo "$run" | field 'd["id"]')
[ "$(ax tasks get-run "$run_id" | field 'd["id"]')" = "$run_id" ] || fail "get-run"
ax tasks list-runs "$task_id" --limit 5 | field 'sorted(d)' | grep -q "'pagination', 'task_runs'" \
  || fail "list-runs keys"
ax tasks wait-for-run "$run_id" --poll-interval 1 --timeout 30 >/dev/null || fail "wait-for-run"

# Clean up: delete the space without a prompt.
ax spaces delete "$space_id" --force >/dev/null 2>&1 || fail "spaces delete"
ax spaces get "$space_id" >/dev/null 2>&1
rc=$?; [ "$rc" -eq 4 ] || fail "deleted space exit code $rc"
echo "ok"
