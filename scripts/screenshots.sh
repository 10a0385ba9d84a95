#!/usr/bin/env bash
# Regenerates the README's screenshots (docs/screenshots/*.png) from the browser test that takes them,
# against the real page over the shipped sample catalog in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
mkdir -p docs/screenshots
LOOKBOOK_SCREENSHOTS="$PWD/docs/screenshots" dotnet test tests/Lookbook.Api.Tests --nologo -v quiet \
  --filter "FullyQualifiedName~ReadmeScreenshotTests"
ls -l docs/screenshots
