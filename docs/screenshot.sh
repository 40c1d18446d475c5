#!/bin/sh
# Build the demo store, draw its KPI dashboard and photograph it with
# headless Chromium for the README: docs/kpi-dashboard.png. With --pdf, print
# it to docs/kpi-dashboard.pdf too (A4), to check how it falls on pages.
# Run from the repository, with send-cli installed: sh docs/screenshot.sh [--pdf]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
send-cli demo --db demo.db > /dev/null 2>&1
# the demo council's own target, drawn beside England's figure
send-cli --db demo.db --now 2027-01-04T09:00 --as LCO1 setting set kpi-target-20-weeks 80 \
    2> /dev/null
send-cli --db demo.db --now 2027-01-04T09:00 report kpi --format html -o kpi.html
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
shoot() {
    "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --no-first-run --user-data-dir="$work/profile" \
        "$@" "file://$work/kpi.html" > /dev/null 2>&1
}
shoot --screenshot="$here/kpi-dashboard.png" --window-size=1200,2400
echo "wrote $here/kpi-dashboard.png"
if [ "${1:-}" = "--pdf" ]; then
    shoot --print-to-pdf="$here/kpi-dashboard.pdf" --no-pdf-header-footer
    echo "wrote $here/kpi-dashboard.pdf"
fi
