#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The man pages as a reader sees them: each page rendered (scdoc, mandoc),
# its EXAMPLES split into commands and output and checked to be whole shell
# commands, the nsrun examples run with --dry-run and the nsls ones for
# real, those with a fixed output compared with it; and every long option of
# each tool's option table named in its page and in its --help.
. "$(dirname "$0")/../lib.sh"

ns_setup
src=${NS_SOURCE_ROOT:-$(dirname "$0")/../..}
PAGES="nsrun.1 nsmap.1 nsveth.8 nsls.8 nsenter.1"

# both are in tools/debian-packages: their absence is a broken set-up, not
# a reason to skip
if ! command -v scdoc >/dev/null || ! command -v mandoc >/dev/null; then
	echo "Bail out! scdoc and mandoc are needed to render the pages (tools/install-deps)"
	exit 1
fi

# render PAGE: the page as text, tabs expanded
render() {
	scdoc <"$src/man/$1.scd" | mandoc -T utf8 | col -bx
}

# section NAME: the lines of section NAME of a rendered page on stdin
section() {
	awk -v s="$1" '/^[A-Z][A-Z ]*[A-Z]$/ { in_s = ($0 == s); next } in_s'
}

# incomplete TEXT: bash would read on past the end of TEXT (an open quote)
incomplete() {
	bash -n <<<"$1" 2>&1 | grep -qiE 'unexpected (end of file|EOF)'
}

# one_line TEXT: TEXT on one line, for test names and diagnostics
one_line() {
	printf '%s' "${1//$'\\\n'/}" | tr -s '\n ' '  '
}

# parse_examples PAGE: the page's EXAMPLES as commands and output. A command
# is a line of a code block (indented past the prose) whose text begins with
# a "$ " or "# " prompt, joined with the lines after it while a line ends
# with a backslash or a quote is open; the other lines of the block up to
# the next command are its output. Fills CMDS (prompt and command, the lines
# joined by newlines), OUTS (the output, a line each) and BLOCKS (the code
# block of each command, counted from 1), and BAD with what is wrong: a
# command bash -n rejects, or a line right after a command that begins with
# '-', an option whose line continuation was lost.
parse_examples() {
	CMDS=() OUTS=() BLOCKS=() BAD=()
	local line text indent block=1 cur=-1 pending='' after=0 gap=1
	while IFS= read -r line || [ -n "$pending" ]; do
		text=${line#"${line%%[! ]*}"}
		indent=$((${#line} - ${#text}))
		if [ -n "$pending" ]; then
			if [ -n "$text" ] && [ $indent -ge 9 ]; then
				pending=$pending$'\n'$text
				[[ $text == *\\ ]] || incomplete "$pending" || end_command
				continue
			fi
			end_command
		fi
		if [ -z "$text" ] || [ $indent -lt 9 ]; then
			[ $gap = 1 ] || block=$((block + 1))
			gap=1 after=0 cur=-1
			continue
		fi
		gap=0
		if [[ $text == '$ '* || $text == '# '* ]]; then
			pending=$text
			[[ $text == *\\ ]] || incomplete "$pending" || end_command
			continue
		fi
		if [ $after = 1 ] && [[ $text == -* ]]; then
			BAD+=("after '$(one_line "${CMDS[cur]}")': '$text' (a lost line continuation)")
		fi
		after=0
		[ $cur -ge 0 ] && OUTS[cur]+=$text$'\n'
	done < <(render "$1" | section EXAMPLES)
}

end_command() {
	local err
	CMDS+=("$pending")
	OUTS+=("")
	BLOCKS+=("$block")
	cur=$((${#CMDS[@]} - 1))
	after=1
	if ! err=$(bash -n <<<"${pending:2}" 2>&1); then
		BAD+=("bash -n rejects '$(one_line "$pending")': $(one_line "$err")")
	fi
	pending=
}

# --- a: the examples are whole commands -----------------------------------

declare -A PAGE_CMDS
for p in $PAGES; do
	parse_examples "$p"
	if [ ${#CMDS[@]} -eq 0 ]; then
		not_ok "$p: EXAMPLES has commands"
		continue
	fi
	if [ ${#BAD[@]} -eq 0 ]; then
		ok "$p: the ${#CMDS[@]} commands of EXAMPLES are whole as rendered"
	else
		not_ok "$p: the ${#CMDS[@]} commands of EXAMPLES are whole as rendered"
		diag "${BAD[@]}"
	fi
	# kept for b: a page's commands, outputs and blocks, NUL-separated
	PAGE_CMDS[$p]=$(for i in "${!CMDS[@]}"; do
		printf '%s\0%s\0%s\0' "${CMDS[i]}" "${OUTS[i]}" "${BLOCKS[i]}"
	done | base64 -w0)
done

# --- markup left as text ----------------------------------------------------

# scdoc underlines _word_ only where the first _ does not follow a letter or
# digit; elsewhere (\\x_hh_, outer+_count_) the underscores are printed.
for p in $PAGES libns.3; do
	bad=$(render "$p" | grep -nE '(^|[^A-Z_])_[A-Za-z]+_([^A-Za-z0-9_]|$)')
	if [ -z "$bad" ]; then
		ok "$p: no underline markup printed as underscores"
	else
		not_ok "$p: no underline markup printed as underscores"
		diag "$bad"
	fi
done

# --- b: the examples run ----------------------------------------------------

# The examples with an output that is the same on every machine, and how
# they are run: "cmd" runs the command (as root and as the user when its
# prompt is "$ "); "block" runs the code block it opens, as root, in
# private mount and network namespaces with a tmpfs on /run. The output is
# compared with the page's, blanks squeezed.
declare -A FIXED=(
	["nsrun --map-root-user --net --pid --fork --mount-proc"*"sh -c 'id -u; echo \$\$; ip -br link'"]=cmd
	["touch /run/demo-net"]=block
)

squeeze() {
	printf '%s\n' "$1" | tr -s ' ' | sed 's/ $//; /^$/d'
}

# run_example MODE PROMPT SCRIPT: SCRIPT in bash as MODE with the staged
# tools first on PATH. A root prompt's runs in new mount and network
# namespaces with a tmpfs of their own on /run, so that binds under /run and
# links it makes leave the machine untouched.
run_example() {
	local mode=$1 prompt=$2 script=$3
	if [ "$prompt" = '#' ]; then
		run_as root "$UNSHARE" -m -n --propagation private sh -c \
			'mount -t tmpfs tmpfs /run && exec "$@"' sh \
			env PATH="$T/bin:$PATH" bash -c "$script"
	else
		run_as "$mode" env PATH="$T/bin:$PATH" bash -c "$script"
	fi
}

# check_run DESC: the last run exited 0, else the failure is shown
check_run() {
	if [ "$RC" -eq 0 ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "exit status $RC" "stdout: $OUT" "stderr: $ERR"
	fi
}

# modes_for PROMPT: the modes an example of PROMPT runs in
modes_for() {
	if [ "$1" = '$' ]; then
		echo "$NS_MODES"
	elif [ "$(id -u)" -eq 0 ]; then
		echo root
	fi
}

declare -A FIXED_SEEN
for p in $PAGES; do
	ran_block=
	mapfile -d '' -t rec < <(printf '%s' "${PAGE_CMDS[$p]:-}" | base64 -d)
	notrun=()
	for ((i = 0; i < ${#rec[@]}; i += 3)); do
		cmd=${rec[i]} out=${rec[i + 1]} block=${rec[i + 2]}
		prompt=${cmd:0:1} body=${cmd:2} short=$(one_line "${cmd:2}")
		[ ${#short} -gt 60 ] && short="${short:0:57}..."
		modes=$(modes_for "$prompt")
		# a command of a block run as a whole (below) has run
		[ "$block" = "$ran_block" ] && continue
		[ -z "$modes" ] && notrun+=("'$short': needs root")

		fixed=
		for f in "${!FIXED[@]}"; do
			# shellcheck disable=SC2053
			[[ $(one_line "$body") == $f ]] && fixed=$f
		done

		# nsrun, with --dry-run: every option checked, nothing run
		if [[ $body == "nsrun --enter"* ]]; then
			notrun+=("'$short': --enter has no --dry-run")
		elif [[ $body =~ \&[[:space:]]*$ ]]; then
			notrun+=("'$short': a background job")
		elif [[ $body == nsrun\ * ]]; then
			for m in $modes; do
				run_example "$m" "$prompt" "$(printf %q "$NSRUN") --dry-run${body#nsrun}"
				check_run "$p: $m: --dry-run of '$short'"
			done
		elif [[ $body == nsls\ * ]]; then
			for m in $modes; do
				# read-only: run as it is, on the machine
				run_example "$m" '$' "$(printf %q "$NSLS")${body#nsls}"
				check_run "$p: $m: '$short'"
			done
		elif [ -z "$fixed" ]; then
			notrun+=("'$short': only nsrun and nsls examples are run")
		fi

		# the examples of a fixed output, run for real
		if [ -n "$fixed" ]; then
			f=$fixed
			FIXED_SEEN[$f]=1
			if [ "${FIXED[$f]}" = block ]; then
				script='' want=''
				for ((j = i; j < ${#rec[@]}; j += 3)); do
					[ "${rec[j + 2]}" = "$block" ] || break
					script+="${rec[j]:2}"$'\n' want+=${rec[j + 1]}
				done
				script="set -e"$'\n'$script
				ran_block=$block
			else
				script=$body want=$out
			fi
			for m in $modes; do
				run_example "$m" "$prompt" "$script"
				if [ "$RC" -eq 0 ] && [ "$(squeeze "$OUT")" = "$(squeeze "$want")" ]; then
					ok "$p: $m: '$short' runs and prints what the page shows"
				else
					not_ok "$p: $m: '$short' runs and prints what the page shows"
					diag "exit status $RC" "stdout: $OUT" "stderr: $ERR" "the page: $want"
				fi
			done
		fi
	done
	[ ${#notrun[@]} -eq 0 ] || diag "$p: not run:" "${notrun[@]/#/  }"
done
for f in "${!FIXED[@]}"; do
	check_diag "the example '$f' is in a page" "an example with a fixed output is gone" \
		test -n "${FIXED_SEEN[$f]:-}"
done

# --- c: every long option in the page and in --help -------------------------

# Long options deliberately left out of a page or of --help, with the
# reason; none at present. An entry is "tool:option".
UNDOCUMENTED=""

# longopts FILE: the names of the struct option table(s) of FILE
longopts() {
	sed -n '/struct option longopts\[\] = {/,/};/p' "$1" |
		grep -oE '(\{ *|\.name *= *)"[a-z0-9-]+"' | grep -oE '[a-z0-9-]+"' | tr -d '"'
}

# names_all TEXT TOOL FILE WHAT: each option of FILE's table in TEXT as --name
names_all() {
	local text=$1 tool=$2 file=$3 what=$4 o missing=
	for o in $(longopts "$src/cmd/$file"); do
		[[ " $UNDOCUMENTED " == *" $tool:$o "* ]] && continue
		grep -qE -- "--$o([^a-z0-9-]|\$)" <<<"$text" || missing="$missing --$o"
	done
	if [ -z "$(longopts "$src/cmd/$file")" ]; then
		not_ok "$tool: long options found in cmd/$file"
	elif [ -z "$missing" ]; then
		ok "$tool: every long option of cmd/$file is in $what"
	else
		not_ok "$tool: every long option of cmd/$file is in $what"
		diag "missing:$missing"
	fi
}

for spec in nsrun:nsrun-opts.c:nsrun.1 nsmap:nsmap-opts.c:nsmap.1 \
	nsveth:nsveth-opts.c:nsveth.8 nsls:nsls-opts.c:nsls.8; do
	IFS=: read -r tool file page <<<"$spec"
	exe=${tool^^}
	names_all "$(render "$page")" "$tool" "$file" "$page"
	names_all "$("${!exe}" --help)" "$tool" "$file" "$tool --help"
done
# the enter mode: its section of nsrun(1) (nsenter(1) points there)
names_all "$(render nsrun.1 | section "ENTER MODE")" "nsrun --enter" nsrun-enter.c \
	"nsrun.1, ENTER MODE"
names_all "$("$NSRUN" --enter --help)" "nsrun --enter" nsrun-enter.c "nsrun --enter --help"

ns_done
