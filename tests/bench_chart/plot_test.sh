#!/usr/bin/env bash
# Tests ci/plot-guest-bench.awk, the chart ci/run-guest-bench.sh --svg draws:
# a fixed input must give exactly the golden SVG (escaped labels, a log2
# axis from 1/16x to 16x, a group missing a series), and each malformed
# input must fail with status 2 and a message naming the file and line.
#
# usage: plot_test.sh PLOT_AWK DIR   (DIR holds chart.tsv and chart.svg)
set -euo pipefail

if (($# != 2)); then
    echo "usage: $0 PLOT_AWK DIR" >&2
    exit 2
fi
plot=$1 dir=$2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/vm-plot-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
failed=0

if awk -f "$plot" "$dir/chart.tsv" >"$scratch/chart.svg" && cmp -s "$scratch/chart.svg" "$dir/chart.svg"; then
    echo "ok - the fixed input draws the golden chart"
else
    echo "not ok - the fixed input does not draw $dir/chart.svg:"
    diff "$dir/chart.svg" "$scratch/chart.svg" | head -n 20 || true
    failed=1
fi

# rejects NAME WANT_TEXT INPUT: the input must fail with status 2 and print
# WANT_TEXT on stderr, and nothing on stdout.
rejects() {
    local name=$1 want=$2 status=0
    printf '%b' "$3" >"$scratch/$name.tsv"
    awk -f "$plot" "$scratch/$name.tsv" >"$scratch/$name.out" 2>"$scratch/$name.err" || status=$?
    if ((status == 2)) && grep -qF -- "$want" "$scratch/$name.err" && [[ ! -s $scratch/$name.out ]]; then
        echo "ok - $name"
    else
        echo "not ok - $name: status $status, stderr '$(cat "$scratch/$name.err")', $(wc -c <"$scratch/$name.out") bytes on stdout"
        failed=1
    fi
}
rejects negative_ratio "$scratch/negative_ratio.tsv:2: ratio '-1' is not a positive number" 'bar\ta\tb\t1\nbar\ta\tc\t-1\n'
rejects zero_ratio "zero_ratio.tsv:1: ratio '0' is not a positive number" 'bar\ta\tb\t0\n'
rejects word_ratio "word_ratio.tsv:1: ratio 'fast' is not a positive number" 'bar\ta\tb\tfast\n'
rejects short_bar "short_bar.tsv:1: bar takes GROUP, SERIES and RATIO" 'bar\ta\t2\n'
rejects unknown_record "unknown_record.tsv:2: unknown record 'bars'" 'title\tx\nbars\ta\tb\t1\n'
rejects no_bars "no_bars.tsv: no bars to draw" 'title\tonly a title\n'

exit "$failed"
