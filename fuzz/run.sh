#!/usr/bin/env bash
# Runs every fuzz target one after another for SECONDS each (default 600), niced, on the stable
# toolchain without a sanitizer, and appends one line per target to fuzz/results.tsv:
# target, seconds, executions, corpus size, outcome. See docs/robustness.md.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
targets=${TARGETS:-"lint_bytes fix rule_yaml config extract_json extract_jsonl extract_csv extract_markdown extract_html extract_yaml"}
cargo fuzz build -s none || exit 1
mkdir -p logs
for target in $targets; do
  mkdir -p "corpus/$target"
  log="logs/$target.log"
  nice -n 19 cargo fuzz run -s none "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 -timeout=60 \
    -print_final_stats=1 >"$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  corpus=$(find "corpus/$target" -type f | wc -l)
  outcome=$([ "$status" -eq 0 ] && echo "no failure" || echo "FAILED (exit $status, see $log)")
  printf '%s\t%s\t%s\t%s\t%s\n' "$target" "$seconds" "${runs:-?}" "$corpus" "$outcome" | tee -a results.tsv
done
