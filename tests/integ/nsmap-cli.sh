#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsmap's own interface: --help, --version, usage errors, --check,
# --dry-run, --auto, --both, the message of an unprivileged nsmap, and
# nsrun writing its range maps through a privileged nsmap, both in one run,
# or through newuidmap/newgidmap when nsmap is not privileged.

. "$(dirname "$0")/../lib.sh"
ns_setup

U0=$SUBUID_START
G0=$SUBGID_START

case_usage() {
	local m=$1
	run_as "$m" "$NSMAP" --help
	expect_re "$m: --help" 0 "^See nsmap\\(1\\)\\.\$"
	run_as "$m" "$NSMAP" --version
	expect "$m: --version" 0 "nsmap $(sed -n "s/^ *version : '\\(.*\\)',.*/\\1/p" "$NS_SOURCE_ROOT/meson.build")"
	run_as "$m" "$NSMAP"
	expect "$m: no target: usage error" 1 ""
	[ "$ERR" = "nsmap: no target process given
Try 'nsmap --help' for more information." ] && ok "$m: no target: the message" ||
		not_ok "$m: no target: the message: $ERR"
	run_as "$m" "$NSMAP" --bogus 1
	expect "$m: unknown option" 1 ""
	run_as "$m" "$NSMAP" --gid --auto 1
	expect_re "$m: --gid with --auto" 1 ""
	printf '%s\n' "$ERR" | grep -qx "nsmap: --gid, --both, --auto and --check exclude each other" &&
		ok "$m: --gid with --auto: the message" || not_ok "$m: --gid with --auto: the message: $ERR"
	run_as "$m" "$NSMAP" --check 1
	expect "$m: --check with a target" 1 ""
	run_as "$m" "$NSMAP" --auto 1 0 0 1
	expect "$m: --auto with ranges" 1 ""
	run_as "$m" "$NSMAP" --both 1 0 0 1
	expect "$m: --both without --" 1 ""
	run_as "$m" "$NSMAP" 99999999 0 0 1 2
	expect "$m: four numbers: usage error before the target is looked at" 1 ""
	[ "$ERR" = "nsmap: 4 numbers given for the uid map: each range takes three (inner outer count)
Try 'nsmap --help' for more information." ] && ok "$m: four numbers: the message" ||
		not_ok "$m: four numbers: the message: $ERR"
}

# the staged copy has no privileges: which is what it says
case_unprivileged() {
	local m=$1
	[ "$m" = root ] && return
	target_start "$m"
	run_as "$m" "$NSMAP" "$TGT" 0 "$(mode_uid "$m")" 1
	refused "$m: an unprivileged nsmap names what it lacks" \
		"nsmap: cannot write the uid map: nsmap is neither set-user-ID root nor has the cap_setuid file capability"
	run_as "$m" "$NSMAP" --gid "$TGT" 0 "$(mode_gid "$m")" 1
	expect_err "$m: an unprivileged nsmap --gid names what it lacks" 1 \
		"^nsmap: cannot write the gid map: nsmap is neither set-user-ID root nor has the cap_setgid file capability\$"
	target_stop
	run_as "$m" "$NSMAP" --check
	expect_re "$m: --check without privileges: exit 1" 1 "^privileges: no privileges"
	printf '%s\n' "$ERR" | grep -qx "nsmap: cannot write uid maps: nsmap is neither set-user-ID root nor has the cap_setuid file capability" &&
		ok "$m: --check without privileges: why" || not_ok "$m: --check without privileges: why: $ERR"
}

case_check() {
	local d=$1 name
	name=$(id -nu "$SUB_UID")
	run_as sub "$T/$d/nsmap" --check
	expect "sub/$d: --check" 0 "user $name (uid $SUB_UID, gid $SUB_GID)
privileges: $([ "$d" = suid ] && echo set-user-ID root || echo file capabilities)
uid $SUB_UID (own id)
uid $U0-$((U0 + SUBID_COUNT - 1)) (/etc/subuid)
uid $SUBUID2_START-$((SUBUID2_START + SUBID2_COUNT - 1)) (/etc/subuid)
gid $SUB_GID (own id)
gid $G0-$((G0 + SUBID_COUNT - 1)) (/etc/subgid)
gid $SUBGID2_START-$((SUBGID2_START + SUBID2_COUNT - 1)) (/etc/subgid)"
	run_as user "$T/$d/nsmap" --check
	if [ "$RC" -eq 1 ] && [ "$ERR" = "nsmap: no line for user 'nobody' in /etc/subuid: only uid 65534 itself can be mapped
nsmap: no line for user 'nobody' in /etc/subgid: only gid 65534 itself can be mapped" ]; then
		ok "user/$d: --check: no subordinate lines, and what that means"
	else
		not_ok "user/$d: --check: no subordinate lines, and what that means"
		diag "status $RC, stdout: $OUT" "stderr: $ERR"
	fi
}

case_modes() {
	local d=$1 n=$T/$1/nsmap S=$SUB_UID G=$SUB_GID
	target_start sub
	run_as sub "$n" --dry-run "$TGT" 0 $U0 10 10 $SUBUID2_START 5
	expect "sub/$d: --dry-run prints the lines" 0 "0 $U0 10
10 $SUBUID2_START 5"
	run_as sub "$n" --dry-run --both "$TGT" 0 $U0 10 -- 0 "$G" 1
	expect "sub/$d: --dry-run --both, setgroups denied" 0 "uid_map:
0 $U0 10
gid_map:
setgroups: deny
0 $G 1"
	run_as sub "$n" --dry-run --auto "$TGT"
	expect "sub/$d: --dry-run --auto" 0 "uid_map:
0 $S 1
1 $U0 $SUBID_COUNT
gid_map:
0 $G 1
1 $G0 $SUBID_COUNT"
	[ "$(target_maps)" = "$EMPTY" ] && ok "sub/$d: --dry-run writes nothing" ||
		not_ok "sub/$d: --dry-run writes nothing: $(target_maps)"
	run_as sub "$n" --auto "$TGT"
	expect "sub/$d: --auto" 0 ""
	[ "$(target_maps)" = "0 $S 1;1 $U0 $SUBID_COUNT;|0 $G 1;1 $G0 $SUBID_COUNT;|allow;" ] &&
		ok "sub/$d: --auto: the maps" || not_ok "sub/$d: --auto: the maps: $(target_maps)"
	target_stop
	target_start sub
	run_as sub "$n" --both "$TGT" 0 $U0 10 -- 0 "$G" 1 1 $G0 10
	[ "$RC" -eq 0 ] && [ "$(target_maps)" = "0 $U0 10;|0 $G 1;1 $G0 10;|allow;" ] &&
		ok "sub/$d: --both" || not_ok "sub/$d: --both: status $RC, $(target_maps), $ERR"
	target_stop
	target_start sub
	run_as sub "$n" --gid "$TGT" 0 "$G" 1
	[ "$RC" -eq 0 ] && [ "$(target_maps)" = "|0 $G 1;|deny;" ] &&
		ok "sub/$d: --gid with the own gid only: setgroups denied" ||
		not_ok "sub/$d: --gid with the own gid only: status $RC, $(target_maps), $ERR"
	target_stop
	target_start user
	run_as user "$n" --auto "$TGT"
	expect_err "user/$d: --auto without a subuid line" 1 "^nsmap: no line for user 'nobody' in /etc/subuid\$"
	run_as user "$n" "$TGT" 0 65534 1
	[ "$RC" -eq 0 ] && [ "$(target_maps)" = "0 65534 1;||allow;" ] &&
		ok "user/$d: nobody maps its own uid" || not_ok "user/$d: nobody maps its own uid: $RC $ERR"
	target_stop
	target_start root
	run_as root "$n" "$TGT" 0 0 1 1 1 9
	expect_err "root/$d: root has no subordinate lines either" 1 \
		"^nsmap: uid range 1-9 is not allotted to user 'root' in /etc/subuid\$"
	run_as root "$n" "$TGT" 0 0 1
	[ "$RC" -eq 0 ] && [ "$(target_maps)" = "0 0 1;||allow;" ] &&
		ok "root/$d: root maps host uid 0 (CAP_SETFCAP kept)" ||
		not_ok "root/$d: root maps host uid 0: $RC $ERR $(target_maps)"
	target_stop
}

# nsrun through nsmap: NSRUN_NSMAP names it; both maps in one run; an
# unprivileged nsmap is passed over for newuidmap/newgidmap
case_nsrun() {
	local d=$1 S=$SUB_UID G=$SUB_GID MAPS="cat /proc/self/uid_map /proc/self/gid_map"
	run_as sub env NSRUN_NSMAP="$T/$d/nsmap" NSRUN_NEWUIDMAP=/nonexistent/newuidmap \
		NSRUN_NEWGIDMAP=/nonexistent/newgidmap "$NSRUN" --map-users=0:$U0:10 \
		--map-groups=0:$G0:20 -r $MAPS
	expect "sub/$d: nsrun --map-users/--map-groups -r through nsmap" 0 \
		"$(kmap "0 $S 1" "1 $U0 9" "0 $G 1" "1 $G0 19")"
	run_as sub env NSRUN_NSMAP="$T/$d/nsmap" NSRUN_NEWUIDMAP=/nonexistent/newuidmap \
		NSRUN_NEWGIDMAP=/nonexistent/newgidmap "$NSRUN" --map-auto $MAPS
	expect "sub/$d: nsrun --map-auto through nsmap" 0 "$(kmap "0 $U0 65536" "0 $G0 65536")"
	run_as sub env NSRUN_NSMAP="$T/$d/nsmap" NSRUN_NEWUIDMAP=/nonexistent/newuidmap \
		"$NSRUN" --map-subids $MAPS
	expect "sub/$d: nsrun --map-subids through nsmap" 0 \
		"$(kmap "$U0 $U0 65536" "$G0 $G0 65536")"
	run_as sub env NSRUN_NSMAP="$T/$d/nsmap" NSRUN_NEWGIDMAP=/nonexistent/newgidmap \
		"$NSRUN" --map-groups=0:$G0:10 $MAPS
	expect "sub/$d: nsrun --map-groups alone through nsmap --gid" 0 \
		"$(kmap "0 $G0 10")"
	run_as sub env NSRUN_NSMAP="$T/$d/nsmap" "$NSRUN" --map-users=0:6000000:10 true
	expect_err "sub/$d: nsrun: a range not allotted: nsmap's message" 1 \
		"^nsmap: uid range 6000000-6000009 is not allotted to user '$SUB_USER' in /etc/subuid\$"
	# strace shows the helper runs: one nsmap for both maps
	rm -f "$T/tr".*
	run_as root strace -qq -f -ff -s 256 -o "$T/tr" -e trace=execve -u "$SUB_USER" \
		env NSRUN_NSMAP="$T/$d/nsmap" "$NSRUN" --map-users=0:$U0:10 --map-groups=0:$G0:10 true
	if [ "$RC" -eq 0 ] && [ "$(cat "$T"/tr.* | grep -c 'execve("'"$T/$d/nsmap"'", \["'"$T/$d/nsmap"'", "--both", "[0-9]*", "0", "'$U0'", "10", "--", "0", "'$G0'", "10"\]')" -eq 1 ] &&
		! grep -q 'newuidmap\|newgidmap' "$T"/tr.*; then
		ok "sub/$d: nsrun runs nsmap once for both maps"
	else
		not_ok "sub/$d: nsrun runs nsmap once for both maps"
		diag "status $RC, stderr: $ERR" "$(grep -h execve "$T"/tr.*)"
	fi
	rm -f "$T/tr".*
}

case_nsrun_fallback() {
	local S=$SUB_UID G=$SUB_GID
	run_as sub env NSRUN_NSMAP="$NSMAP" "$NSRUN" --map-users=0:$U0:10 --map-groups=0:$G0:10 \
		cat /proc/self/uid_map /proc/self/gid_map
	expect "sub: an unprivileged nsmap: nsrun falls back to newuidmap/newgidmap" 0 \
		"$(kmap "0 $U0 10" "0 $G0 10")"
	run_as sub env NSRUN_NSMAP="$NSMAP" "$NSRUN" --map-users=0:6000000:10 true
	expect_err "sub: the fallback's message is newuidmap's" 1 "^newuidmap: "
	run_as sub env NSRUN_NSMAP=/nonexistent/nsmap "$NSRUN" --map-auto cat /proc/self/uid_map
	expect "sub: no nsmap at all: newuidmap/newgidmap" 0 "$(kmap "0 $U0 65536")"
}

cli_sub() {
	case_unprivileged sub
	for d in suid fcap; do
		case_check $d
		case_modes $d
		case_nsrun $d
	done
	case_nsrun_fallback
}

for_each_mode case_usage
for_each_mode case_unprivileged
if require_root "installing nsmap set-user-ID root needs root"; then
	if nsmap_install; then
		ok "nsmap installed set-user-ID root and with file capabilities"
	else
		not_ok "nsmap installed set-user-ID root and with file capabilities"
	fi
	with_subuser cli_sub
fi
ns_done
