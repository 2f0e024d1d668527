#!/usr/bin/env bash
# first-run.sh: on the first `make run`, creates the database with the first admin and loads the demo office;
# on every run, prints how to sign in.
set -euo pipefail
kalem="$1"
var="$2"
mkdir -p "$var"
chmod 700 "$var"
pwfile="$var/initial-admin-password"
if [ ! -f "$var/kalem.db" ]; then
  pw="${KALEM_ADMIN_PASSWORD:-$(head -c 15 /dev/urandom | base64 | tr -d '/+=' | cut -c1-16)}"
  KALEM_ADMIN_PASSWORD="$pw" "$kalem" --db "sqlite:$var/kalem.db" init >/dev/null
  umask 077
  printf '%s\n' "$pw" > "$pwfile"
  "$kalem" --db "sqlite:$var/kalem.db" demo || echo "first-run: the demo data could not be loaded"
fi
echo
echo "  Kalem: http://127.0.0.1:8080/"
if [ -f "$pwfile" ]; then
  echo "  Sign in as 'admin' with the password: $(cat "$pwfile")"
  echo "  (kept in $pwfile until you delete it; change it under your name, top right)"
fi
if [ -f "$var/demo-users.txt" ]; then
  echo "  Demo staff of every role are listed in $var/demo-users.txt"
fi
echo
