#!/bin/sh
# Renders the demo's workbooks (English and --lang zh) as a consultant prints
# them and leaves them for a human to look at: DIR/books/*.xlsx, DIR/pdf/*.pdf
# and DIR/pdf/*.png (60 dpi), then prints the checks of xlsx_print.py.
#   tests/e2e/render_pages.sh [DIR]      (default: ./print-pages; CBAMCALC: ./src/cbamcalc)
here=$(dirname "$0")
dir=${1:-print-pages}
CBAMCALC=${CBAMCALC:-$(pwd)/src/cbamcalc}
export CBAMCALC
exec sh "$here/run-python.sh" "$here/xlsx_print.py" --keep "$dir"
