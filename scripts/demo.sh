#!/usr/bin/env bash
# Builds Lookbook and runs the demo: imports the shipped sample catalog into .lookbook/demo.db,
# indexes it with the packaged ResNet18, searches it with sample photos, then serves the web page
# at http://127.0.0.1:5000 (Ctrl+C stops it; pass --urls to listen elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."

LOOKBOOK_SKIP_BROWSER=1 source scripts/setup.sh

dotnet build src/Lookbook.Cli -c Release --nologo -v quiet
mkdir -p .lookbook
exec dotnet src/Lookbook.Cli/bin/Release/net10.0/linux-x64/lookbook.dll demo --serve --db .lookbook/demo.db "$@"
