#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsls -Q against the grammar of libsmartcols 2.42's filter (scols-filter(5)
# and its parser): which rows each expression selects, checked against the
# same rule written in awk over the unfiltered listing. In 2.42, "not" takes
# only the operand after it, every comparison is one level evaluated left
# to right, and "and" and "or" one level below, also left to right; each
# comparison casts both sides to one type (a literal's over a column's, the
# left side's otherwise), so a boolean meets a string as a boolean. Debian's
# 2.38 has no filter at all.

. "$(dirname "$0")/../lib.sh"
ns_setup

# expression @ awk rule over "NS TYPE NPROCS PID" @ why
cat >"$T/cases" <<'EOT'
not TYPE == "mnt"@1@2.42: (not TYPE) is false, and "mnt" cast to a boolean is false too
not (TYPE == "mnt")@$2 != "mnt"@parentheses make it a negated comparison
(TYPE == "mnt") == false@$2 != "mnt"@a comparison is a boolean
!TYPE@0@a non-empty column is true
TYPE@1@
TYPE == "net" or TYPE == "uts" and NPROCS > 1000@($2 == "net" || $2 == "uts") && $3 > 1000@and and or are one level, left to right
TYPE == "uts" and NPROCS >= 2 or TYPE == "ipc"@($2 == "uts" && $3 >= 2) || $2 == "ipc"@
TYPE == "net" || TYPE == "uts" && NPROCS == 1@($2 == "net" || $2 == "uts") && $3 == 1@the C spellings parse alike
NPROCS == 1 == true@$3 == 1@comparisons chain left to right
TYPE eq 'user' OR TYPE EQ "pid"@$2 == "user" || $2 == "pid"@single quotes, words in capitals
PID < 2@$4 != "" && $4 < 2@a number column compares as a number
PID != 1@$4 != "" && $4 != 1@an empty number matches no comparison, != neither
NS > 4026531839.5@$1 > 4026531839.5@a float literal makes it a float comparison
NPROCS >= 1K@$3 >= 1024@suffixes multiply by 1024
NPROCS > "2"@$3 "" > "2"@a string literal makes it a string comparison
TYPE =~ "^u" && !(PID == 1)@$2 ~ /^u/ && $4 != 1@
TYPE !~ "s"@$2 !~ /s/@
EOT

cat >"$T/inner.sh" <<'EOS'
#!/bin/bash
# Inside the sandbox: namespaces of our own, then every expression.
set -u
cd "$1" || exit 1
unshare -r -n -u sleep 600 </dev/null &
a=$!
unshare -r -u sh -c 'sleep 600 & sleep 600 & wait' </dev/null &
b=$!
n=100
while [ $n -gt 0 ] && { [ "$(readlink /proc/$a/ns/uts)" = "$(readlink /proc/self/ns/uts)" ] ||
	[ "$(readlink /proc/$b/ns/uts)" = "$(readlink /proc/self/ns/uts)" ] ||
	[ "$(ls /proc/$b/task/*/children 2>/dev/null | wc -l)" -lt 1 ]; }; do
	sleep 0.05
	n=$((n - 1))
done
sleep 0.2
cols=(-l -r -n -o NS,TYPE,NPROCS,PID)
"$NSLS" "${cols[@]}" >all 2>all.err
i=0
while IFS='@' read -r expr rule why; do
	"$NSLS" "${cols[@]}" -Q "$expr" >"$i.out" 2>"$i.err"
	echo $? >"$i.rc"
	i=$((i + 1))
done <"$2"
kill $a $b
wait
echo done >finished
EOS
chmod 755 "$T/inner.sh"
export NSLS

case_filter() {
	local m=$1 dir=$T/tmp/$1 i=0 expr rule why want
	rm -rf "$dir"
	mkdir -p "$dir" && chmod 777 "$dir"
	run_sandbox "$m" "$T/inner.sh" "$dir" "$T/cases"
	if [ ! -f "$dir/finished" ] || [ ! -s "$dir/all" ]; then
		not_ok "$m: the sandbox ran"
		diag "status $RC" "stderr: $ERR" "$(cat "$dir/all.err" 2>/dev/null)"
		return
	fi
	while IFS='@' read -r expr rule why; do
		want=$(awk "$rule" "$dir/all")
		if [ "$(cat "$dir/$i.rc")" != 0 ] || [ "$(cat "$dir/$i.out")" != "$want" ]; then
			not_ok "$m: -Q '$expr'"
			diag "status $(cat "$dir/$i.rc")" "stderr: $(cat "$dir/$i.err")" \
				"got: $(cat "$dir/$i.out")" "wanted ($rule): $want" "listing: $(cat "$dir/all")"
		else
			ok "$m: -Q '$expr'${why:+ ($why)}"
		fi
		i=$((i + 1))
	done <"$T/cases"
}
for_each_mode case_filter

ns_done
