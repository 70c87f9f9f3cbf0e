#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The bash completions of completions/nsutils, driven in a non-interactive
# bash with bash-completion's helpers: options as each tool's --help lists
# them, the values of options, and the arguments of each tool.
. "$(dirname "$0")/../lib.sh"
ns_setup

src=$NS_SOURCE_ROOT
bc=/usr/share/bash-completion/bash_completion
if [ ! -r "$bc" ]; then
	echo "1..0 # SKIP no bash-completion (Debian package bash-completion)"
	exit 0
fi

# complete_as MODE FUNC TOOL WORD...: runs FUNC as bash would on the command line
# WORD... with the cursor at the end of the last word (give "" to complete
# a new word) as MODE; COMPREPLY, one item a line, lands in $OUT; comp
# FUNC TOOL WORD... does so as $COMP_MODE (default: user). "=" is a word of
# its own in COMP_WORDS, as COMP_WORDBREAKS makes it.
complete_as() {
	local mode=$1
	shift
	run_as "$mode" bash --norc --noprofile -c '
		. "$0" && . "$1" || exit 1
		func=$2
		shift 2
		COMP_WORDS=()
		for w in "$@"; do
			if [[ $w == *=* ]]; then
				COMP_WORDS+=("${w%%=*}" "=")
				[[ -n ${w#*=} ]] && COMP_WORDS+=("${w#*=}")
			else
				COMP_WORDS+=("$w")
			fi
		done
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		"$func" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort -u
	' "$bc" "$src/completions/nsutils" "$@"
}
comp() {
	complete_as "${COMP_MODE:-user}" "$@"
}

# has DESC ITEM...: every ITEM is in $OUT
has() {
	local desc=$1 i missing=
	shift
	for i in "$@"; do
		printf '%s\n' "$OUT" | grep -qxF -- "$i" || missing="$missing $i"
	done
	if [ -z "$missing" ] && [ "$RC" -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "missing:$missing" "got: $(echo $OUT)" "stderr: $ERR"
	fi
}

# is DESC ITEM...: $OUT is exactly ITEM... (sorted)
is() {
	local desc=$1 want
	shift
	want=$(printf '%s\n' "$@" | sort -u)
	[ $# -eq 0 ] && want=
	if [ "$OUT" = "$want" ] && [ "$RC" -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "got: $(echo $OUT)" "wanted: $(echo $want)" "stderr: $ERR"
	fi
}

# help_options TOOL: every -x and --xyz in the option part of TOOL's --help
help_options() {
	"$1" --help | sed -n 's/^ \{1,\}\(-.*\)/\1/p' | sed 's/  .*//' |
		grep -oE -- '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9-]*' | sed 's/^[ ,]//' | sort -u
}

# --- options: the tool's --help, and the value cases of the file ---------

case_options() {
	local mode=$1 t tool want bad o
	for t in nsrun nsmap nsveth nsls; do
		tool=${t^^}
		tool=${!tool}
		complete_as "$mode" "_$t" "$tool" -
		want=$(help_options "$tool")
		if [ -n "$want" ] && [ "$OUT" = "$want" ]; then
			ok "$mode: $t: - offers every option of --help and nothing else"
		else
			not_ok "$mode: $t: - offers every option of --help and nothing else"
			diag "$(diff <(echo "$want") <(echo "$OUT"))"
		fi
		# the options the file completes values for are options of the tool
		bad=
		for o in $(awk -v f="_$t()" '$0 == f { in_f = 1; next } in_f && /^}/ { exit }
			in_f && /^\t\t-[-a-zA-Z0-9 |]*\)$/ { gsub(/[|)]/, " "); print }' \
			"$src/completions/nsutils"); do
			printf '%s\n' "$want" | grep -qxF -- "$o" || bad="$bad $o"
		done
		check "$mode: $t: every option with a value case is in --help${bad:+ (not:$bad)}" test -z "$bad"
	done
}
for_each_mode case_options

# --- nsrun ---------------------------------------------------------------

comp _nsrun "$NSRUN" --map-r
is "nsrun: --map-r" --map-root-user
comp _nsrun "$NSRUN" --mount-proc
is "nsrun: an optional value is offered with =" --mount-proc=
comp _nsrun "$NSRUN" --propagation ""
is "nsrun: --propagation's choices" slave shared private unchanged
comp _nsrun "$NSRUN" -r --setgroups=d
is "nsrun: --setgroups=d" deny
comp _nsrun "$NSRUN" --ent
is "nsrun: --enter" --enter
comp _nsrun "$NSRUN" --enter --wdn
is "nsrun --enter: options of the enter mode's --help" --wdns
comp _nsrun "$NSRUN" --enter --preserve-credentials -t "$$"
is "nsrun --enter: -t offers process ids" "$$"
comp _nsrun "$NSRUN" --map-user ro
has "nsrun: --map-user offers user names" root
comp _nsrun "$NSRUN" --map-group=nog
has "nsrun: --map-group offers group names" nogroup
comp _nsrun "$NSRUN" --kill-child=TE
is "nsrun: --kill-child=TE" TERM
comp _nsrun "$NSRUN" --kill-child=SIGTE
is "nsrun: --kill-child=SIGTE" SIGTERM
comp _nsrun "$NSRUN" --kill-child=
bad=
for s in $OUT; do
	"$NSRUN" --dry-run --kill-child="$s" true >/dev/null 2>&1 || bad="$bad $s"
done
check "nsrun: every signal offered is one nsrun takes${bad:+ (not:$bad)}" \
	test -z "$bad" -a "$(echo $OUT | wc -w)" -gt 20
comp _nsrun "$NSRUN" --rlimit ""
bad=
for r in $OUT; do
	"$NSRUN" --dry-run --rlimit "${r}0" true >/dev/null 2>&1 || bad="$bad $r"
done
check "nsrun: every --rlimit name offered is one nsrun takes${bad:+ (not:$bad)}" \
	test -z "$bad" -a "$(echo $OUT | wc -w)" -ge 16
comp _nsrun "$NSRUN" --root /us
is "nsrun: --root offers directories" /usr
comp _nsrun "$NSRUN" -r --net ech
is "nsrun: the program is a command" echo
comp _nsrun "$NSRUN" -r -- ech
is "nsrun: the program after --" echo
comp _nsrun "$NSRUN" -r ls --al
has "nsrun: the program's arguments are the program's completion" --all
comp _nsrun "$NSRUN" -r ls --ma
is "nsrun: options after the program are not nsrun's"

# --- nsmap ---------------------------------------------------------------

sleep 60 &
pid=$!
comp _nsmap "$NSMAP" "$pid"
has "nsmap: the target offers PIDs" "$pid"
comp _nsmap "$NSMAP" -g "$pid"
has "nsmap: the target after an option" "$pid"
comp _nsmap "$NSMAP" "$pid" ""
is "nsmap: no completion for the ranges"
comp _nsmap "$NSMAP" --au
is "nsmap: --au" --auto

# --- nsveth: interfaces, and targets in a private /run/netns ------------

comp _nsveth "$NSVETH" --ma
is "nsveth: --ma" --mac --master
comp _nsveth "$NSVETH" --master l
has "nsveth: --master offers interfaces" lo
comp _nsveth "$NSVETH" -d l
has "nsveth: --delete offers interfaces" lo
comp _nsveth "$NSVETH" -b -
has "nsveth: --batch offers standard input" -
# a /run of its own in a user and mount namespace, with one netns name
nsveth_in_netns() {
	run_as user "$NSRUN" -r -m sh -c 'mount -t tmpfs none /run && mkdir /run/netns &&
		touch /run/netns/nsutils-blue && exec "$@"' sh \
		bash --norc --noprofile -c '
		. "$0" && . "$1" || exit 1
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_nsveth "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort -u
	' "$bc" "$src/completions/nsutils" x "$NSVETH" "$@"
}
nsveth_in_netns veth0 eth0 nsutils-b
is "nsveth: the target offers /run/netns names" nsutils-blue
nsveth_in_netns -u veth0 -a 10.0.0.1/24 eth0 nsutils-b
is "nsveth: the target after options and their values" nsutils-blue
nsveth_in_netns -N nsutils-b
is "nsveth: --netns offers /run/netns names" nsutils-blue
comp _nsveth "$NSVETH" veth0 eth0 "$pid"
has "nsveth: the target offers PIDs" "$pid"
comp _nsveth "$NSVETH" veth0 l
is "nsveth: no completion for the peer's new name"

# --- nsls ----------------------------------------------------------------

comp _nsls "$NSLS" -t ""
types=$OUT bad=
for t in $types; do
	run_as user "$NSLS" -n -t "$t"
	[ -z "$ERR" ] || bad="$bad $t"
done
check "nsls: -t offers the types nsls takes${bad:+ (not:$bad)}" \
	test -z "$bad" -a "$(echo $types | wc -w)" -eq 8
comp _nsls "$NSLS" -o ""
is "nsls: -o offers the columns of --list-columns" \
	$("$NSLS" --list-columns | awk '{print $1}')
comp _nsls "$NSLS" -o NS,TY
is "nsls: -o completes the last of a list" NS,TYPE
comp _nsls "$NSLS" --output=+PI
has "nsls: -o +COL" +PID
comp _nsls "$NSLS" --tree=p
is "nsls: --tree=p" parent process
comp _nsls "$NSLS" -p "$pid"
has "nsls: -p offers PIDs" "$pid"
net=$(readlink /proc/self/ns/net | tr -dc 0-9)
comp _nsls "$NSLS" "${net:0:5}"
has "nsls: the namespace argument offers the inodes nsls lists" "$net"
comp _nsls "$NSLS" --list-c
is "nsls: --list-c" --list-columns

kill "$pid"
wait "$pid" 2>/dev/null
ns_done
