#!/bin/sh
# Restore a backup written by deploy/backup.sh into the database that DATABASE_URL names:
#   DATABASE_URL=... deploy/restore.sh var/backups/supportgroups-20270114T020000Z.dump
# The database must exist and be empty (a new one, e.g. `createdb supportgroups`), unless
# RESTORE_REPLACE=1, which drops what is there first. Everything happens in one transaction: a
# restore that fails leaves the database as it was.
set -eu
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to restore into}"
file="${1:?name the backup file to restore}"
[ -r "$file" ] || { echo "cannot read $file" >&2; exit 2; }

tables=$(psql "$DATABASE_URL" --no-psqlrc -tAc \
  "select count(*) from information_schema.tables where table_schema = 'public'")
if [ "$tables" != 0 ] && [ "${RESTORE_REPLACE:-0}" != 1 ]; then
  echo "the database already has $tables tables; restore into a new empty database," >&2
  echo "or set RESTORE_REPLACE=1 to replace what is there" >&2
  exit 3
fi
clean=""
[ "$tables" != 0 ] && clean="--clean --if-exists"
# shellcheck disable=SC2086  # $clean is two words or none
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges $clean \
  --dbname="$DATABASE_URL" "$file"
echo "restored $file"
