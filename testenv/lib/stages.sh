# Sourced by testenv/up and testenv/mark-image: the kwok Stages with the
# image marks filled in.
#
# $TESTENV_DIR/run/marks holds one mark a line, "SUBSTRING BEHAVIOUR"
# (crash, pullfail, unready); render_stages prints testenv/kwok/stages.yaml
# with each "#include FILE" line replaced by that file (indented like the
# line), @K8S_VERSION@ by the pinned version, and @MARKS_JQ@ / @MARKS_TPL@ by
# the marks as a jq array / go-template lists.

# A substring that can go into the jq and template text as it is.
valid_mark_substring() { [[ $1 =~ ^[A-Za-z0-9._:/@+-]+$ ]]; }

render_stages() {
	local marks="$TESTENV_DIR/run/marks" jq="" tpl="" sub beh
	if [ -f "$marks" ]; then
		while read -r sub beh; do
			[ -n "$sub" ] || continue
			valid_mark_substring "$sub" || die "bad mark '$sub' in $marks"
			jq+="${jq:+,}{\"s\":\"$sub\",\"b\":\"$beh\"}"
			tpl+=" (list \"$sub\" \"$beh\")"
		done <"$marks"
	fi
	awk -v dir="$here/kwok" -v ver="$K8S_VERSION" -v jq="[$jq]" -v tpl="$tpl" '
		function subst(s) {
			gsub(/@K8S_VERSION@/, ver, s)
			gsub(/@MARKS_JQ@/, jq, s)
			gsub(/@MARKS_TPL@/, tpl, s)
			return s
		}
		/^[[:space:]]*#include [^[:space:]]+$/ {
			indent = $0; sub(/#.*/, "", indent)
			file = dir "/" $2
			while ((getline line < file) > 0) print indent subst(line)
			close(file)
			next
		}
		{ print subst($0) }
	' "$here/kwok/stages.yaml"
}
