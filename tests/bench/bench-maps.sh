#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Range maps without root: nsrun writing both maps through one run of a
# set-user-ID nsmap against unshare(1) running newuidmap and newgidmap, as
# a throwaway user with subordinate ids, interleaved by bench-run. Root
# only (it makes the user and installs nsmap); exits 77 otherwise.

. "$NS_SOURCE_ROOT/tests/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
	echo "bench-maps: needs root to create a user and install nsmap set-user-ID"
	exit 77
fi
ns_setup >/dev/null
nsmap_install || { echo "bench-maps: cannot install nsmap privileged"; exit 1; }
ns_subuser_create || { echo "bench-maps: cannot create a user with subordinate ids"; exit 1; }
U0=$SUBUID_START
G0=$SUBGID_START
cp "$BENCH_RUN" "$T/bin/bench-run"
# bench-run passes its environment on: nsrun finds nsmap there
export NSRUN_NSMAP=$T/suid/nsmap
"$T/bin/bench-run" -n "${BENCH_RUNS:-200}" -w 10 -u "$SUB_UID:$SUB_GID" \
	-- "$NSRUN" --map-users=0:$U0:65536 --map-groups=0:$G0:65536 true \
	-- "$UNSHARE" --map-users=$U0,0,65536 --map-groups=$G0,0,65536 true
rc=$?
ns_subuser_remove || rc=1
exit $rc
