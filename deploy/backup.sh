#!/bin/sh
# One backup of the database that DATABASE_URL names, written to BACKUP_DIR as
# supportgroups-<UTC time>.dump (pg_dump's custom format, compressed), checked readable, then the
# oldest ones beyond BACKUP_KEEP removed. Run by `make backup` and by the compose `backup` service.
# The database is the whole of what people wrote: exports are built into it too, no files are uploaded.
set -eu
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
dir="${BACKUP_DIR:-var/backups}"
keep="${BACKUP_KEEP:-14}"
case "$keep" in '' | *[!0-9]* | 0) echo "BACKUP_KEEP must be a whole number of 1 or more" >&2; exit 2 ;; esac

mkdir -p "$dir"
name="supportgroups-$(date -u +%Y%m%dT%H%M%SZ).dump"
partial="$dir/.$name.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --no-owner --no-privileges --file="$partial" "$DATABASE_URL"
# A dump that pg_restore cannot list is no backup: fail loudly instead of rotating good ones out.
pg_restore --list "$partial" >/dev/null
mv "$partial" "$dir/$name"
echo "backup written: $dir/$name"

# Names sort by time; keep the newest $keep.
ls -1 "$dir" | grep -E '^supportgroups-[0-9]{8}T[0-9]{6}Z\.dump$' | sort -r | tail -n +"$((keep + 1))" |
  while read -r old; do rm -f "$dir/$old" && echo "removed old backup: $old"; done
