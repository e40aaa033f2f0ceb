# tests/pglib.sh: a throwaway PostgreSQL server for tests/t_*.sh (POSIX sh).
#   . tests/lib.sh; . tests/pglib.sh; pg_start
# pg_start runs initdb into $T/pg/data and starts a server that listens on a
# Unix socket in $T/pg/sock and on 127.0.0.1:$PGTEST_PORT (nothing else),
# as a non-root user (the server refuses root: under root it runs as
# 'postgres', which Debian's postgresql package creates).  It is stopped
# when the test exits, however it exits.
#
# The server's files (data, socket, log) are in $T/pg.
# Gives after pg_start:
#   $PGTEST_SOCK  the socket directory     $PGTEST_PORT  the port
#   $PGTEST_DB    "host=$PGTEST_SOCK port=$PGTEST_PORT dbname=toolsync user=toolsync"
#                 (trust over the socket)
#   $PGTEST_TCP   the same over 127.0.0.1, user 'secret' with password 'right-horse'
#                 (scram-sha-256 over TCP)
#   pg_sql SQL...  run SQL with psql as the superuser (stops on error)
#   pg_stop        stop the server now (also done at exit)

PG_BINDIR=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$PG_BINDIR/initdb" ] || fail "no PostgreSQL server binaries (install the 'postgresql' package)"

# as_pg CMD...: run CMD as the server's (non-root) user, from a directory
# it may enter (a checkout under /root is out of its reach)
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		(cd "${PGTEST_HOME:-/}" && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

pg_stop() {
	[ -n "${PGTEST_DATA:-}" ] && [ -f "$PGTEST_DATA/postmaster.pid" ] || return 0
	as_pg "$PG_BINDIR/pg_ctl" -D "$PGTEST_DATA" -m immediate -w stop >/dev/null 2>&1 || true
}

pg_sql() {
	if [ "${1:-}" = -f ]; then
		# the file is read here, by the test's user, and given on stdin
		pg_sql_file=$2
		shift 2
		pg_sql "$@" <"$pg_sql_file"
		return
	fi
	as_pg "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGTEST_SOCK" -p "$PGTEST_PORT" \
		-U toolsync -d toolsync "$@"
}

pg_start() {
	# everything the server writes is under $T/pg, owned by its user
	PGTEST_DATA=$T/pg/data
	PGTEST_SOCK=$T/pg/sock
	mkdir -p "$PGTEST_DATA" "$PGTEST_SOCK"
	[ "$(id -u)" != 0 ] || chown -R postgres "$T/pg"
	chmod 700 "$PGTEST_DATA"
	PGTEST_HOME=$T/pg
	trap 'pg_stop; rm -rf "$T"' EXIT
	trap 'exit 143' INT TERM
	printf 'right-horse\n' >"$T/pg/pw"
	[ "$(id -u)" != 0 ] || chown postgres "$T/pg/pw"
	as_pg "$PG_BINDIR/initdb" -D "$PGTEST_DATA" -U toolsync --pwfile="$T/pg/pw" \
		--auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
		>"$T/initdb.log" 2>&1 || { cat "$T/initdb.log"; fail "initdb failed"; }
	rm -f "$T/pg/pw"
	# a port nobody uses: try a few from a range derived from the pid
	tries=0
	while :; do
		PGTEST_PORT=$((20000 + ($$ * 7 + tries * 131) % 40000))
		if as_pg "$PG_BINDIR/pg_ctl" -D "$PGTEST_DATA" -w -t 30 -l "$T/pg/log" \
			-o "-c listen_addresses=127.0.0.1 -p $PGTEST_PORT -k $PGTEST_SOCK -c fsync=off -c full_page_writes=off" \
			start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		[ "$tries" -lt 5 ] || { cat "$T/pg/log"; fail "cannot start PostgreSQL"; }
	done
	PGTEST_DB="host=$PGTEST_SOCK port=$PGTEST_PORT dbname=toolsync user=toolsync"
	PGTEST_TCP="host=127.0.0.1 port=$PGTEST_PORT dbname=toolsync user=secret password=right-horse"
	as_pg "$PG_BINDIR/createdb" -h "$PGTEST_SOCK" -p "$PGTEST_PORT" -U toolsync toolsync
	pg_sql -c "CREATE ROLE secret LOGIN PASSWORD 'right-horse'; GRANT ALL ON SCHEMA public TO secret;"
	export PGTEST_SOCK PGTEST_PORT PGTEST_DB PGTEST_TCP
	# no outside PG* variable may steer a test to another server
	unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE PGPASSFILE || true
}
