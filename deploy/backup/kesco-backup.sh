#!/bin/sh
# Nightly backup of the central server's database (run by kesco-backup.timer; docs/DEPLOY.md).
# A custom-format pg_dump (consistent snapshot, taken while the server keeps serving), checked
# by listing it with pg_restore, older ones pruned, then recorded for the HQ board and the
# KescoBackupMissing alert. Exercised by tests/deploy/test_restore_drill.py.
#
# Environment: PGHOST, PGPORT, PGUSER, PGDATABASE (libpq; a password in ~/.pgpass or
# PGPASSFILE), BACKUP_DIR (default /var/backups/kesco), KEEP_DAYS (default 14),
# CENTRAL_SERVER (default /opt/kesco/venv/bin/central-server), CENTRAL_DATABASE_URL (for it).
set -eu

BACKUP_DIR=${BACKUP_DIR:-/var/backups/kesco}
KEEP_DAYS=${KEEP_DAYS:-14}
CENTRAL_SERVER=${CENTRAL_SERVER:-/opt/kesco/venv/bin/central-server}
DB=${PGDATABASE:-kesco}

mkdir -p "$BACKUP_DIR"
started=$(date --iso-8601=seconds)
file="$BACKUP_DIR/kesco-$(date +%Y%m%d-%H%M%S).dump"

# write to a temporary name: a dump that broke half-way must never look like a good one
pg_dump --format=custom --compress=6 --file="$file.part" "$DB"
pg_restore --list "$file.part" >/dev/null
mv "$file.part" "$file"

find "$BACKUP_DIR" -name 'kesco-*.dump' -mtime +"$KEEP_DAYS" -delete

$CENTRAL_SERVER backup record --at "$started" --note "pg_dump $(basename "$file") $(du -h "$file" | cut -f1)"
echo "backup written: $file"
