#!/bin/sh
# Every C source of the project is clang-format'ed (TAP).  Skipped where
# clang-format is not installed.
cd "${LR_SOURCE_DIR:?}" || exit 1
if ! command -v clang-format >/dev/null 2>&1; then
	echo "1..0 # SKIP clang-format not installed"
	exit 0
fi
n=0
fail=0
for f in $(find base geo engine cli report data benchmarks tests -name '*.[ch]' | sort); do
	n=$((n + 1))
	if clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "ok $n - $f is clang-format'ed"
	else
		echo "not ok $n - $f is clang-format'ed (clang-format -i $f)"
		fail=1
	fi
done
echo "1..$n"
exit $fail
