# tests/hostile/expand.awk: the corpus's *.cases files (stanzas of
# "key: value" lines, README.md) to a plan for tests/hostile/run.sh: per case
#   hcase_begin 'FILE:LINE'; hvar NAME 'VALUE'...; hkv KEY 'RAW'...; hcase_end
# 'each:', 'vars:'+'row:' and 'formats:' lines multiply a stanza: one case
# per combination of their values.
function q(s) { gsub(/'/, "'\\''", s); return "'" s "'" }
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function flush(   d, i, j, k, idx, total, r, nf, parts, names, t) {
	if (!nk) return
	total = 1
	for (d = 1; d <= nd; d++) total *= dn[d]
	for (i = 0; i < total; i++) {
		print "hcase_begin " q(where)
		r = i
		for (d = nd; d >= 1; d--) {
			idx = r % dn[d] + 1
			r = int(r / dn[d])
			t = dv[d, idx]
			nf = split(dvars[d], names, " ")
			if (nf == 1) { print "hvar " names[1] " " q(t); continue }
			split(t, parts, "\034")
			for (j = 1; j <= nf; j++) print "hvar " names[j] " " q(parts[j])
		}
		for (k = 1; k <= nk; k++) print "hkv " key[k] " " q(val[k])
		print "hcase_end"
	}
	nk = 0; nd = 0; rowd = 0
}
FNR == 1 { flush() }
/^#/ { next }
/^[ \t]*$/ { flush(); next }
{
	if (!nk && !nd) where = FILENAME ":" FNR
	k = $0; sub(/:.*/, "", k); k = trim(k)
	v = $0; sub(/^[^:]*:/, "", v); v = trim(v)
	if (k == "each") {
		nd++; n = split(v, w, /[ \t]+/)
		dvars[nd] = w[1]; dn[nd] = n - 1
		for (j = 2; j <= n; j++) dv[nd, j - 1] = w[j]
	} else if (k == "formats") {
		nd++; n = split(v, w, /[ \t]+/)
		dvars[nd] = "fmt"; dn[nd] = n
		for (j = 1; j <= n; j++) dv[nd, j] = w[j]
		nk++; key[nk] = "formats"; val[nk] = "1"
	} else if (k == "vars") {
		nd++; rowd = nd; dvars[nd] = trim(v); dn[nd] = 0
	} else if (k == "row") {
		if (!rowd) { printf "%s:%d: 'row:' before 'vars:'\n", FILENAME, FNR > "/dev/stderr"; exit 2 }
		n = split(v, w, /[ \t]*\|[ \t]*/)
		t = trim(w[1])
		for (j = 2; j <= n; j++) t = t "\034" trim(w[j])
		dv[rowd, ++dn[rowd]] = t
	} else {
		gsub(/-/, "_", k)
		nk++; key[nk] = k; val[nk] = v
	}
}
END { flush() }
