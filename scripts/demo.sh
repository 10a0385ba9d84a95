#!/usr/bin/env bash
# Builds Lookbook and runs the demo: imports the shipped sample catalog into .lookbook/demo.db,
# indexes it with the packaged ResNet18 and searches it with sample photos.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/setup.sh

dotnet build src/Lookbook.Cli -c Release --nologo -v quiet
mkdir -p .lookbook
exec dotnet src/Lookbook.Cli/bin/Release/net10.0/linux-x64/lookbook.dll demo --db .lookbook/demo.db "$@"
