#!/usr/bin/env bash
# The province benchmark end to end, unattended, one step after another on a quiet machine:
# generation piped into the import, the first patrol after the import (ZN-BL-01's index built),
# the daily full patrol (index, pair scores and learned readings kept), an incremental patrol
# after 10,000 changed records, a tick, the pages' p95 with 10 users, then the full patrol with
# one worker. Each step writes its output (JSON for the patrols) and its log into $OUT, and a
# line into $OUT/steps.tsv (step, start, end, seconds, exit status), so that a session that must
# stop early still has every figure of the steps that finished (into docs/benchmarks.md by hand).
#
#   bash bench/province_run.sh /work/data/province-run      # about 3 to 4 hours on 2 cores
#
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth) and Redis on 127.0.0.1:6379. Drops and creates
# the database "province". Disable autogroup scheduling first, or other sessions' work takes an
# equal share of the CPU whatever its nice value: echo 0 > /proc/sys/kernel/sched_autogroup_enabled
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${1:?usage: province_run.sh OUTDIR [STEPS]}"
STEPS="${2:-import first daily incremental tick web one}"
AS_OF="2026-11-01T00:00:00+08:00"
SCALE="${SCALE:-province}"  # SCALE=county tries the script in minutes
mkdir -p "$OUT/tmp"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/province"
export FAZHI_SECRET_KEY="${FAZHI_SECRET_KEY:-province-bench-key-not-for-production-0000000000}"
export FAZHI_BROKER_URL="${FAZHI_BROKER_URL:-redis://127.0.0.1:6379/0}"
export FAZHI_DATA_DIR="$OUT/data" TMPDIR="$OUT/tmp"
mkdir -p "$FAZHI_DATA_DIR"
FAZHI=(.venv/bin/fazhi)
PY=.venv/bin/python

step() {  # step NAME COMMAND...: run, time, record
    local name=$1; shift
    case " $STEPS " in *" $name "*) ;; *) return 0 ;; esac
    local start end status
    start=$(date +%s)
    echo "== $name $(date -u +%H:%M:%S)" >&2
    "$@" >"$OUT/$name.out" 2>"$OUT/$name.log"
    status=$?
    end=$(date +%s)
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$(date -u -d @"$start" +%H:%M:%S)" \
        "$(date -u -d @"$end" +%H:%M:%S)" "$((end - start))" "$status" >>"$OUT/steps.tsv"
    return $status
}

import_province() {
    dropdb -h 127.0.0.1 -U postgres --if-exists province && createdb -h 127.0.0.1 -U postgres province
    "${FAZHI[@]}" migrate -v0 || return 1
    rm -f "$OUT/gen.jsonl.gz"
    mkfifo "$OUT/gen.jsonl.gz"
    # the generator writes into the pipe the import reads: both at once, no 2.2 GB file
    /usr/bin/time -v "${FAZHI[@]}" import "$OUT/gen.jsonl.gz" >"$OUT/importer.out" 2>"$OUT/importer.time" &
    local importer=$!
    /usr/bin/time -v "${FAZHI[@]}" generate --scale "$SCALE" --seed 1 --as-of "$AS_OF" \
        --out "$OUT/gen.jsonl.gz" >"$OUT/generator.out" 2>"$OUT/generator.time"
    wait $importer
    local status=$?
    rm -f "$OUT/gen.jsonl.gz"
    psql -h 127.0.0.1 -U postgres -At -c "select pg_size_pretty(pg_database_size('province'))"
    return $status
}

tick_once() {  # the tick fanned out to two worker processes, as the patrol is
    FAZHI_FANOUT=1 FAZHI_FANOUT_QUEUE=province-tick "${FAZHI[@]}" worker --concurrency=2 \
        --queue=province-tick --loglevel=WARNING >"$OUT/tick-worker.log" 2>&1 &
    local worker=$!
    sleep 8
    FAZHI_FANOUT=1 FAZHI_FANOUT_QUEUE=province-tick /usr/bin/time -v "${FAZHI[@]}" tick \
        --as-of "$AS_OF"
    local status=$?
    kill -TERM $worker
    wait $worker 2>/dev/null
    return $status
}

web() {
    "$PY" bench/web_bench.py users --count 10 --password 'Bench-2026!' >&2 || return 1
    .venv/bin/gunicorn fazhi.wsgi -w 4 -b 127.0.0.1:8011 --timeout 120 >"$OUT/gunicorn.log" 2>&1 &
    local server=$!
    sleep 8
    "$PY" bench/web_bench.py http http://127.0.0.1:8011 --password 'Bench-2026!' --users 10 \
        --seconds 60 --throughput-users 20 --json "$OUT/web-detail.json"
    local status=$?
    kill $server
    wait $server 2>/dev/null
    return $status
}

step import import_province
step first "$PY" bench/province_bench.py patrol --workers 2 --fresh --as-of "$AS_OF" \
    --snapshot "$OUT/findings-first.tsv.gz" --logdir "$OUT/first"
# the run that happens every day: the index, the pair scores and the readings are kept
step daily "$PY" bench/province_bench.py patrol --workers 2 --as-of "$AS_OF" \
    --snapshot "$OUT/findings-daily.tsv.gz" --logdir "$OUT/daily"
step incremental "$PY" bench/province_bench.py incremental --changes 10000 --workers 2 \
    --as-of "$AS_OF" --logdir "$OUT/incremental"
step tick tick_once
step web web
step one "$PY" bench/province_bench.py patrol --workers 1 --as-of "$AS_OF" \
    --snapshot "$OUT/findings-1w.tsv.gz" --logdir "$OUT/one"
echo "done: $OUT/steps.tsv" >&2
