#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Startup cost of nsrun --enter against nsenter(1): both enter every
# namespace of one target (mount, UTS, IPC, network and, with --pid, PID
# with its fork) and run true, interleaved by bench-run. Without root the
# target is a rootless one of the caller's own, entered with
# --preserve-credentials.

. "$NS_SOURCE_ROOT/tests/lib.sh"
if [ ! -x /usr/bin/nsenter ]; then
	echo "bench-enter: no /usr/bin/nsenter to compare with"
	exit 77
fi
ns_setup >/dev/null
cp "$BENCH_RUN" "$T/bin/bench-run"
pid=
extra=()
[ "${1:-}" = --pid ] && pid=--pid
if [ "$(id -u)" -eq 0 ]; then
	"$UNSHARE" --net --uts --ipc --mount $pid ${pid:+--fork} sleep 900 &
else
	"$UNSHARE" -r --net --uts --ipc --mount $pid ${pid:+--fork} sleep 900 &
	extra=(--preserve-credentials)
fi
tgt=$!
sleep 0.3
[ -n "$pid" ] && tgt=$(cut -d' ' -f1 "/proc/$tgt/task/$tgt/children")
"$T/bin/bench-run" -n "${BENCH_RUNS:-200}" -w 10 \
	-- "$NSRUN" --enter -t "$tgt" -a "${extra[@]}" /bin/true \
	-- /usr/bin/nsenter -t "$tgt" -a "${extra[@]}" /bin/true
