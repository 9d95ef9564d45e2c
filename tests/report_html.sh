#!/bin/sh
# report_html.sh ICTUNE - the report's figures and page: --plot DIR makes
# DIR and writes each figure as PNG and SVG, nothing else; the objective
# figure draws valid, broken and failed evaluations apart; the timeline has
# a colour per status; --html writes one self-contained page that headless
# Chromium renders with the figures in it (the screenshot is looked at:
# not blank, the figures' colours present). Run from tests/.
ICTUNE=$1
. ./lib.sh
command -v gnuplot > /dev/null || { echo "SKIP: gnuplot not found (apt-get install gnuplot-nox)"; exit 77; }
CHROMIUM=$(command -v chromium || command -v chromium-browser) || { echo "SKIP: chromium not found (apt-get install chromium)"; exit 77; }
/usr/bin/python3 -c 'import PIL' 2> /dev/null || { echo "SKIP: python3-pil not found"; exit 77; }
cd "$tmp" || exit 1
# f = (x - 6)^2 + y; x = 3 fails; rmse = x / 2 must stay below 4.5
cat > h.yaml <<'Y'
name: h
command: "[ {x} = 3 ] && exit 1; echo \"[ictune] f=$(( ({x}-6)*({x}-6) + {y} )) rmse=$(( {x} / 2 ))\""
parameters:
  x: {from: 0, to: 12, step: 1}
  y: [0, 1, 2, 4, 8]
objective: {metric: f}
metrics: [rmse]
constraints: ["rmse < 4.5"]
search: {strategy: exhaustive, batch: 8}
limits: {max_failures_in_a_row: 0}
Y
"$ICTUNE" run h.yaml -q --jobs 2 > run.out 2>&1; rc=$?
ok "run: exit 0" '[ $rc = 0 ]'
"$ICTUNE" report h.h5 --plot new/figs > plot.out 2>&1; rc=$?
ok "--plot makes its folder" '[ $rc = 0 ] && [ -d new/figs ]'
for f in objective parameters constraint-1 timeline; do
    ok "$f: PNG and SVG" '[ -s new/figs/$f.png ] && grep -q "<svg" new/figs/$f.svg'
done
ok "nothing else left in the folder" '[ "$(ls new/figs | wc -l)" = 8 ]'
cat > look.py <<'PY'
import sys
from PIL import Image
def has(path, rgb, tol=10, n=20):
    im = Image.open(path).convert("RGB")
    c = 0
    for p in im.getdata():
        if all(abs(p[i] - rgb[i]) <= tol for i in range(3)):
            c += 1
            if c >= n:
                return True
    return False
def hexrgb(h):
    return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))
path, what = sys.argv[1], sys.argv[2]
if what == "size":
    w, h = Image.open(path).size
    sys.exit(0 if w >= 1000 and h >= 500 else 1)
if what == "ink":
    im = Image.open(path).convert("L")
    dark = sum(1 for p in im.getdata() if p < 200)
    sys.exit(0 if dark > 0.01 * im.size[0] * im.size[1] else 1)
sys.exit(0 if all(has(path, hexrgb(h)) for h in what.split(",")) else 1)
PY
py() { /usr/bin/python3 look.py "$@"; }
ok "objective.png: readable size" 'py new/figs/objective.png size'
ok "objective.png: valid (blue), broken (red), best so far (green) drawn" 'py new/figs/objective.png "#1f77b4,#d62728,#2ca02c"'
ok "objective.png: failures drawn (grey marks)" 'py new/figs/objective.png "#555555"'
ok "timeline.png: a colour per status (OK green, FAILED red, INFEASIBLE pink)" 'py new/figs/timeline.png "#2ca02c,#d62728,#e377c2"'
ok "constraint-1.png: the limit drawn" 'py new/figs/constraint-1.png "#d62728,#1f77b4"'
"$ICTUNE" report h.h5 --html page.html > html.out 2>&1; rc=$?
ok "--html: exit 0" '[ $rc = 0 ] && [ -s page.html ]'
ok "--html: the summary, the top table and 4 inline figures" 'grep -q "best f = " page.html && grep -q "<table>" page.html && [ "$(grep -o "<svg" page.html | wc -l)" -ge 4 ]'
ok "--html: self-contained (no link to anything)" '! grep -qi "src=\|<link\|@import\|href=\"http" page.html'
"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$tmp/chrome" --window-size=1300,3200 \
    --screenshot="$tmp/shot.png" "file://$tmp/page.html" > chrome.out 2>&1
ok "chromium renders the page" '[ -s shot.png ] || { tail -3 chrome.out; false; }'
ok "the screenshot is not blank" 'py shot.png ink'
ok "the screenshot shows the figures (their colours)" 'py shot.png "#1f77b4,#2ca02c,#d62728"'
done_tests report_html
