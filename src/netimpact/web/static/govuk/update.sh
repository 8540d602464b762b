#!/usr/bin/env bash
# Rebuild the vendored GOV.UK Frontend (see README.md). Needs node and npm at update time only;
# the site itself needs neither. Usage: ./update.sh 6.6.0
set -euo pipefail
version="${1:?usage: ./update.sh GOVUK_FRONTEND_VERSION (e.g. 6.6.0)}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "govuk-frontend@$version" "sass@1"
# Compile from the temp dir: Sass resolves "pkg:govuk-frontend" from the entry file's node_modules.
cp "$here/netimpact-govuk.scss" .
npx sass --style=compressed --no-source-map --pkg-importer=node netimpact-govuk.scss "$here/govuk-frontend.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$here/govuk-frontend.min.js"
# Only what the compiled CSS refers to: no GOV.UK fonts (Arial instead) and no crown icons.
rm -rf "$here/assets"
mkdir -p "$here/assets/images"
cp node_modules/govuk-frontend/dist/govuk/assets/images/govuk-crest.svg "$here/assets/images/"
echo "$version" > "$here/VERSION"
grep -o 'url([^)]*)' "$here/govuk-frontend.min.css" | sort -u
