#!/usr/bin/env bash
# Installs (Debian packages), starts and configures the real servers the system runs on, on loopback:
# PostgreSQL 15 with pgvector and RabbitMQ with the management plugin. Idempotent.
#   infra.sh up | env | status | down
# PIPELINE_INSTANCE=name (letters, digits, _) gives a second system on the same servers a database and a RabbitMQ
# virtual host of its own (pipeline_name, /name); run.sh and stop.sh then keep its processes apart too.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
run_dir="$repo_root/.run"
credentials="$run_dir/credentials.env"
pg_port=5432
amqp_port=5672
management_port=15672
instance=${PIPELINE_INSTANCE:-}
database=pipeline${instance:+_$instance}
vhost=/${instance}

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }
[[ "$instance" =~ ^[a-z0-9_]*$ ]] || die "PIPELINE_INSTANCE must be lowercase letters, digits and _ (got '$instance')"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pg_major() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1; }

install_packages() {
  # chromium: the dashboard's browser tests drive Debian's Chromium through Playwright (CHROMIUM_PATH), never a downloaded one.
  apt_install postgresql postgresql-contrib rabbitmq-server curl ca-certificates python3 procps chromium
  local major; major=$(pg_major)
  [ -n "$major" ] || die "PostgreSQL did not install"
  install_pgvector "$major"
}

install_pgvector() {
  local major=$1 share="/usr/share/postgresql/$1/extension"
  [ -f "$share/vector.control" ] && return 0
  if apt-cache show "postgresql-$major-pgvector" >/dev/null 2>&1; then
    apt_install "postgresql-$major-pgvector"
    [ -f "$share/vector.control" ] && return 0
  fi
  log "building pgvector from Debian's source package (trixie)"
  apt_install "postgresql-server-dev-$major" build-essential dpkg-dev
  local sources=/etc/apt/sources.list.d/pipeline-trixie-src.sources
  if [ ! -f "$sources" ]; then
    # Source packages only: no trixie binary can be installed from this entry.
    as_root tee "$sources" >/dev/null <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  as_root apt-get update -qq
  local build; build=$(mktemp -d)
  (cd "$build" && apt-get source -qq pgvector >/dev/null 2>&1) || die "apt-get source pgvector failed"
  local dir; dir=$(find "$build" -maxdepth 1 -type d -name 'pgvector-*' | head -1)
  [ -n "$dir" ] || die "pgvector source not found after apt-get source"
  (cd "$dir" && make -s PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" >/dev/null && as_root make -s install PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" >/dev/null)
  rm -rf "$build"
  [ -f "$share/vector.control" ] || die "pgvector build did not install vector.control"
}

ensure_credentials() {
  mkdir -p "$run_dir"
  if [ ! -f "$credentials" ]; then
    ( umask 077
    cat > "$credentials" <<CRED
PG_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
MQ_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
ADMIN_KEY=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
CRED
    )
  fi
  # shellcheck disable=SC1090
  . "$credentials"
}

start_postgres() {
  local major; major=$(pg_major)
  local conf="/etc/postgresql/$major/main"
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$major main$"; then
    as_root pg_createcluster "$major" main >/dev/null
  fi
  as_root tee "$conf/conf.d/pipeline.conf" >/dev/null <<PGC
listen_addresses = '127.0.0.1'
port = $pg_port
max_connections = 300
shared_buffers = 256MB
fsync = on
PGC
  as_root chmod 644 "$conf/conf.d/pipeline.conf"
  if ! pg_lsclusters -h | awk -v m="$major" '$1==m && $2=="main" {print $4}' | grep -q online; then
    log "starting PostgreSQL $major"
    as_root pg_ctlcluster "$major" main start
  fi
  for _ in $(seq 1 60); do
    as_root su postgres -c "psql -p $pg_port -qAtc 'select 1'" >/dev/null 2>&1 && break
    sleep 0.5
  done
  as_root su postgres -c "psql -p $pg_port -qAtc 'select 1'" >/dev/null 2>&1 || die "PostgreSQL does not accept connections"
  # Superuser because the tests create and drop a database per test class.
  as_root su postgres -c "psql -p $pg_port -q" >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pipeline') THEN
    CREATE ROLE pipeline LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE pipeline LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SQL
  if ! as_root su postgres -c "psql -p $pg_port -qAtc \"select 1 from pg_database where datname='$database'\"" | grep -q 1; then
    as_root su postgres -c "createdb -p $pg_port -O pipeline $database"
  fi
  PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p $pg_port -U pipeline -d $database -qAtc 'CREATE EXTENSION IF NOT EXISTS vector' >/dev/null \
    || die "the vector extension cannot be created"
}

rabbit_env() {
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT=$amqp_port
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-rabbitmq_management tcp_config [{ip,\"127.0.0.1\"},{port,$management_port}]"
}

start_rabbitmq() {
  rabbit_env
  as_root mkdir -p /etc/rabbitmq
  echo '[rabbitmq_management].' | as_root tee /etc/rabbitmq/enabled_plugins >/dev/null
  if ! as_root rabbitmqctl -q status >/dev/null 2>&1; then
    log "starting RabbitMQ"
    # No systemd here: run the server detached as the rabbitmq user, with loopback-only listeners.
    as_root su rabbitmq -s /bin/bash -c "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$amqp_port RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-rabbitmq_management tcp_config [{ip,\"127.0.0.1\"},{port,$management_port}]' rabbitmq-server -detached" >/dev/null 2>&1 \
      || as_root env RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$amqp_port rabbitmq-server -detached >/dev/null 2>&1
  fi
  # await_startup fails at once while the Erlang node itself is still coming up, so poll it.
  local started=0
  for _ in $(seq 1 120); do
    if as_root timeout 30 rabbitmqctl -q await_startup >/dev/null 2>&1; then started=1; break; fi
    sleep 1
  done
  [ $started -eq 1 ] || die "RabbitMQ did not start (see /var/log/rabbitmq)"
  if ! as_root rabbitmqctl -q list_users 2>/dev/null | grep -q '^pipeline'; then
    as_root rabbitmqctl -q add_user pipeline "$MQ_PASSWORD" >/dev/null
  else
    as_root rabbitmqctl -q change_password pipeline "$MQ_PASSWORD" >/dev/null
  fi
  as_root rabbitmqctl -q set_user_tags pipeline administrator >/dev/null
  as_root rabbitmqctl -q set_permissions -p / pipeline '.*' '.*' '.*' >/dev/null
  as_root rabbitmqctl -q delete_user guest >/dev/null 2>&1 || true
  if [ -n "$instance" ]; then
    as_root rabbitmqctl -q add_vhost "$vhost" >/dev/null 2>&1 || true
    as_root rabbitmqctl -q set_permissions -p "$vhost" pipeline '.*' '.*' '.*' >/dev/null
  fi
  for _ in $(seq 1 60); do
    curl -fsS -u "pipeline:$MQ_PASSWORD" "http://127.0.0.1:$management_port/api/overview" >/dev/null 2>&1 && return 0
    sleep 1
  done
  die "RabbitMQ management API does not answer on 127.0.0.1:$management_port"
}

print_env() {
  ensure_credentials
  # The server is on loopback: Debian's ssl = on would otherwise make Npgsql (SSL Mode=Prefer) encrypt every round
  # trip, measured at ~4 ms of a ~38 ms request and a third of the CPU samples under load (docs/benchmarks.md).
  # A database on another machine keeps TLS: set SSL Mode=VerifyFull there.
  cat <<ENV
export ConnectionStrings__Pipeline='Host=127.0.0.1;Port=$pg_port;Database=$database;Username=pipeline;Password=$PG_PASSWORD;SSL Mode=Disable'
export RabbitMq__Host=127.0.0.1
export RabbitMq__Port=$amqp_port
export RabbitMq__VirtualHost=$vhost
export RabbitMq__Username=pipeline
export RabbitMq__Password='$MQ_PASSWORD'
export RabbitMq__ManagementPort=$management_port
export Admin__ApiKeys__0='$ADMIN_KEY'
export PIPELINE_TEST_POSTGRES='Host=127.0.0.1;Port=$pg_port;Database=postgres;Username=pipeline;Password=$PG_PASSWORD;SSL Mode=Disable'
export PIPELINE_TEST_RABBITMQ='amqp://pipeline:$MQ_PASSWORD@127.0.0.1:$amqp_port/'
export PIPELINE_TEST_RABBITMQ_MANAGEMENT='http://pipeline:$MQ_PASSWORD@127.0.0.1:$management_port/'
ENV
}

status() {
  pg_lsclusters 2>/dev/null || echo "PostgreSQL: not installed"
  if as_root rabbitmqctl -q status >/dev/null 2>&1; then echo "RabbitMQ: running"; else echo "RabbitMQ: stopped"; fi
}

down() {
  local major; major=$(pg_major)
  [ -n "$major" ] && as_root pg_ctlcluster "$major" main stop >/dev/null 2>&1 || true
  as_root rabbitmqctl -q stop >/dev/null 2>&1 || true
  log "stopped"
}

case "${1:-up}" in
  up) install_packages; ensure_credentials; start_postgres; start_rabbitmq; log "PostgreSQL on 127.0.0.1:$pg_port, RabbitMQ on 127.0.0.1:$amqp_port (management :$management_port)" ;;
  env) print_env ;;
  status) status ;;
  down) down ;;
  *) die "usage: infra.sh up|env|status|down" ;;
esac
