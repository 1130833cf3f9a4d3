# Draws study.csv (scripts/privacy-study.sh) as an SVG: one panel per data set, test RMSE against
# the epsilon budget (log2 axis; "inf" = no privacy), with the non-private and bias-baseline RMSE
# as horizontal lines. Usage: awk -F, -f utility-privacy-svg.awk study.csv > plot.svg
function unq(s) { gsub(/"/, "", s); return s }
function x(p, e) { return p * 420 + 70 + (e == "inf" ? 5 : log(e) / log(2)) * 64 }
function y(p, v) { return 300 - (v - lo[p]) / (hi[p] - lo[p]) * 240 }
NR > 1 {
  run = unq($1); d = unq($2); p = (d == "synthetic") ? 1 : 0; name[p] = d; used[p] = 1
  r = $8 + 0; b = $9 + 0; base[p] = b
  if (run ~ /-none-defaults$/) { nondef[p] = r }
  else if (run ~ /-none$/) { none[p] = r }
  else { n[p]++; eps[p, n[p]] = unq($4); rmse[p, n[p]] = r }
  if (!(p in lo) || r < lo[p]) lo[p] = r; if (!(p in hi) || r > hi[p]) hi[p] = r
  if (b < lo[p]) lo[p] = b; if (b > hi[p]) hi[p] = b
}
END {
  print "<svg xmlns='http://www.w3.org/2000/svg' width='860' height='360' font-family='sans-serif' font-size='12'>"
  print "<rect width='860' height='360' fill='white'/>"
  for (p = 0; p < 2; p++) {
    if (!used[p]) continue
    pad = (hi[p] - lo[p]) * 0.08 + 1e-4; lo[p] -= pad; hi[p] += pad
    printf "<text x='%d' y='30' font-size='14'>%s: test RMSE vs epsilon (central DP)</text>\n", p * 420 + 70, name[p]
    printf "<text x='%d' y='50' fill='steelblue'>blue: central DP; orange (inf): no privacy, same settings</text>\n", p * 420 + 60
    printf "<rect x='%d' y='60' width='340' height='240' fill='none' stroke='black'/>\n", p * 420 + 60
    for (k = 0; k < 6; k++) {
      v = lo[p] + (hi[p] - lo[p]) * k / 5
      printf "<text x='%d' y='%.1f' text-anchor='end'>%.3f</text>\n", p * 420 + 56, y(p, v) + 4, v
    }
    split("1 2 4 8 16 inf", ticks, " ")
    for (k = 1; k <= 6; k++)
      printf "<text x='%.1f' y='318' text-anchor='middle'>%s</text>\n", x(p, ticks[k]), ticks[k]
    printf "<text x='%d' y='345' text-anchor='middle'>epsilon</text>\n", p * 420 + 230
    printf "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='gray' stroke-dasharray='6,4'/>\n", p * 420 + 60, p * 420 + 400, y(p, base[p]), y(p, base[p])
    printf "<text x='%d' y='%.1f' fill='gray'>bias baseline %.4f</text>\n", p * 420 + 64, y(p, base[p]) - 4, base[p]
    pts = ""
    for (i = 1; i <= n[p]; i++) pts = pts sprintf("%.1f,%.1f ", x(p, eps[p, i]), y(p, rmse[p, i]))
    if (p in none) pts = pts sprintf("%.1f,%.1f", x(p, "inf"), y(p, none[p]))
    printf "<polyline points='%s' fill='none' stroke='steelblue' stroke-width='2'/>\n", pts
    for (i = 1; i <= n[p]; i++)
      printf "<circle cx='%.1f' cy='%.1f' r='3.5' fill='steelblue'><title>epsilon %s: %.4f</title></circle>\n", x(p, eps[p, i]), y(p, rmse[p, i]), eps[p, i], rmse[p, i]
    if (p in none) printf "<circle cx='%.1f' cy='%.1f' r='3.5' fill='darkorange'><title>no privacy, same settings: %.4f</title></circle>\n", x(p, "inf"), y(p, none[p]), none[p]
    if (p in nondef) {
      printf "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='darkgreen' stroke-dasharray='2,3'/>\n", p * 420 + 60, p * 420 + 400, y(p, nondef[p]), y(p, nondef[p])
      printf "<text x='%d' y='%.1f' fill='darkgreen'>non-private, default settings %.4f</text>\n", p * 420 + 64, y(p, nondef[p]) + 14, nondef[p]
    }
  }
  print "</svg>"
}
