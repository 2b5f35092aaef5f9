#!/bin/sh
# Restore a backup of deploy/backup.sh into an EMPTY database and instance/ folder:
#
#   1. checks the backup's SHA256SUMS;
#   2. puts back instance/secret_key (when the backup has one and SECRET_KEY is not set);
#   3. creates the tables at the backup's revision and loads the archive (`flask import
#      --migrate`: rows, files, sequences, search index), then brings the database to this
#      release's revision (`flask db upgrade`).
#
# The statistics come back from the database: the app refills Redis from it (the import
# clears this site's statistics keys in Redis, so old counters never mix with the restored).
#
# Usage: deploy/restore.sh BACKUP_FOLDER      (a portal-YYYYMMDDTHHMMSSZ folder)
# Environment: PORTAL_ENV (default /etc/portal/portal.env, read when readable).
# Stop the site first; the database must be new and empty (createdb, or no SQLite file).
set -eu

if [ $# -ne 1 ] || [ ! -f "$1/site.tar.gz" ]; then
    echo "usage: $0 BACKUP_FOLDER (a folder of deploy/backup.sh, with site.tar.gz)" >&2
    exit 2
fi
BACKUP=$(cd "$1" && pwd)
. "$(dirname "$0")/portal-env.sh"

umask 077
if [ -f "$BACKUP/SHA256SUMS" ]; then
    (cd "$BACKUP" && sha256sum --quiet -c SHA256SUMS)
fi
mkdir -p "$INSTANCE"
if [ -z "${SECRET_KEY:-}" ] && [ -f "$BACKUP/secret_key" ]; then
    if [ -f "$INSTANCE/secret_key" ] && ! cmp -s "$BACKUP/secret_key" "$INSTANCE/secret_key"; then
        mv "$INSTANCE/secret_key" "$INSTANCE/secret_key.before-restore"
    fi
    cp "$BACKUP/secret_key" "$INSTANCE/secret_key"
fi

# --migrate: first `flask db upgrade REV` to the backup's revision on the empty database
# (`flask import --revision ARCHIVE` prints it), after the import `flask db upgrade`.
"$FLASK" import --migrate "$BACKUP/site.tar.gz"
echo "Restored $BACKUP"
