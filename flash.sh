#!/usr/bin/env bash
# "Flash" the opennmc firmware onto a board.
#
#   ./flash.sh sim [--profile NAME] [--baud N] [--data-dir DIR] [--control HOST:PORT] [--nut-port N]
#                  [--ssh-port N]
#       Runs the card here: the UPS simulator on a pseudo-terminal and the firmware reading it,
#       both in the foreground until Ctrl-C (or SIGTERM), which stops both cleanly.
#       Defaults: netys-rt, 9600 baud, .sim-data; the simulator's control port and the card's
#       NUT and SSH ports are their own defaults unless given (0 = any free port). The card's
#       serial console is a pseudo-terminal linked at DIR/console.tty.
#   ./flash.sh pi [USER@]HOST [--port N] [--identity KEYFILE] [--ssh-option OPT] [--root DIR]
#                 [--serial DEVICE] [--emd DEVICE] [--dry-run DIR]
#       Installs the card over SSH on Raspberry Pi OS: system user opennmc, venv in /opt/opennmc
#       with pinned dependencies, data in /var/lib/opennmc (kept), service opennmc (systemd).
#       Re-running it upgrades in place. --serial names the UPS line (default /dev/serial0; a USB
#       adapter by its /dev/serial/by-id/ name), --emd the EMD's RS-485 adapter. --dry-run DIR
#       writes the exact file tree it would install into DIR and stops. --root installs under
#       another folder of the target (files only: no user, no systemctl).
#   ./flash.sh esp32 PORT     (not yet supported)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"

usage() {
    sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

ensure_venv() {  # .venv with the project and the simulator; reinstall only if pyproject changed
    local hash want
    hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    want="sim $hash"
    [ -x .venv/bin/python ] || "$PY" -m venv .venv
    # tools/test.sh installs '.[test,sim]', a superset: its stamp for the same file counts too.
    if { [ "$(cat .venv/.stamp-sim 2>/dev/null)" != "$want" ] \
            && [ "$(cat .venv/.stamp-test 2>/dev/null)" != "test,sim $hash" ]; } \
            || [ ! -x .venv/bin/opennmc ] || [ ! -x .venv/bin/upssim ]; then
        echo "flash.sh: installing opennmc and the simulator into .venv (first run only)"
        .venv/bin/python -m pip install -q --upgrade pip
        .venv/bin/python -m pip install -q -e '.[sim]'
        echo "$want" > .venv/.stamp-sim
    fi
}

build_web() {  # web/dist: install the locked npm packages when they changed, then bundle the UI
    if ! command -v npm >/dev/null; then
        echo "flash.sh: npm is missing (Debian package nodejs): the web UI is not built" >&2
        return 0
    fi
    local want
    want="$(sha256sum web/package-lock.json | cut -d' ' -f1)"
    if [ "$(cat web/node_modules/.stamp-npm 2>/dev/null)" != "$want" ]; then
        echo "flash.sh: installing the web UI's npm packages (first run only)"
        (cd web && npm ci --no-audit --no-fund --loglevel=error) || return 1
        echo "$want" > web/node_modules/.stamp-npm
    fi
    (cd web && node build.mjs >/dev/null) || { echo "flash.sh: web UI build failed" >&2; return 1; }
}

wait_ready() {  # wait_ready LOG PATTERN PID: the line of LOG matching PATTERN, or fail
    local log=$1 pattern=$2 pid=$3 i line
    for i in $(seq 1 300); do
        line=$(grep -m1 "$pattern" "$log" 2>/dev/null || true)
        if [ -n "$line" ]; then
            echo "$line"
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "flash.sh: process $pid ended before it was ready; its log ($log):" >&2
            cat "$log" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "flash.sh: not ready after 30 s; see $log" >&2
    return 1
}

flash_sim() {
    local profile=netys-rt baud=9600 data_dir=.sim-data
    local -a sim_opts=() card_opts=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --profile) profile=${2:?--profile needs a name}; shift 2 ;;
            --baud) baud=${2:?--baud needs a rate}; shift 2 ;;
            --data-dir) data_dir=${2:?--data-dir needs a folder}; shift 2 ;;
            --control) sim_opts+=(--control "${2:?--control needs HOST:PORT}"); shift 2 ;;
            --nut-port) card_opts+=(--set "nut.port=${2:?--nut-port needs a port}"); shift 2 ;;
            --ssh-port) card_opts+=(--set "ssh.port=${2:?--ssh-port needs a port}"); shift 2 ;;
            -h|--help) usage ;;
            *) echo "flash.sh: unknown option $1" >&2; usage ;;
        esac
    done
    ensure_venv
    build_web
    mkdir -p "$data_dir"
    data_dir="$(cd "$data_dir" && pwd)"
    local link="$data_dir/ups.tty" sim_log="$data_dir/upssim.log" card_log="$data_dir/opennmc.log"
    local sim_pid="" card_pid=""

    stop_all() {
        trap - INT TERM EXIT
        [ -n "$card_pid" ] && kill -TERM "$card_pid" 2>/dev/null && wait "$card_pid" 2>/dev/null
        [ -n "$sim_pid" ] && kill -TERM "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
        echo "flash.sh: stopped"
    }
    trap 'stop_all; exit 0' INT TERM
    trap stop_all EXIT

    .venv/bin/upssim --profile "$profile" --baud "$baud" --link "$link" "${sim_opts[@]}" \
        >"$sim_log" 2>&1 &
    sim_pid=$!
    local sim_ready
    sim_ready=$(wait_ready "$sim_log" "^upssim ready" "$sim_pid")
    .venv/bin/opennmc run --board sim --serial "$link" --data-dir "$data_dir" \
        "${card_opts[@]}" >"$card_log" 2>&1 &
    card_pid=$!
    local card_ready
    card_ready=$(wait_ready "$card_log" "^opennmc ready" "$card_pid")
    local nut upsc_host ssh console
    nut=$(sed -n 's/.*nut=\([^ ]*\).*/\1/p' <<<"$card_ready")
    local web mac first
    web=$(sed -n 's/.*http=\([^ ]*\).*/\1/p' <<<"$card_ready")
    mac=$(sed -n 's/^mac = "\(.*\)"/\1/p' board/sim/board.toml)
    first=${mac//:/}
    first=${first: -6}
    upsc_host=${nut%:3493}     # NUT's standard port needs no mention in upsc's argument
    ssh=$(sed -n 's/.*ssh=\([^ ]*\).*/\1/p' <<<"$card_ready")
    console=$(sed -n 's/.*console=\([^ ]*\).*/\1/p' <<<"$card_ready")
    local ssh_try="" console_try=""
    [ -n "$ssh" ] && ssh_try="try: ssh -p ${ssh##*:} admin@${ssh%:*}"
    [ -n "$console" ] && console_try="try: .venv/bin/pyserial-miniterm --raw --eol CR $console"
    cat <<EOF

  opennmc is running on the simulated board (profile $profile, $baud baud)

    web interface      http://${web:-not running (see $card_log)}/
    NUT server         ${nut:-not running (see $card_log)}    try: upsc ups@$upsc_host
    SSH console        ${ssh:-not running (see $card_log)}    $ssh_try
    serial console     ${console:-not running (see $card_log)}
                       $console_try
    card status        .venv/bin/opennmc status --data-dir $data_dir
    simulator control  ${sim_ready##*control=}
                       try: .venv/bin/upssim ctl --control ${sim_ready##*control=} scenario mains-failure
    admin password     $first (first access: MAC $mac; the web asks for a new password)
    logs               $card_log, $sim_log

  Ctrl-C stops both.
EOF
    # Stay in the foreground until either process ends or a signal arrives.
    wait -n "$sim_pid" "$card_pid" || true
    echo "flash.sh: a process ended; see $card_log and $sim_log" >&2
    exit 1
}

flash_pi() {
    local host="" dry_run="" root=/ serial="" emd=""
    local -a ssh_opts=(-o BatchMode=yes -o ConnectTimeout=15) tree_opts=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --dry-run) dry_run=${2:?--dry-run needs a folder}; shift 2 ;;
            --port) ssh_opts+=(-p "${2:?--port needs a number}"); shift 2 ;;
            --identity) ssh_opts+=(-i "${2:?--identity needs a key file}"); shift 2 ;;
            --ssh-option) ssh_opts+=(-o "${2:?--ssh-option needs OPTION=VALUE}"); shift 2 ;;
            --root) root=${2:?--root needs a folder}; shift 2 ;;
            --serial) tree_opts+=(--serial "${2:?--serial needs a device}"); shift 2 ;;
            --emd) tree_opts+=(--emd "${2:?--emd needs a device}"); shift 2 ;;
            -h|--help) usage ;;
            -*) echo "flash.sh: unknown option $1" >&2; usage ;;
            *) [ -z "$host" ] || usage; host=$1; shift ;;
        esac
    done
    [ -n "$host" ] || [ -n "$dry_run" ] || { echo "flash.sh: pi needs a HOST" >&2; usage; }
    ensure_venv
    build_web || true
    if [ -n "$dry_run" ]; then
        mkdir -p "$dry_run"
        .venv/bin/python -m tools.flash.pi_tree "$dry_run" "${tree_opts[@]}" >/dev/null
        echo "flash.sh: the tree ./flash.sh pi installs is in $dry_run (the venv is built there)"
        return 0
    fi
    local stage target
    stage=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$stage'" EXIT
    # The target's machine and Python: when they are this machine's, the pinned dependencies
    # travel as wheels built here; otherwise the target fetches them itself.
    target=$(ssh "${ssh_opts[@]}" "$host" \
        'python3 -c "import platform, sys; print(platform.machine(), *sys.version_info[:2])"') \
        || { echo "flash.sh: cannot run python3 on $host over SSH" >&2; exit 1; }
    here=$(.venv/bin/python -c 'import platform, sys; print(platform.machine(), *sys.version_info[:2])')
    if [ "$target" = "$here" ]; then
        echo "flash.sh: $host is $target like this machine: shipping prebuilt wheels"
        .venv/bin/python -m pip download -q --disable-pip-version-check --only-binary=:all: \
            -r board/rpi/requirements.txt -d "$stage/wheels" >/dev/null
        tree_opts+=(--wheels "$stage/wheels")
    else
        echo "flash.sh: $host is $target: it installs the pinned dependencies itself"
    fi
    .venv/bin/python -m tools.flash.pi_tree "$stage/tree" "${tree_opts[@]}" >/dev/null
    echo "flash.sh: copying to $host and installing under $root"
    # One connection: the tree as a tar stream, then the installer, as root (sudo if need be).
    tar -C "$stage/tree" -czf - . | ssh "${ssh_opts[@]}" "$host" "
        set -e
        stage=\$(mktemp -d)
        trap 'rm -rf \"\$stage\"' EXIT
        tar -xzf - -C \"\$stage\"
        sudo=''
        [ \"\$(id -u)\" -eq 0 ] || sudo='sudo -n'
        \$sudo sh \"\$stage/opt/opennmc/install.sh\" --from \"\$stage\" --root '$root'
    "
}

case "${1:-}" in
    sim) shift; flash_sim "$@" ;;
    pi) shift; flash_pi "$@" ;;
    esp32) echo "flash.sh: $1 is not yet supported (use: ./flash.sh sim)" >&2; exit 2 ;;
    *) usage ;;
esac
