#!/usr/bin/env bash
# Runs a Lookbook cluster on this machine, the way it runs on several: PostgreSQL 15 (the shared catalog) and Redis 7
# (Orleans membership) in .lookbook/cluster on loopback ports, the demo catalog copied into PostgreSQL, three
# `lookbook silo` processes and an HTTP front end (`lookbook serve --cluster` on 127.0.0.1:5100), then a photo search
# through them. Ctrl+C stops everything it started.
#   bash scripts/cluster.sh [SILOS]        (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

silos="${1:-3}"
root="$PWD/.lookbook/cluster"
pg_port=55432 redis_port=56379
mkdir -p "$root"
bin=$(ls -d /usr/lib/postgresql/*/bin | sort | tail -1)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

silo_pids=() redis_pid="" front_pid=""
stop() {
  echo "Stopping the cluster..."
  [ -n "$front_pid" ] && kill -TERM "$front_pid" 2>/dev/null || true
  # Silos next: they leave the cluster through Redis, then Redis and PostgreSQL.
  for pid in "${silo_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${silo_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$redis_pid" ] && kill -TERM "$redis_pid" 2>/dev/null || true
  as_postgres "$bin/pg_ctl" -D "$root/pg" -m fast -w stop >/dev/null 2>&1 || true
}
trap stop EXIT
trap 'exit 130' INT TERM

if [ ! -d "$root/pg" ]; then
  [ "$(id -u)" = 0 ] && chown postgres: "$root"
  as_postgres "$bin/initdb" -D "$root/pg" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
fi
as_postgres "$bin/pg_ctl" -D "$root/pg" -w -l "$root/pg.log" -o "-p $pg_port -k $root -c listen_addresses=127.0.0.1" start >/dev/null
/usr/bin/redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$root" >"$root/redis.log" 2>&1 &
redis_pid=$!

connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=lookbook"
if ! as_postgres "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'lookbook'" | grep -q 1; then
  as_postgres "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres lookbook
  [ -f .lookbook/demo.db ] || ./lookbook demo --quick --db .lookbook/demo.db >/dev/null
  ./lookbook migrate --to postgres --connection "$connection" --db .lookbook/demo.db
fi

cat >"$root/lookbook.json" <<JSON
{
  "Lookbook": {
    "Storage": { "Provider": "Postgres", "ConnectionString": "$connection", "DatabasePath": "node/catalog" },
    "Cluster": { "Redis": "127.0.0.1:$redis_port", "ClusterId": "demo", "Shards": 6 }
  }
}
JSON

for i in $(seq 1 "$silos"); do
  (cd "$root" && exec ../../lookbook silo --silo-port $((11110 + i)) --gateway-port $((30000 + i)) --health-port $((8180 + i)) >"$root/silo$i.log" 2>&1) &
  silo_pids+=($!)
done
for i in $(seq 1 "$silos"); do
  until grep -q "Silo ready" "$root/silo$i.log"; do
    if ! kill -0 "${silo_pids[$((i - 1))]}" 2>/dev/null; then echo "silo $i did not start:" >&2; cat "$root/silo$i.log" >&2; exit 1; fi
    sleep 0.5
  done
  echo "silo $i: $(grep "Silo ready" "$root/silo$i.log")"
done

(cd "$root" && exec ../../lookbook serve --cluster --urls http://127.0.0.1:5100 >"$root/front.log" 2>&1) &
front_pid=$!
until grep -q "front end is running" "$root/front.log"; do
  if ! kill -0 "$front_pid" 2>/dev/null; then echo "the front end did not start:" >&2; cat "$root/front.log" >&2; exit 1; fi
  sleep 0.5
done
echo "front end: $(grep "front end is running" "$root/front.log")"

(cd "$root" && ../../lookbook search ../../samples/queries/bag.png --cluster -k 5) || true
curl -s -F image=@samples/queries/dress.png "http://127.0.0.1:5100/api/search?k=3" | head -c 400; echo
echo "The cluster runs (logs in $root; silo i's health and metrics at http://127.0.0.1:818i/health/ready and /metrics)."
echo "From $root: ../../lookbook search PHOTO --cluster, ../../lookbook import ... --cluster. Ctrl+C stops it."
wait
