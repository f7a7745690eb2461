# Draws ci/run-guest-bench.sh's speeds as an SVG bar chart: one group of
# horizontal bars per workload (and one for the geometric mean), one bar per
# series (each vm engine, native code), each bar's length the series' speed
# relative to qemu-riscv64 on a log2 axis, with qemu's 1x as a dashed line.
# A log axis because the ratios span 0.1x (the interpreter) to 15x (native
# FP code): on a linear one every bar under 2x would be a sliver.
#
# Input, tab-separated, one record per line:
#   title<TAB>TEXT          the chart's heading (first one wins)
#   note<TAB>TEXT           a line under the heading (any number)
#   bar<TAB>GROUP<TAB>SERIES<TAB>RATIO   RATIO > 0; groups and series are
#                           drawn in the order they first appear
# Output: the SVG document on stdout. Exit status 2, with a message on
# stderr, on a malformed line or when there is no bar.
#
# usage: awk -f ci/plot-guest-bench.awk DATA.tsv > chart.svg
BEGIN {
    FS = "\t"
    ngroups = 0; nseries = 0; nnotes = 0; nbars = 0; title = ""
    split("#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f", palette, " ")
}

function fail(why) {
    printf "plot-guest-bench: %s:%d: %s\n", FILENAME, FNR, why > "/dev/stderr"
    failed = 1
    exit 2
}

function esc(s) {
    gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s)
    return s
}

# Pixels from the axis' left end for a ratio, on the log2 axis [lo, hi].
function x_of(ratio) { return plot_left + (log(ratio) / log(2) - lo) / (hi - lo) * plot_width }

function ratio_text(r) { return r >= 10 ? sprintf("%.1f×", r) : sprintf("%.2f×", r) }

/^[[:space:]]*$/ { next }
$1 == "title" { if (NF != 2) fail("title takes one field"); if (title == "") title = $2; next }
$1 == "note" { if (NF != 2) fail("note takes one field"); notes[++nnotes] = $2; next }
$1 == "bar" {
    if (NF != 4) fail("bar takes GROUP, SERIES and RATIO")
    if ($4 !~ /^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/ || $4 + 0 <= 0) fail("ratio '" $4 "' is not a positive number")
    if (!($2 in group_index)) { group_index[$2] = ++ngroups; groups[ngroups] = $2 }
    if (!($3 in series_index)) { series_index[$3] = ++nseries; series[nseries] = $3 }
    value[group_index[$2], series_index[$3]] = $4 + 0
    ++nbars
    next
}
{ fail("unknown record '" $1 "'") }

END {
    if (failed) exit 2
    if (nbars == 0) { printf "plot-guest-bench: %s: no bars to draw\n", FILENAME > "/dev/stderr"; exit 2 }
    # The axis: whole powers of two around every ratio and 1x.
    lo = 0; hi = 0
    for (key in value) {
        l = log(value[key]) / log(2)
        if (l < lo) lo = l
        if (l > hi) hi = l
    }
    lo = int(lo) - (lo < int(lo) ? 1 : 0)
    hi = int(hi) + (hi > int(hi) ? 1 : 0)
    if (hi == lo) hi = lo + 1

    width = 760; label_width = 130; right = 60
    plot_left = label_width; plot_width = width - label_width - right
    bar_h = 14; bar_gap = 3; group_gap = 14
    top = 34 + 16 * nnotes + 26  # heading, notes, legend
    group_h = nseries * (bar_h + bar_gap) + group_gap
    plot_top = top
    plot_bottom = plot_top + ngroups * group_h
    height = plot_bottom + 40

    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", width, height, width, height
    printf "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height
    printf "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>\n", 10, esc(title == "" ? "Guest workloads: speed relative to qemu-riscv64" : title)
    for (i = 1; i <= nnotes; ++i)
        printf "<text x=\"10\" y=\"%d\" fill=\"#444\">%s</text>\n", 22 + 16 * i, esc(notes[i])
    # Legend, one swatch per series, in a row.
    lx = plot_left; ly = 34 + 16 * nnotes + 6
    for (s = 1; s <= nseries; ++s) {
        printf "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", lx, ly, palette[(s - 1) % 8 + 1]
        printf "<text x=\"%d\" y=\"%d\">%s</text>\n", lx + 16, ly + 10, esc(series[s])
        lx += 16 + 8 * length(series[s]) + 18
    }
    # Grid lines and tick labels at each power of two (1x: the dashed line
    # drawn over the bars).
    for (p = lo; p <= hi; ++p) {
        x = x_of(2 ^ p)
        if (p != 0)
            printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", x, plot_top - 4, x, plot_bottom
        tick = p >= 0 ? sprintf("%d×", 2 ^ p) : sprintf("1/%d×", 2 ^ -p)
        printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, plot_bottom + 16, tick
    }
    printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#444\">speed relative to qemu-riscv64 (log scale; dashed line: qemu; longer is faster)</text>\n", plot_left + plot_width / 2, plot_bottom + 34
    # The bars, from the axis' left end (below 1x, so a ratio under 1x still
    # shows as a bar, ending left of the dashed line).
    for (g = 1; g <= ngroups; ++g) {
        y0 = plot_top + (g - 1) * group_h
        printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-weight=\"bold\">%s</text>\n", plot_left - 8, y0 + (nseries * (bar_h + bar_gap)) / 2 + 4, esc(groups[g])
        for (s = 1; s <= nseries; ++s) {
            if (!((g, s) in value)) continue
            r = value[g, s]
            y = y0 + (s - 1) * (bar_h + bar_gap)
            printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s, %s: %s</title></rect>\n", plot_left, y, x_of(r) - plot_left, bar_h, palette[(s - 1) % 8 + 1], esc(groups[g]), esc(series[s]), ratio_text(r)
            printf "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>\n", x_of(r) + 4, y + bar_h - 3, ratio_text(r)
        }
    }
    x = x_of(1)
    printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-dasharray=\"4,3\"/>\n", x, plot_top - 4, x, plot_bottom
    print "</svg>"
}
