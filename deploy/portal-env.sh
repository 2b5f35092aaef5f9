# Sourced by deploy/backup.sh and deploy/restore.sh: the site's environment, as the systemd
# unit gives it to the app (PORTAL_ENV, default /etc/portal/portal.env, read when readable),
# and where the checkout, its flask command and the instance/ folder are.
PORTAL_DIR=$(cd "$(dirname "$0")/.." && pwd)
PORTAL_ENV=${PORTAL_ENV:-/etc/portal/portal.env}
if [ -r "$PORTAL_ENV" ]; then
    set -a
    . "$PORTAL_ENV"
    set +a
fi
FLASK=${FLASK:-"$PORTAL_DIR/.venv/bin/flask"}
FLASK_APP="$PORTAL_DIR/wsgi.py"
export FLASK_APP
INSTANCE=${INSTANCE_PATH:-"$PORTAL_DIR/instance"}
