# t_index_room.sh: an old index.json that starts as index_write() writes
# it is read with room for its entries taken at once, estimated from its
# text.  A hostile one (that first line, then 40 MB of newlines) is an
# error at its line, also where address space is limited (ulimit -v), not
# "out of memory": the estimate is bounded by the bytes an entry takes
# at least, not only by its lines.
. tests/lib.sh

case $TOOLSYNC in
*build/san*)
	echo "skipped under SANITIZE=1: ASan reserves terabytes of address space"
	exit 0 ;;
esac
example_copy
cd "$T/cat"
"$TOOLSYNC" build >/dev/null 2>&1 || fail "the example does not build"
limited() { sh -c 'ulimit -v 500000 && exec "$0" "$@"' "$TOOLSYNC" "$@"; }
run limited build
expect_rc 0 "a build fits in the limit"
{
	printf '{\n  "format": "toolsync.index/1",\n  "files": ['
	head -c 41943040 /dev/zero | tr '\0' '\n'
} >manifests/index.json
before=$(tree_sum manifests)
run limited build
expect_rc 2
expect_not_in "$T/err" "out of memory"
expect_in "$T/err" "toolsync: manifests/index.json:41943043:1: error: unexpected end of file"
[ "$before" = "$(tree_sum manifests)" ] || fail "the output directory changed"
