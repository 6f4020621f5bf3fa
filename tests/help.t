#!/bin/bash
# --help and the manual pages come from the tables the program runs on:
# every command's --help explains every option it takes (the check runs
# in the program: an option the table does not explain fails --help), the
# man pages render without a warning, ceremony-templates(5) has every key
# the template readers accept and every shipped template.
. "$(dirname "$0")/lib.sh"

"$CEREMONY" help --commands > "$T/cmds"
"$CEREMONY" --help > "$T/all"
is "help --commands: every command of ceremony --help" \
	"$(while IFS= read -r c; do grep -q "^  $c " "$T/all" || echo "$c"; done < "$T/cmds")" ""
is "... and as many" "$(wc -l < "$T/cmds")" "$(sed -n '/^commands:/,/^$/p' "$T/all" | grep -c '^  [a-z]')"

# Every command: --help succeeds, alone on stdout, and explains each option.
bad=
while IFS= read -r c; do
	# shellcheck disable=SC2086
	if ! "$CEREMONY" $c --help > "$T/h" 2> "$T/he" || [ -s "$T/he" ] ||
		[ "$(head -1 "$T/h" | cut -d' ' -f1-$(($(wc -w <<< "$c") + 2)))" != "usage: ceremony $c" ]; then
		bad="$bad [$c: $(head -1 "$T/he")]"
		continue
	fi
	"$CEREMONY" help --options "$c" | while read -r o arg; do
		# "  --opt ARG   text", the text on that line or the next.
		awk -v o="$o" -v a="$arg" '/^  --/ && $1 == o && (a == "" || $2 == a) {
			n = a == "" ? 1 : 2; if (NF > n) found = 1; else want = 1; next }
			want && /^                          [^ ]/ { found = 1 } { want = 0 }
			END { exit !found }' "$T/h" || echo "$c $o"
	done >> "$T/unexplained"
done < "$T/cmds"
is "every COMMAND --help succeeds" "$bad" ""
is "... and explains every option it takes" "$(cat "$T/unexplained")" ""
is "a command is asked through help COMMAND too" "$("$CEREMONY" help root create)" \
	"$("$CEREMONY" root create --help)"

ok "sign --help" "$CEREMONY" sign --help
for o in template csr inbox resign days clamp; do
	like "... explains --$o" "$(cat "$T/out")" "--$o( [A-Z]+)? +[a-z]"
done
ok "revoke --help" "$CEREMONY" revoke --help
help=$(tr -s ' \n' ' ' < "$T/out")
for r in $("$CEREMONY" help --reasons); do
	like "... lists the reason $r" "$help" "--reason R .*[ ,]$r[ ,(]"
done
fails "revoke with an unknown reason" "$CEREMONY" revoke 01 --reason bogus
is "... lists the reasons help --reasons gives" \
	"$(sed 's/.*use one of //' "$T/err" | tr -d ' ' | tr ',' '\n')" "$("$CEREMONY" help --reasons)"

# Bad requests of help: one line each.
fails_like "help --bogus" 'help takes --man, --commands, --options COMMAND, --keys, --reasons or a COMMAND' "$CEREMONY" help --bogus
fails "help --options of no command" "$CEREMONY" help --options nosuch
like "... names it" "$(cat "$T/err")" 'unknown command "nosuch"'
fails_like "help of no command" 'unknown command "no such": see ceremony --help' "$CEREMONY" help no such

# ceremony(1): from the binary, lint-clean, every command and option in it.
"$CEREMONY" help --man > "$T/ceremony.1"
is "ceremony(1): mandoc -T lint finds nothing" "$(mandoc -T lint -W warning "$T/ceremony.1" 2>&1)" ""
is "... man renders it without a warning" \
	"$(MANWIDTH=80 man --warnings -l "$T/ceremony.1" 2>&1 > "$T/ceremony.txt")" ""
missing=
while IFS= read -r c; do
	grep -q "^   $c\$" "$T/ceremony.txt" || missing="$missing [$c]"
	"$CEREMONY" help --options "$c" | while read -r o arg; do
		grep -qE -- "^       $o( |\$)" "$T/ceremony.txt" || echo "$c $o"
	done >> "$T/man-missing"
done < "$T/cmds"
is "... has a section for every command" "$missing" ""
is "... and every option of each" "$(cat "$T/man-missing")" ""

# ceremony-templates(5): every key the readers accept, nothing else.
"$TOP/scripts/md2man" ceremony-templates 5 "t" 2026-12-03 0 "$TOP/docs/templates.md" \
	"$TOP/docs/policy.md" "$TOP/docs/crl.md:Template: templates/crl.cnf" \
	"$TOP/docs/crl.md:The issuingDistributionPoint: idp_form" > "$T/t.5"
is "ceremony-templates(5): lint-clean" "$(mandoc -T lint -W warning "$T/t.5" 2>&1)" ""
is "... man renders it without a warning" "$(MANWIDTH=80 man --warnings -l "$T/t.5" 2>&1 > /dev/null)" ""
# tags SECTION: the tags (first words after .TP) of one .SH section.
tags() {
	awk -v s="$1" '/^\.SH / { on = ($0 == ".SH " s) } on && prev == ".TP" { print } { prev = $0 }' "$T/t.5" |
		sed 's/\\fB//g; s/\\fR//g; s/\\-/-/g; s/[ ,].*//' | sort
}
for kind in profile policy crl; do
	case $kind in
	profile) sect='[PROFILE]' ;; policy) sect='[POLICY]' ;; crl) sect='TEMPLATE: TEMPLATES/CRL.CNF' ;;
	esac
	is "... every [$kind] key the reader accepts, and no other" "$(tags "$sect")" \
		"$("$CEREMONY" help --keys | awk -v k=$kind '$1 == k { print $2 }' | sort)"
done
is "... every shipped template" "$(tags "SHIPPED TEMPLATES")" "$(cd "$TOP/templates" && ls ./*.cnf | sed 's#^\./##' | sort)"

# ceremony-database(5): from docs/database.md (install.t checks its files).
"$TOP/scripts/md2man" ceremony-database 5 "d" 2026-12-03 0 "$TOP/docs/database.md" > "$T/d.5"
is "ceremony-database(5): lint-clean" "$(mandoc -T lint -W warning "$T/d.5" 2>&1)" ""
like "... names templates/" "$(cat "$T/d.5")" "templates/ +the CA's own templates"
done_testing
