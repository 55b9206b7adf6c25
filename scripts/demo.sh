#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
#
# The README's demo: builds the example programs with CMake into build-demo/ and runs the
# tutorial's scenarios on loopback, showing what each side printed.
#
#   scripts/demo.sh            every scenario
#   scripts/demo.sh 2          only scenario 2 (several numbers may be given)
#
# Installs the packages it lacks with apt-get when run as root; otherwise prints the install
# line and stops. Each scenario is a function demo_scenarioN: add one to add a scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. scripts/deps.sh
socklite_need_packages g++ cmake ninja-build python3  # python3: the web server of scenario 4

build=${SOCKLITE_DEMO_BUILD:-$root/build-demo}
bin=$build/examples
work=$(mktemp -d)
pids=()  # background programs still to be reaped; killed (by PID) if the script stops early

cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# ---- helpers ----------------------------------------------------------------------------------

banner() { printf '\n==== %s\n' "$*"; }
say() { printf '  %s\n' "$*"; }

# start NAME STDIN ARGS...: runs example NAME in the background (bounded by timeout(1)), stdin
# from STDIN, stdout and stderr into $work/NAME.out and $work/NAME.err; sets $last_pid.
start() {
    local name=$1 input=$2
    shift 2
    say "\$ $name $*  &"
    timeout 60 "$bin/$name" "$@" <"$input" >"$work/$name.out" 2>"$work/$name.err" &
    last_pid=$!
    pids+=("$last_pid")
}

# wait_text FILE TEXT: waits (at most 15 s) until FILE contains the line TEXT.
wait_text() {
    local i
    for ((i = 0; i < 150; i++)); do
        grep -qxF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "demo: timed out waiting for '$2' in $(basename "$1")" >&2
    return 1
}

# wait_port NAME: waits for NAME's "listening on HOST:PORT" line and prints PORT.
wait_port() {
    local i line
    for ((i = 0; i < 150; i++)); do
        line=$(grep -m1 '^listening on ' "$work/$1.err" 2>/dev/null || true)
        if [ -n "$line" ]; then
            echo "${line##*:}"
            return 0
        fi
        sleep 0.1
    done
    echo "demo: $1 did not start listening:" >&2
    cat "$work/$1.err" >&2
    return 1
}

# finish PID NAME: waits for NAME to exit and reports its exit status (a failure is noted in
# $failed, so the outputs are still shown).
failed=0
finish() {
    local status=0 pid rest=()
    wait "$1" || status=$?
    for pid in "${pids[@]}"; do [ "$pid" = "$1" ] || rest+=("$pid"); done
    pids=("${rest[@]}")
    say "$2 exited with status $status"
    [ "$status" -eq 0 ] || failed=1
}

# show NAME: what NAME printed, each line labelled with the program and the stream.
show() {
    local stream line
    for stream in out err; do
        [ -s "$work/$1.$stream" ] || continue
        while IFS= read -r line || [ -n "$line" ]; do
            printf '  %-12s %s | %s\n' "$1" "std$stream" "$line"
        done <"$work/$1.$stream"
    done
}

# fetch LABEL ARGS...: runs http_get ARGS (bounded) and shows its output (the progress bar's
# carriage returns as new lines); a non-zero exit is noted in $failed.
fetch() {
    local label=$1 status=0
    shift
    say "\$ http_get $*"
    timeout 60 "$bin/http_get" "$@" >"$work/$label.out" 2>"$work/$label.err" || status=$?
    tr -d '\r' <"$work/$label.out" >"$work/$label.tmp" && mv "$work/$label.tmp" "$work/$label.out"
    tr '\r' '\n' <"$work/$label.err" | grep -v '^$' >"$work/$label.tmp" || true
    mv "$work/$label.tmp" "$work/$label.err"
    show "$label"
    say "http_get exited with status $status"
    [ "$status" -eq 0 ] || failed=1
    echo
}

# ---- the scenarios ----------------------------------------------------------------------------

# Scenario 1: the client sends "allen", the server prints it and answers "hello".
demo_scenario1() {
    banner "Scenario 1: hello_server and hello_client, one message each way"
    start hello_server /dev/null --host 127.0.0.1 --port 0
    local server=$last_pid port
    port=$(wait_port hello_server)
    start hello_client /dev/null --port "$port" allen
    local client=$last_pid
    finish "$client" hello_client
    finish "$server" hello_server
    echo
    show hello_server
    show hello_client
}

# Scenario 2: a chat. Each side's stdin is a pipe this script types into; it waits until each
# line has reached the other side before typing the next one, so the transcript is the same on
# every run. Either side may type at any time: the client sends two lines in a row.
demo_scenario2() {
    banner "Scenario 2: chat_server and chat_client, both typing"
    mkfifo "$work/server.in" "$work/client.in"
    start chat_server "$work/server.in" --host 127.0.0.1 --port 0
    local server=$last_pid port
    exec 3>"$work/server.in"  # the server's keyboard
    port=$(wait_port chat_server)
    start chat_client "$work/client.in" --port "$port"
    local client=$last_pid
    exec 4>"$work/client.in"  # the client's keyboard

    type_line() {  # type_line client|server TEXT: types TEXT, waits until the other side printed it
        local other=chat_client fd=3
        [ "$1" = client ] && other=chat_server fd=4
        say "($1 types) $2"
        printf '%s\n' "$2" >&"$fd"
        wait_text "$work/$other.out" "$2"
    }
    type_line client "hi, I'm allen"
    type_line server "hello allen, how can I help?"
    type_line client "two lines in a row,"
    type_line client "no waiting for my turn"
    type_line server "that's full duplex: 你好!"
    say "(client's stdin ends: it says goodbye, the server exits, then the client)"
    exec 4>&-
    finish "$server" chat_server
    finish "$client" chat_client
    exec 3>&-
    echo
    show chat_server
    show chat_client
}

# Scenario 3: a support agent (support_server's stdin and stdout) and two customers (unchanged
# chat_clients) at once, on one thread and one event loop. Each customer's line shows up as
# `[N] text`; the agent's `@N text` reaches customer N alone. As in scenario 2, the script waits
# for each line to arrive before typing the next, so the transcript is the same on every run.
demo_scenario3() {
    banner "Scenario 3: support_server and two chat_clients; a reply reaches its addressee only"
    mkfifo "$work/agent.in" "$work/alice.in" "$work/bob.in"
    start support_server "$work/agent.in" --host 127.0.0.1 --port 0
    local server=$last_pid port alice bob
    exec 5>"$work/agent.in"  # the agent's keyboard
    port=$(wait_port support_server)

    customer() {  # customer NAME: starts a chat_client whose output goes to $work/NAME.*
        say "\$ chat_client --port $port  &   # $1"
        # 5>&- 6>&- 7>&-: the keyboards of the others stay ours, or their stdin would never end.
        timeout 60 "$bin/chat_client" --port "$port" <"$work/$1.in" >"$work/$1.out" 2>"$work/$1.err" \
            5>&- 6>&- 7>&- &
        last_pid=$!
        pids+=("$last_pid")
    }
    customer alice
    alice=$last_pid
    exec 6>"$work/alice.in"
    wait_text "$work/support_server.out" "* 1 joined"
    customer bob
    bob=$last_pid
    exec 7>"$work/bob.in"
    wait_text "$work/support_server.out" "* 2 joined"

    says() {  # says alice|bob|agent TEXT WHERE LINE: types TEXT, waits for LINE in file WHERE
        local fd=5
        [ "$1" = alice ] && fd=6
        [ "$1" = bob ] && fd=7
        say "($1 types) $2"
        printf '%s\n' "$2" >&"$fd"
        wait_text "$work/$3" "$4"
    }
    says alice "hi, my order is late" support_server.out "[1] hi, my order is late"
    says bob "how do I reset my password?" support_server.out "[2] how do I reset my password?"
    says agent "/list" support_server.out "* connected: 1 2"
    says agent "@2 use the 'forgot password' link" bob.out "use the 'forgot password' link"
    says agent "@1 sorry! it ships today" alice.out "sorry! it ships today"
    says agent "@7 anyone?" support_server.err "support_server: no customer 7: nothing sent"
    say "(alice's stdin ends: she leaves; then the agent's stdin ends: the server says goodbye)"
    exec 6>&-
    finish "$alice" "chat_client (alice)"
    wait_text "$work/support_server.out" "* 1 left"
    exec 5>&-
    finish "$server" support_server
    finish "$bob" "chat_client (bob)"
    exec 7>&-
    echo
    show support_server
    show alice
    show bob
}

# Scenario 4: the tutorial's hand-written GET, grown into http_get. Python's http.server serves a
# small directory on a loopback port it picks itself; http_get prints the status line, the
# header block, a blank line and the body; --raw shows the bytes exactly as received (the
# tutorial's flow, Connection: close); -o downloads a file with a progress bar.
demo_scenario4() {
    banner "Scenario 4: http_get against a local web server (python3 -m http.server)"
    command -v python3 >/dev/null || { echo "demo: scenario 4 needs python3" >&2; return 1; }
    mkdir -p "$work/www"
    printf '<html><body>hello from socklite</body></html>\n' >"$work/www/index.html"
    head -c 300000 /dev/urandom >"$work/www/big.bin"
    say "\$ python3 -m http.server --bind 127.0.0.1 --directory www 0  &"
    timeout 60 python3 -u -m http.server --bind 127.0.0.1 --directory "$work/www" 0 \
        >"$work/httpd.out" 2>"$work/httpd.err" &
    local server=$! i port=""
    pids+=("$server")
    for ((i = 0; i < 150; i++)); do
        port=$(sed -n 's/^Serving HTTP on .* port \([0-9]*\) .*/\1/p' "$work/httpd.out" | head -1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    if [ -z "$port" ]; then
        echo "demo: http.server did not start:" >&2
        cat "$work/httpd.err" >&2
        return 1
    fi
    local url="http://127.0.0.1:$port"
    fetch http_get "$url/index.html"
    fetch http_get "--raw" "$url/index.html"
    fetch http_get -o "$work/big.copy" "$url/big.bin"
    if cmp -s "$work/www/big.bin" "$work/big.copy"; then
        say "big.bin downloaded byte for byte ($(wc -c <"$work/big.copy") bytes)"
    else
        say "big.bin download differs!"
        failed=1
    fi
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    local pid rest=()
    for pid in "${pids[@]}"; do [ "$pid" = "$server" ] || rest+=("$pid"); done
    pids=("${rest[@]}")
}

# Scenario 4 again, both ends ours: http_server serves the same kind of directory and http_get
# fetches from it over one kept-alive connection; SIGTERM stops the server gracefully (exit 0).
demo_scenario5() {
    banner "Scenario 4 against our own server: http_get from http_server --root www"
    mkdir -p "$work/site"
    printf '<html><body>hello from http_server</body></html>\n' >"$work/site/index.html"
    head -c 300000 /dev/urandom >"$work/site/big.bin"
    start http_server /dev/null --host 127.0.0.1 --port 0 --root "$work/site" --threads 1
    local server=$last_pid port
    port=$(wait_port http_server)
    local url="http://127.0.0.1:$port"
    fetch own_index "$url/"
    fetch own_two "$url/hello" "$url/index.html"
    fetch own_big -o "$work/site.copy" "$url/big.bin"
    if cmp -s "$work/site/big.bin" "$work/site.copy"; then
        say "big.bin downloaded byte for byte ($(wc -c <"$work/site.copy") bytes)"
    else
        say "big.bin download differs!"
        failed=1
    fi
    say "\$ kill -TERM $server   # graceful stop"
    kill -TERM "$server"
    finish "$server" http_server
}

# ---- main -------------------------------------------------------------------------------------

banner "Building the examples into ${build#"$root"/}"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DSOCKLITE_BUILD_TESTS=OFF -DSOCKLITE_BUILD_EXAMPLES=ON >/dev/null
cmake --build "$build" -j "$(nproc)"

scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
    for n in 1 2 3 4 5 6 7 8 9; do
        declare -F "demo_scenario$n" >/dev/null && scenarios+=("$n")
    done
fi
for n in "${scenarios[@]}"; do
    if ! declare -F "demo_scenario$n" >/dev/null; then
        echo "demo: no scenario $n" >&2
        exit 1
    fi
    "demo_scenario$n"
done
if [ "$failed" -ne 0 ]; then
    banner "demo FAILED: a program exited with a non-zero status"
    exit 1
fi
banner "demo finished"
