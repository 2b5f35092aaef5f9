#!/bin/sh
# Back up the whole site into one dated folder: BACKUP_DIR/portal-YYYYMMDDTHHMMSSZ/
#
#   site.tar.gz   `flask export`: every table of the database (SQLite or PostgreSQL, read in
#                 one consistent snapshot), every file under instance/uploads/ and the
#                 database revision, with a manifest of checksums. The statistics Redis holds
#                 are written into the database first (spool replay, view counters, today's
#                 and yesterday's totals), so the archive has the counters as they stand.
#   secret_key    instance/secret_key, when the site uses it (no SECRET_KEY in its env file):
#                 sessions and visitors' cookies stay valid after a restore.
#   SHA256SUMS    to check a copy taken off the server (`sha256sum -c SHA256SUMS`).
#
# Usage: deploy/backup.sh [BACKUP_DIR]      (default $BACKUP_DIR, else /var/backups/portal)
# Environment: PORTAL_ENV (default /etc/portal/portal.env, read when readable),
# BACKUP_KEEP (backups kept in BACKUP_DIR, default 14; 0 keeps all).
# Run it as the site's user (it reads instance/), while the site runs.
set -eu

. "$(dirname "$0")/portal-env.sh"
DEST=${1:-${BACKUP_DIR:-/var/backups/portal}}
KEEP=${BACKUP_KEEP:-14}

umask 077
mkdir -p "$DEST"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
TARGET="$DEST/portal-$STAMP"
mkdir "$TARGET"

"$FLASK" export "$TARGET/site.tar.gz"
if [ -z "${SECRET_KEY:-}" ] && [ -f "$INSTANCE/secret_key" ]; then
    cp "$INSTANCE/secret_key" "$TARGET/secret_key"
fi
(cd "$TARGET" && sha256sum -- * > SHA256SUMS)

if [ "$KEEP" -gt 0 ]; then
    # Dated names sort by time: everything but the newest KEEP goes.
    ls -1d "$DEST"/portal-*Z 2>/dev/null | sort | head -n "-$KEEP" | while read -r old; do
        rm -rf -- "$old"
    done
fi
echo "$TARGET"
