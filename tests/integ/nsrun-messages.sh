#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsrun's error messages, one row per failure unshare(1) also has: nsrun's
# first line of stderr is "nsrun: " and unshare's own words, then at most a
# hint in parentheses, with unshare's exit status. The words are those of
# util-linux 2.42 and its development branch (sys-utils/unshare.c, and for
# the numbers lib/strutils.c: "<what>: '<value>'", the reason only when out
# of range). Where Debian's unshare (2.38) says the same, the row is "same"
# and is also run through it: its line must be exactly "unshare: " and the
# words. Rows "2.42" name what 2.38 said instead.

. "$(dirname "$0")/../lib.sh"
ns_setup

# The tools are run by name, so getopt(3), which names the program by
# argv[0], says "nsrun:" and "unshare:".
mkdir -p "$T/ubin"
ln -s "$UNSHARE" "$T/ubin/unshare"
RUNPATH=$T/bin:$T/ubin:$PATH
NOPROG=/nonexistent/nsutils-no-such-program
mkdir -p "$T/tmp/persist" && touch "$T/tmp/persist/f" && chmod 666 "$T/tmp/persist/f"

# words_re WORDS MODE: WORDS as an extended regular expression, "@PID" a
# number and "@USER" the name of the user MODE runs as.
words_re() {
	local re user
	user=$(getent passwd "$(mode_uid "$2")" | cut -d: -f1)
	re=$(printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g')
	re=${re//@PID/[0-9]+}
	printf '%s' "${re//@USER/$user}"
}

# row MODES STATUS KIND WORDS CMD...: CMD (in which "@" is the tool) as
# each of MODES ("both", "root" or "user") must fail with STATUS and the
# WORDS. KIND is "same" (2.38 says it too: compared with unshare), "usage"
# (as same, and the second line is the --help hint) or "2.42".
row() {
	local modes=$1 status=$2 kind=$3 words=$4 m re first lines want_lines=1
	shift 4
	[ "$modes" = both ] && modes="root user"
	[ "$kind" = usage ] && want_lines=2
	for m in $modes; do
		case " $NS_MODES " in *" $m "*) ;; *) continue ;; esac
		re=$(words_re "$words" "$m")
		run_tool "$m" nsrun "$@"
		first=$(printf '%s\n' "$ERR" | head -n 1)
		lines=$(printf '%s\n' "$ERR" | wc -l)
		if [ "$RC" -eq "$status" ] && [ "$lines" -eq "$want_lines" ] &&
			printf '%s\n' "$first" | grep -Eq -- "^nsrun: $re( \(.+\))?\$" &&
			{ [ "$kind" != usage ] || [ "$(printf '%s\n' "$ERR" | sed -n 2p)" = \
				"Try 'nsrun --help' for more information." ]; }; then
			ok "$m: $words"
		else
			not_ok "$m: $words"
			diag "command: ${*//@/nsrun}" "status $RC (wanted $status)" "stderr: $ERR"
		fi
		[ "$kind" = 2.42 ] && continue
		run_tool "$m" unshare "$@"
		if [ "$RC" -eq "$status" ] &&
			printf '%s\n' "$ERR" | head -n 1 | grep -Eq -- "^unshare: $re\$"; then
			ok "$m: unshare 2.38 says it too: $words"
		else
			not_ok "$m: unshare 2.38 says it too: $words"
			diag "command: ${*//@/unshare}" "status $RC (wanted $status)" "stderr: $ERR"
		fi
	done
}

# run_tool MODE TOOL CMD...: run_as with each "@" in CMD replaced by TOOL.
run_tool() {
	local m=$1 tool=$2 a args=()
	shift 2
	for a in "$@"; do
		[ "$a" = @ ] && a=$tool
		args+=("$a")
	done
	run_as "$m" env PATH="$RUNPATH" "${args[@]}"
}

# --- options --------------------------------------------------------------

row both 1 same "unknown signal: NOPE" @ --kill-child=NOPE true
row both 1 same "unknown signal: " @ -r --kill-child= true
row both 1 same "failed to parse uid: 'abc'" @ -r -S abc true
row both 1 same "failed to parse uid: ''" @ -r --setuid= true
row both 1 same "failed to parse uid: '99999999999999999999': Numerical result out of range" \
	@ -r -S 99999999999999999999 true
row both 1 same "failed to parse gid: '1x'" @ -r -G 1x true
# 2.38's strtoul_or_err() took "-1" as ULONG_MAX; 2.42's refuses negative
# numbers as out of range (lib/strutils.c, ul_strtou64())
row both 1 2.42 "failed to parse gid: '-1': Numerical result out of range" @ -r -G -1 true
row both 1 same "failed to parse monotonic offset: 'abc'" @ -rT --monotonic abc true
row both 1 same "failed to parse boottime offset: '10s'" @ -rT --boottime=10s true
row both 1 same "failed to parse monotonic offset: '99999999999999999999': Numerical result out of range" \
	@ -rT --monotonic 99999999999999999999 true
row both 1 same "unsupported propagation mode: foo" @ -rm --propagation foo true
row both 1 same "unsupported --setgroups argument 'foo'" @ -U --setgroups foo true
# 2.38 named the option "(-t)"
row both 1 2.42 "options --monotonic and --boottime require unsharing of a time namespace (-T)" \
	@ -r --monotonic 100 true
row both 1 same "options --setgroups=allow and --map-group are mutually exclusive" \
	@ -U --setgroups allow --map-group=0 true
row both 1 usage "unrecognized option '--bogus'" @ --bogus true
row both 1 usage "option requires an argument -- 'R'" @ -R
# 2.38 said "mapping '1:2' contains only 2 elements" and "could not parse
# ID"; 2.42 has one message for every malformed map (get_map_range())
row both 1 2.42 "invalid mapping '1:2'" @ --map-users=1:2 true
row both 1 2.42 "invalid mapping 'a,b,c'" @ --map-groups=a,b,c true
# --owner is new in 2.40
row both 1 2.42 "failed to parse owner" @ --owner abc true
row both 1 2.42 "failed to parse owner" @ --owner 1:x true
# get_user()/get_group(): 2.38 said "failed to parse uid: 'NAME'"; 2.42
# says "failed to parse uid 'NAME'", its development branch adds the reason
row both 1 2.42 "failed to parse uid 'nsutils-no-such-user': Invalid argument" \
	@ --map-user=nsutils-no-such-user true
row both 1 2.42 "failed to parse gid 'nsutils-no-such-group': Invalid argument" \
	@ --map-group=nsutils-no-such-group true
row both 1 2.42 "failed to parse uid '': Invalid argument" @ --map-user= true

# --- id maps --------------------------------------------------------------

# a uid without a passwd entry
row root 1 same "you (user 54321) don't exist." \
	setpriv --reuid=54321 --regid=54321 --clear-groups @ --map-auto true
# 2.38 used err() and added ": Success"; 2.42 uses errx() (read_subid_range())
row both 1 2.42 "no line matching user \"@USER\" in /etc/subuid" @ --map-users=auto true
row both 1 2.42 "no line matching user \"@USER\" in /etc/subgid" @ --map-groups=subids true
# root writes the maps itself since 2.40 (map_ids_internal()); 2.38 ran
# newuidmap. More than the kernel's 340 ranges, in over 4 KiB of text.
many=()
for i in $(seq 1000 1340); do
	many+=("--map-users=$((i * 1000000)):$((i * 1000000)):1")
done
row root 1 2.42 "/proc/@PID/uid_map too large for kernel 4k limit" @ "${many[@]}" true
row root 1 2.42 "failed to write /proc/@PID/uid_map: Invalid argument" \
	@ --map-users=0:1000:10 --map-users=5:2000:10 true
# unshare's helper child ends in errexec(), and so does nsrun's: 127 (the
# helper named by its path: unshare has no variable to name it)
row user 127 2.42 "failed to execute /nonexistent/newuidmap: No such file or directory" \
	env NSRUN_NEWUIDMAP=/nonexistent/newuidmap @ --map-users=0:65534:1 true

# --- run time -------------------------------------------------------------

row user 1 same "unshare failed: Operation not permitted" @ -n true
# a user namespace whose creator's uid is not mapped in the parent
row both 1 same "unshare failed: Operation not permitted" @ -U @ -U true
# the new user namespace's own limit (user_namespaces(7)) lowered to 0
row both 1 same "unshare failed: No space left on device" \
	@ -r sh -c 'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" -U true' @
# RLIMIT_NPROC holds for all but the initial root: the forks of --fork and
# of the helper child that writes the maps
row user 1 same "fork failed: Resource temporarily unavailable" prlimit --nproc=0 @ -r -f true
row user 1 same "fork failed: Resource temporarily unavailable" \
	prlimit --nproc=0 @ --map-users=65534,0,1 true
row both 1 same "failed to write to /proc/self/timens_offsets: Numerical result out of range" \
	@ -rT --monotonic 9223372036854775807 true
row both 1 same "write failed /proc/self/setgroups: Operation not permitted" \
	@ -r --setgroups=deny true
row root 1 same "write failed /proc/self/setgroups: Operation not permitted" @ --setgroups=deny true
row user 1 same "cannot open /proc/self/setgroups: Permission denied" @ --setgroups=deny true
row both 1 same "mount /nonexistent failed: No such file or directory" \
	@ -rm --mount-proc=/nonexistent true
row both 1 same "cannot change /nonexistent filesystem propagation: No such file or directory" \
	@ -rm --propagation=shared --mount-proc=/nonexistent true
row both 1 same "mount /proc failed: Operation not permitted" @ -rp --mount-proc true
row both 1 same "mount /proc failed: Operation not permitted" @ -r --mount-proc true
# --mount-binfmt and --load-interp are new in 2.40
row both 1 2.42 "mount /nonexistent failed: No such file or directory" \
	@ -r --mount-binfmt=/nonexistent true
row both 1 2.42 "write failed /proc/sys/fs/binfmt_misc/register: Invalid argument" \
	@ -rpf -l garbage true
row both 1 same "cannot change root directory to '/nonexistent': No such file or directory" \
	@ -r -R /nonexistent true
row user 1 same "cannot change root directory to '/': Operation not permitted" @ -R / true
# 2.38 said "cannot chdir to '%s'"
row both 1 2.42 "cannot change directory to /nonexistent: No such file or directory" \
	@ -r -w /nonexistent true
row both 1 same "setgroups failed: Operation not permitted" @ -r -G 0 true
# 2.38 said "setuid failed" and "setgid failed"
row both 1 2.42 "setuid() failed: Invalid argument" @ -r -S 1 true
row root 1 2.42 "setgid() failed: Invalid argument" \
	@ -U --map-users=0:0:1 --map-groups=0:0:1 --setgroups=allow -G 5 true
# --owner drops the supplementary groups first
row user 1 2.42 "setgroups failed: Operation not permitted" @ --owner 0:0 true
row root 1 same "mount /proc/@PID/ns/net on $T/nonexistent failed: No such file or directory" \
	@ --net="$T/nonexistent" true
# pid_for_children names no namespace until a process is in it
row root 1 same "mount /proc/@PID/ns/pid_for_children on $T/tmp/persist/f failed: No such file or directory" \
	@ --pid="$T/tmp/persist/f" true
row user 1 same "mount /proc/@PID/ns/uts on $T/tmp/persist/f failed: Operation not permitted" \
	@ -r --uts="$T/tmp/persist/f" true
row both 127 same "failed to execute $NOPROG: No such file or directory" @ -r $NOPROG
row both 126 same "failed to execute /etc/passwd: Permission denied" @ -r /etc/passwd
row both 127 same "failed to execute /nonexistent/sh: No such file or directory" \
	env SHELL=/nonexistent/sh @ -r

ns_done
