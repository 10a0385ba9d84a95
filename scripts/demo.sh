#!/usr/bin/env bash
# Builds Lookbook and runs the demo: imports the shipped sample catalog into .lookbook/demo.db,
# indexes it with the packaged ResNet18, trains the classification head, writes the evaluation
# report, searches it with sample photos, then serves the web page at http://127.0.0.1:5000
# (Ctrl+C stops it; --urls http://127.0.0.1:8080 listens elsewhere; --quick skips training).
set -euo pipefail
cd "$(dirname "$0")/.."

LOOKBOOK_SKIP_BROWSER=1 LOOKBOOK_SKIP_POSTGRES=1 source scripts/setup.sh

dotnet build src/Lookbook.Cli -c Release --nologo -v quiet
mkdir -p .lookbook
exec ./lookbook demo --serve --db .lookbook/demo.db "$@"
