#!/bin/sh
# pg-test-server.sh: a private, throwaway PostgreSQL 15 cluster for tests (loopback only, trust auth).
#
#   scripts/pg-test-server.sh start DIR PORT          create (if absent) and start; prints the URL
#   scripts/pg-test-server.sh stop DIR                stop (no error if not running)
#   scripts/pg-test-server.sh url DIR PORT            print the URL of the test database
#   scripts/pg-test-server.sh reset DIR PORT DBNAME   drop and re-create database DBNAME; prints its URL
#
# The cluster lives in DIR (data in DIR/data, unix socket and log in DIR); its superuser is "kalem";
# it listens only on 127.0.0.1:PORT. PostgreSQL refuses to run as root, so when run as root the server
# programs run as the "postgres" system user (created if missing), which owns DIR.
# Only the URL goes to stdout, so `URL=$(scripts/pg-test-server.sh start DIR PORT)` works.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGUSER_OS=postgres
DB_USER=kalem
TEST_DB=kalem_test

die() {
	echo "pg-test-server: $*" >&2
	exit 1
}

usage() {
	die "usage: $0 start DIR PORT | stop DIR | url DIR PORT | reset DIR PORT DBNAME"
}

# Runs a command as the server's OS user (directly when we are not root).
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$PGUSER_OS" -- "$@"
	else
		"$@"
	fi
}

check_port() {
	case $1 in
	'' | *[!0-9]*) die "port must be a number: '$1'" ;;
	esac
	if [ "$1" -lt 1024 ] || [ "$1" -gt 65535 ]; then
		die "port out of range (1024..65535): '$1'"
	fi
}

check_dbname() {
	case $1 in
	'' | *[!A-Za-z0-9_]*) die "database name must be letters, digits and '_': '$1'" ;;
	esac
}

# Makes DIR absolute (it need not exist yet).
absolute() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd)" "$1" ;;
	esac
}

ensure_os_user() {
	[ "$(id -u)" -eq 0 ] || return 0
	if ! id "$PGUSER_OS" >/dev/null 2>&1; then
		useradd --system --home-dir /var/lib/postgresql --shell /bin/sh "$PGUSER_OS" ||
			die "cannot create system user '$PGUSER_OS'"
	fi
}

is_running() {
	[ -f "$1/data/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

# Runs SQL as the superuser against database "postgres" over TCP.
psql_admin() {
	PGOPTIONS='-c client_min_messages=warning' "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U "$DB_USER" -d postgres -tA -c "$2"
}

url_of() {
	printf 'postgresql://%s@127.0.0.1:%s/%s\n' "$DB_USER" "$1" "$2"
}

create_db_if_absent() {
	exists=$(psql_admin "$1" "SELECT 1 FROM pg_database WHERE datname = '$2'")
	if [ "$exists" != 1 ]; then
		psql_admin "$1" "CREATE DATABASE \"$2\" OWNER \"$DB_USER\" ENCODING 'UTF8' TEMPLATE template0" ||
			die "cannot create database '$2'"
	fi
}

cmd_start() {
	dir=$1 port=$2
	ensure_os_user
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown "$PGUSER_OS:" "$dir"
	chmod 700 "$dir"
	as_pg test -w "$dir" || die "'$dir' is not writable by user '$PGUSER_OS' (is a parent directory private?)"

	if [ ! -f "$dir/data/PG_VERSION" ]; then
		echo "pg-test-server: creating cluster in $dir/data" >&2
		as_pg "$PGBIN/initdb" -D "$dir/data" -U "$DB_USER" --auth-local=trust --auth-host=trust \
			--encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
			die "initdb failed; see $dir/initdb.log"
		echo "include_if_exists = 'kalem_test.conf'" >>"$dir/data/postgresql.conf"
	fi

	if is_running "$dir"; then
		running_port=$(sed -n 4p "$dir/data/postmaster.pid" 2>/dev/null || true)
		[ "$running_port" = "$port" ] ||
			die "already running in '$dir' on port $running_port, not $port; stop it first"
	else
		# Rewritten on every start so that the port can change between runs.
		as_pg sh -c "cat >'$dir/data/kalem_test.conf'" <<EOF
# Written by scripts/pg-test-server.sh: loopback only, socket in the cluster directory.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = on
max_connections = 100
logging_collector = off
log_min_messages = warning
EOF
		# 9>&-: the server must not inherit the start lock, or it would hold it for its lifetime.
		as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null 9>&- ||
			die "server did not start; see $dir/server.log"
	fi
	create_db_if_absent "$port" "$TEST_DB"
	url_of "$port" "$TEST_DB"
}

cmd_stop() {
	dir=$1
	if is_running "$dir"; then
		as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ||
			die "server in '$dir' did not stop"
	fi
}

cmd_reset() {
	dir=$1 port=$2 name=$3
	is_running "$dir" || die "no server running in '$dir'"
	psql_admin "$port" "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null ||
		die "cannot drop database '$name'"
	create_db_if_absent "$port" "$name"
	url_of "$port" "$name"
}

[ $# -ge 2 ] || usage
action=$1
dir=$(absolute "$2")
case $action in
start)
	[ $# -eq 3 ] || usage
	check_port "$3"
	# One starter at a time per cluster (parallel test runs may all call start).
	mkdir -p "$dir"
	exec 9>"$dir/.start.lock"
	flock 9
	cmd_start "$dir" "$3"
	;;
stop)
	[ $# -eq 2 ] || usage
	cmd_stop "$dir"
	;;
url)
	[ $# -eq 3 ] || usage
	check_port "$3"
	url_of "$3" "$TEST_DB"
	;;
reset)
	[ $# -eq 4 ] || usage
	check_port "$3"
	check_dbname "$4"
	cmd_reset "$dir" "$3" "$4"
	;;
*)
	usage
	;;
esac
