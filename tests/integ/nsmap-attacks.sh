#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsmap installed set-user-ID root and with file capabilities, attacked by
# a user with subordinate ids: each case tries one way to make it write
# what the user may not, or somewhere else, and checks that nothing was
# written. Root only (it installs nsmap privileged and makes the user).

. "$(dirname "$0")/../lib.sh"
ns_setup

U0=$SUBUID_START
G0=$SUBGID_START
HOSTILE=0

# attack DESC WANT-RC STDERR-RE CMD...: runs CMD as the throwaway user
# against a fresh target of its own ("@" in CMD is its PID); the status,
# a one-line stderr matching STDERR-RE ("" for none), and no map written
# (or, with WANT-RC 0, $WANT_MAPS).
attack() {
	local desc=$1 rc=$2 re=$3 maps
	shift 3
	HOSTILE=$((HOSTILE + 1))
	target_start sub
	run_as sub "${@//@/$TGT}"
	maps=$(target_maps)
	ERR=$(mask_pid "$ERR" "$TGT")
	target_stop
	local want=$EMPTY good=1
	[ "$rc" -eq 0 ] && want=$WANT_MAPS
	[ "$RC" -eq "$rc" ] && [ "$maps" = "$want" ] || good=0
	if [ -z "$re" ]; then
		[ -z "$ERR" ] || good=0
	elif [ "$(printf '%s\n' "$ERR" | wc -l)" -ne 1 ] || ! printf '%s\n' "$ERR" | grep -Eq -- "$re"; then
		good=0
	fi
	if [ $good -eq 1 ]; then
		ok "$DIR: $desc"
	else
		not_ok "$DIR: $desc"
		diag "status $RC (wanted $rc), maps $maps" "stderr: $ERR" "wanted stderr: $re"
	fi
}

case_ranges() {
	local n=$T/$DIR/nsmap r
	WANT_MAPS="0 $U0 10;||allow;"
	attack "a range of its own is written" 0 "" "$n" @ 0 $U0 10
	r="^nsmap: invalid uid range '%s' \\(count at least 1, ids below 4294967295\\)\$"
	# shellcheck disable=SC2059
	attack "count past 2^32" 1 "$(printf "$r" "0 $U0 4294967295")" "$n" @ 0 $U0 4294967295
	# shellcheck disable=SC2059
	attack "inner range wraps" 1 "$(printf "$r" "1 $U0 4294967295")" "$n" @ 1 $U0 4294967295
	# shellcheck disable=SC2059
	attack "outer range wraps" 1 "$(printf "$r" "0 4294967295 2")" "$n" @ 0 4294967295 2
	# shellcheck disable=SC2059
	attack "outer id 2^32" 1 "$(printf "$r" "0 4294967296 1")" "$n" @ 0 4294967296 1
	# shellcheck disable=SC2059
	attack "count 0" 1 "$(printf "$r" "0 $U0 0")" "$n" @ 0 $U0 0
	r="^nsmap: invalid number '%s' \\(decimal digits only, no sign, blank or leading zero\\)\$"
	local bad
	for bad in 0x0 0X0 00 +0 -0 -1 " 0" "0 " 1e3 0.0 ""; do
		# shellcheck disable=SC2059
		attack "inner id '$bad'" 1 "$(printf "$r" "$(printf '%s' "$bad" | sed 's/[+.]/\\&/g')")" \
			"$n" @ "$bad" $U0 1
	done
	# shellcheck disable=SC2059
	attack "outer id in hexadecimal" 1 "$(printf "$r" 0x2dc6c0)" "$n" @ 0 0x2dc6c0 1
	# shellcheck disable=SC2059
	attack "outer id with a leading zero (octal to strtoul)" 1 "$(printf "$r" "0$U0")" \
		"$n" @ 0 "0$U0" 1
	# shellcheck disable=SC2059
	attack "negative count" 1 "$(printf "$r" -1)" "$n" @ 0 $U0 -1
	attack "341 ranges" 1 "^nsmap: too many uid ranges: 341 \\(the kernel takes 340\\)\$" \
		"$n" @ $(seq_ranges 341 $U0)
	attack "340 ranges, longer than a page" 1 \
		"^nsmap: cannot write the uid map of process @: its text is longer than the kernel takes \\(less than one page\\)\$" \
		"$n" @ $(seq_ranges 340 $U0)
	attack "a range past the subordinate line" 1 \
		"^nsmap: uid range $U0-$((U0 + SUBID_COUNT)) is not allotted to user '$SUB_USER' in /etc/subuid\$" \
		"$n" @ 0 $U0 $((SUBID_COUNT + 1))
	attack "a gid range past the subordinate line" 1 \
		"^nsmap: gid range $G0-$((G0 + SUBID_COUNT)) is not allotted to user '$SUB_USER' in /etc/subgid\$" \
		"$n" --gid @ 0 $G0 $((SUBID_COUNT + 1))
	attack "host uid 0" 1 "^nsmap: uid range 0-0 includes host uid 0, which only root may map\$" \
		"$n" @ 0 0 1
	attack "host gid 0 in a range" 1 "^nsmap: gid range 0-9 includes host gid 0, which only root may map\$" \
		"$n" --gid @ 0 0 10
	attack "a good uid map, a bad gid map: neither written" 1 \
		"^nsmap: gid range 6000000-6000009 is not allotted" "$n" --both @ 0 $U0 10 -- 0 6000000 10
	attack "overlapping ranges" 1 "^nsmap: cannot write the uid map of process @: Invalid argument \\(two ranges overlap inside or outside\\)\$" \
		"$n" @ 0 $U0 10 5 $((U0 + 100)) 10
}

# targets of another user
case_owner() {
	local n=$T/$DIR/nsmap mode
	for mode in user root; do
		HOSTILE=$((HOSTILE + 1))
		target_start $mode
		run_as sub "$n" "$TGT" 0 $U0 10
		refused "$DIR: a target of $mode is refused" \
			"nsmap: process $TGT is owned by uid $(mode_uid $mode) gid $(mode_gid $mode), not by the caller (uid $SUB_UID gid $SUB_GID)"
		target_stop
	done
}

# fd:N: only a /proc/PID directory of the caller's own process
case_fd() {
	local n=$T/$DIR/nsmap
	mkdir -p "$T/fake"
	WANT_MAPS="0 $U0 10;||allow;"
	attack "fd:N on the target's /proc directory" 0 "" sh -c "exec 7</proc/@ && exec $n fd:7 0 $U0 10"
	HOSTILE=$((HOSTILE + 1))
	target_start sub
	ln -sfn "/proc/$TGT/uid_map" "$T/fake/uid_map"
	run_as sub sh -c "exec 7<'$T/fake' && exec '$n' fd:7 0 $U0 10"
	refused "$DIR: fd:N on a directory with a uid_map symlink is refused" \
		"nsmap: invalid target 'fd:7': not a /proc/PID directory"
	run_as sub sh -c "exec 7<'$T/fake' && exec '$T/$DIR/newuidmap' fd:7 0 $U0 10"
	# shadow 4.20's usage line (src/newuidmap.c upstream)
	refused "$DIR: as newuidmap: fd:N on a directory with a uid_map symlink is refused" \
		"usage: newuidmap [<pid>|fd:<pidfd>] <uid> <loweruid> <count> [ <uid> <loweruid> <count> ] ... "
	target_stop
	rm -rf "$T/fake"
	attack "fd:N on /proc itself" 1 "^nsmap: " sh -c "exec 7</proc && exec $n fd:7 0 $U0 10"
	attack "fd:N on a regular proc file" 1 "^nsmap: invalid target 'fd:7': not a /proc/PID directory\$" \
		sh -c "exec 7</proc/@/status && exec $n fd:7 0 $U0 10"
	attack "fd:N on /proc/1" 1 "^nsmap: process fd:7 is owned by uid 0 gid 0" \
		sh -c "exec 7</proc/1 && exec $n fd:7 0 $U0 10"
	attack "fd:N not open" 1 "^nsmap: invalid target 'fd:9': Bad file descriptor\$" "$n" fd:9 0 $U0 10
	attack "fd:N not decimal" 1 "^nsmap: invalid target 'fd:0x7' \\(expected a PID or fd:N\\)\$" \
		sh -c "exec 7</proc/@ && exec $n fd:0x7 0 $U0 10"
}

# A file mounted over the target's uid_map (root does it in a mount
# namespace the user then runs in): neither it nor the target is written.
case_bind() {
	local n=$T/$DIR/nsmap other src what
	for what in decoy other; do
		HOSTILE=$((HOSTILE + 1))
		target_start sub
		other=$TGT
		target_start sub
		printf 'decoy\n' >"$T/decoy"
		chown "$SUB_UID:$SUB_GID" "$T/decoy"
		src=$T/decoy
		[ $what = other ] && src=/proc/$other/uid_map
		run_as root unshare -m sh -c "mount --bind '$src' /proc/$TGT/uid_map &&
			exec setpriv --reuid=$SUB_UID --regid=$SUB_GID --clear-groups -- '$n' $TGT 0 $U0 10"
		if [ "$RC" -eq 1 ] && [ "$(target_maps)" = "$EMPTY" ] &&
			[ "$(target_maps "$other")" = "$EMPTY" ] && [ "$(cat "$T/decoy")" = decoy ] &&
			[ "$ERR" = "nsmap: cannot write the uid map of process $TGT: uid_map is not the kernel's file (something is mounted on it)" ]; then
			ok "$DIR: a bind mount over uid_map ($what) is not written through"
		else
			not_ok "$DIR: a bind mount over uid_map ($what) is not written through"
			diag "status $RC, maps $(target_maps), other $(target_maps "$other")" \
				"decoy: $(cat "$T/decoy")" "stderr: $ERR"
		fi
		target_stop
		TGT=$other
		target_stop
	done
}

case_second_write() {
	local n=$T/$DIR/nsmap
	HOSTILE=$((HOSTILE + 1))
	target_start sub
	run_as sub "$n" "$TGT" 0 $U0 10
	run_as sub "$n" "$TGT" 0 $((U0 + 100)) 10
	refused "$DIR: a second write is refused, the first map stays" \
		"nsmap: cannot write the uid map of process $TGT: it is already written" "0 $U0 10;||allow;"
	target_stop
}

# standard fds aimed at the map, or closed
case_fds() {
	local n=$T/$DIR/nsmap
	# the kernel takes no map through the user's own file, nor our lines
	WANT_MAPS="||allow;"
	attack "--dry-run's stdout on the target's uid_map" 0 "" \
		sh -c "exec $n --dry-run @ 0 $U0 10 >/proc/@/uid_map"
	attack "stderr on the target's uid_map, an error" 1 "" \
		sh -c "exec $n @ 0 6000000 10 2>/proc/@/uid_map"
	WANT_MAPS="0 $U0 10;||allow;"
	attack "stdout and stderr on the target's uid_map, a good write" 0 "" \
		sh -c "exec $n @ 0 $U0 10 >/proc/@/uid_map 2>&1"
	attack "fds 0, 1 and 2 closed, a good write" 0 "" \
		sh -c "exec $n @ 0 $U0 10 <&- >&- 2>&-"
	attack "fds 0, 1 and 2 closed, an error" 1 "" sh -c "exec $n @ 0 6000000 10 <&- >&- 2>&-"
	attack "an empty argument list" 1 "^nsmap: refusing to run with an empty argument list\$" \
		"$T/bin/exec-argv" "$n" 0 @ 0 $U0 10
	attack "an empty argument list, as newuidmap" 1 "^nsmap: refusing to run with an empty argument list\$" \
		"$T/bin/exec-argv" "$T/$DIR/newuidmap" 0 @ 0 $U0 10
	attack "an empty argv[0]" 1 "^nsmap: refusing to run with an empty argument list\$" \
		"$T/bin/exec-argv" "$n" 4 "" @ 0 $U0 10
	attack "a hostile environment: no locale, no preload" 1 \
		"^nsmap: cannot open process 99999999: No such process\$" \
		env LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8 LANGUAGE=de LOCPATH=$T NLSPATH=$T/%N \
		LD_PRELOAD=$T/nonexistent.so LD_LIBRARY_PATH=$T MALLOC_CHECK_=3 "$n" 99999999 0 $U0 10
}

# proc(5) hidepid: a process the user cannot see reads as no process
case_hidden() {
	local n=$T/$DIR/nsmap out
	HOSTILE=$((HOSTILE + 1))
	run_as root unshare -m sh -c "mount -t proc -o hidepid=2 proc /proc &&
		for p in 1 99999999; do
			setpriv --reuid=$SUB_UID --regid=$SUB_GID --clear-groups -- '$n' \$p 0 $U0 10
			echo \$?
		done"
	out=$(printf '%s\n' "$OUT" | tr '\n' ' ')
	if [ "$out" = "1 1 " ] && [ "$ERR" = "nsmap: cannot open process 1: No such process
nsmap: cannot open process 99999999: No such process" ]; then
		ok "$DIR: a hidden process reads as no process"
	else
		not_ok "$DIR: a hidden process reads as no process"
		diag "statuses $out" "stderr: $ERR"
	fi
}

# pid_of_child PID: the first child of PID
pid_of_child() {
	local c
	c=$(cat /proc/"$1"/task/*/children 2>/dev/null)
	[ -n "$c" ] && echo "${c%% *}"
}

# held_in PID NR: the child of PID (strace's tracee) sits in syscall number
# NR, held there by strace's delay; prints the child's PID. pidfd_open is
# 434 and openat2 437 on every architecture but alpha (both came after the
# syscall tables were unified).
held_in() {
	local c
	c=$(pid_of_child "$1") || return 1
	[ "$(cut -d' ' -f1 /proc/"$c"/syscall 2>/dev/null)" = "$2" ] || return 1
	echo "$c"
}
export -f pid_of_child held_in

# Mid-run, as seen by strace (which runs the set-user-ID program with its
# privileges, as root may): the credentials at the open of uid_map, and
# the fds then open.
case_midrun_creds() {
	local n=$T/$DIR/nsmap s c status fdflags=ok f want
	HOSTILE=$((HOSTILE + 1))
	target_start sub
	strace -qq -o /dev/null -u "$SUB_USER" -e trace=openat2 \
		-e inject=openat2:delay_enter=3000000:when=2 "$n" "$TGT" 0 $U0 10 \
		>"$T/st.out" 2>"$T/st.err" &
	s=$!
	wait_for 10 held_in $s 437 >/dev/null
	c=$(held_in $s 437)
	status=$(grep -E '^(Uid|Gid|CapInh|CapPrm|CapEff|CapAmb|NoNewPrivs):' /proc/"$c"/status |
		tr -s '\t ' ' ' | tr '\n' ';')
	for f in /proc/"$c"/fdinfo/*; do
		[ "${f##*/}" -le 2 ] && continue
		# O_CLOEXEC is 02000000 in fdinfo's octal flags
		[ $((0$(awk '/^flags:/ {print $2}' "$f") & 02000000)) -ne 0 ] || fdflags="fd ${f##*/} open across exec"
	done
	wait $s
	want="Uid: $SUB_UID $SUB_UID $SUB_UID $SUB_UID;Gid: $SUB_GID $SUB_GID $SUB_GID $SUB_GID;CapInh: 0000000000000000;CapPrm: 0000000000000080;CapEff: 0000000000000080;CapAmb: 0000000000000000;NoNewPrivs: 1;"
	if [ "$status" = "$want" ] && [ $fdflags = ok ] && [ "$(target_maps)" = "0 $U0 10;||allow;" ]; then
		ok "$DIR: at the open of uid_map: the caller's ids, CAP_SETUID alone, every fd close-on-exec"
	else
		not_ok "$DIR: at the open of uid_map: the caller's ids, CAP_SETUID alone, every fd close-on-exec"
		diag "status: $status" "wanted: $want" "fds: $fdflags" "maps $(target_maps)" \
			"stderr: $(cat "$T/st.err")"
	fi
	target_stop
}

# A PID that exits and is reused while nsmap runs: in a PID namespace of
# its own, strace holds nsmap right after a syscall (pidfd_open: before
# /proc/PID is opened; or the first openat2: after), the target is killed
# and its PID given to a new process of the same user. The new process
# must not get the map.
case_pid_reuse() {
	local n=$T/$DIR/nsmap point inject nr
	for point in pidfd_open:434 openat2:437; do
		nr=${point#*:}
		point=${point%:*}
		HOSTILE=$((HOSTILE + 1))
		inject="$point:delay_exit=3000000:when=1"
		run_as root unshare --pid --fork --mount-proc bash -c '
			as_sub() { exec setpriv --reuid='"$SUB_UID"' --regid='"$SUB_GID"' --clear-groups -- "$@"; }
			inns() { [ "$(readlink /proc/$1/ns/user)" != "$(readlink /proc/self/ns/user)" ]; }
			waitns() { for i in $(seq 100); do inns $1 && return 0; sleep 0.05; done; return 1; }
			as_sub '"$UNSHARE"' --user sleep 60 & p=$!
			waitns $p || exit 3
			strace -qq -o /dev/null -u '"$SUB_USER"' -e trace='"$point"' -e inject='"$inject"' \
				'"$n"' $p 0 '"$U0"' 10 2>'"$T"'/reuse.err & s=$!
			for i in $(seq 200); do held_in $s '"$nr"' >/dev/null && break; sleep 0.05; done
			held_in $s '"$nr"' >/dev/null || exit 5
			kill -KILL $p; wait $p 2>/dev/null
			echo $((p - 1)) >/proc/sys/kernel/ns_last_pid
			as_sub '"$UNSHARE"' --user sleep 60 & q=$!
			[ $q -eq $p ] || { kill -KILL $q; exit 4; }
			waitns $q || exit 3
			wait $s; rc=$?
			echo "rc=$rc maps=$(cat /proc/$q/uid_map /proc/$q/gid_map | wc -c)"
			kill -KILL $q'
		if [ "$RC" -eq 0 ] && [ "$OUT" = "rc=1 maps=0" ] && [ -s "$T/reuse.err" ]; then
			ok "$DIR: a PID reused after $point: the new process gets no map"
		else
			not_ok "$DIR: a PID reused after $point: the new process gets no map"
			diag "status $RC, $OUT" "stderr: $ERR" "nsmap: $(cat "$T/reuse.err")"
		fi
	done
}

if ! require_root "installing nsmap set-user-ID root needs root"; then
	ns_done
fi
cp "$EXEC_ARGV" "$T/bin/exec-argv" && chmod 755 "$T/bin/exec-argv"
if nsmap_install; then
	ok "nsmap installed set-user-ID root and with file capabilities"
else
	not_ok "nsmap installed set-user-ID root and with file capabilities"
	ns_done
fi
attacks_all() {
	for DIR in suid fcap; do
		case_ranges
		case_owner
		case_fd
		case_bind
		case_second_write
		case_fds
		case_hidden
		case_midrun_creds
		case_pid_reuse
	done
}
with_subuser attacks_all
diag "$HOSTILE hostile cases tried"
ns_done
