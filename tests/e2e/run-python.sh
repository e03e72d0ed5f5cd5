#!/bin/sh
# Runs a Python test with an interpreter that has openpyxl (Debian's
# python3-openpyxl goes with /usr/bin/python3); exits 77 (skipped) when none has.
for py in /usr/bin/python3 python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import openpyxl' >/dev/null 2>&1; then
    exec "$py" "$@"
  fi
done
echo "SKIP: $1 needs python3-openpyxl (apt-get install python3-openpyxl)"
exit 77
