#!/bin/sh
# Installs the opennmc tree that ./flash.sh pi staged on this machine (run as root).
#
#   sh install.sh --from STAGE [--root /]
#
# Re-running it upgrades in place: the release goes beside the others, the venv is rebuilt only
# when the pinned dependencies changed, the data folder and an edited board.toml are kept.
# With --root other than /, only files are written (no user, no systemctl): tests use it.
set -eu

FROM=""
ROOT=/
while [ $# -gt 0 ]; do
    case "$1" in
        --from) FROM=$2; shift 2 ;;
        --root) ROOT=$2; shift 2 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$FROM" ] || { echo "install.sh: --from STAGE is required" >&2; exit 2; }
S="$FROM/opt/opennmc"
VERSION=$(cat "$S"/releases/*/VERSION)
B="$ROOT/opt/opennmc"
say() { echo "install.sh: $*"; }

mkdir -p "$B/releases" "$B/bin" "$ROOT/etc/opennmc" "$ROOT/etc/systemd/system"

# 1. The release, beside the others (the same version again replaces its tree).
rm -rf "$B/releases/$VERSION.new" "$B/releases/$VERSION.old"
cp -R "$S/releases/$VERSION" "$B/releases/$VERSION.new"
if [ -d "$B/releases/$VERSION" ]; then
    mv "$B/releases/$VERSION" "$B/releases/$VERSION.old"
fi
mv "$B/releases/$VERSION.new" "$B/releases/$VERSION"
rm -rf "$B/releases/$VERSION.old"

# 2. The command and the boot guard (outside every release: a bad release cannot break them).
cp "$S/bin/opennmc" "$B/bin/opennmc.new" && chmod 0755 "$B/bin/opennmc.new"
mv "$B/bin/opennmc.new" "$B/bin/opennmc"
cp "$S/bin/opennmc-boot" "$B/bin/opennmc-boot.new" && chmod 0755 "$B/bin/opennmc-boot.new"
mv "$B/bin/opennmc-boot.new" "$B/bin/opennmc-boot"
cp "$S/install.sh" "$S/requirements.txt" "$S/requirements-pi.txt" "$B/"

# 3. The venv with the pinned dependencies, rebuilt only when they changed.
if ! cmp -s "$S/requirements.txt" "$B/venv/requirements.txt" 2>/dev/null; then
    say "building the Python environment (pinned dependencies)"
    rm -rf "$B/venv.new"
    python3 -m venv "$B/venv.new"
    PIP="$B/venv.new/bin/python -m pip install --disable-pip-version-check -q"
    if [ -d "$S/wheels" ]; then
        $PIP --no-index --find-links "$S/wheels" -r "$S/requirements.txt"
    else
        $PIP -r "$S/requirements.txt"
    fi
    if grep -qs "Raspberry Pi" /proc/device-tree/model && [ "$ROOT" = / ]; then
        $PIP -r "$S/requirements-pi.txt" \
            || say "warning: lgpio not installed: the LEDs and the reset button will not work"
    fi
    cp "$S/requirements.txt" "$B/venv.new/requirements.txt"
    rm -rf "$B/venv"
    mv "$B/venv.new" "$B/venv"
fi

# 4. The release the service runs (and the one a rollback goes back to).
OLD=$(basename "$(readlink "$B/current" 2>/dev/null || echo none)")
if [ "$OLD" != "$VERSION" ] && [ "$OLD" != none ]; then
    ln -s "releases/$OLD" "$B/previous.new" && mv -T "$B/previous.new" "$B/previous"
fi
ln -s "releases/$VERSION" "$B/current.new" && mv -T "$B/current.new" "$B/current"

# 5. Board description and service unit; an edited board.toml is kept.
if [ -f "$ROOT/etc/opennmc/board.toml" ] \
        && ! cmp -s "$FROM/etc/opennmc/board.toml" "$ROOT/etc/opennmc/board.toml"; then
    cp "$FROM/etc/opennmc/board.toml" "$ROOT/etc/opennmc/board.toml.new"
    say "kept /etc/opennmc/board.toml; the new one is board.toml.new"
else
    cp "$FROM/etc/opennmc/board.toml" "$ROOT/etc/opennmc/board.toml"
fi
cp "$FROM/etc/systemd/system/opennmc.service" "$ROOT/etc/systemd/system/opennmc.service"

# 6. The data folder: configuration, logs, keys. Never touched but for its owner.
mkdir -p "$ROOT/var/lib/opennmc"
chmod 0700 "$ROOT/var/lib/opennmc"

# 7. The system: a user of its own, serial and GPIO access, the service.
if [ "$ROOT" = / ]; then
    getent passwd opennmc >/dev/null || useradd --system --user-group --no-create-home \
        --home-dir /var/lib/opennmc --shell /usr/sbin/nologin opennmc
    usermod -a -G dialout opennmc
    if getent group gpio >/dev/null; then usermod -a -G gpio opennmc; fi
    chown -R opennmc:opennmc /var/lib/opennmc
    ln -sfn /opt/opennmc/bin/opennmc /usr/local/bin/opennmc
    systemctl daemon-reload
    systemctl enable opennmc.service
    systemctl restart opennmc.service
    say "opennmc $VERSION installed and started (systemctl status opennmc)"
else
    say "opennmc $VERSION installed under $ROOT (files only: no user, no systemctl)"
fi
