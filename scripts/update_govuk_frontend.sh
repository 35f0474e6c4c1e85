#!/usr/bin/env bash
# Vendor GOV.UK Frontend into static/govuk/ (committed; no node needed at runtime).
#
# Usage:   scripts/update_govuk_frontend.sh
# Bump:    change GOVUK_FRONTEND_VERSION below (check the release notes at
#          https://github.com/alphagov/govuk-frontend/releases for breaking
#          changes and renamed classes), run the script, check the site, then
#          commit static/govuk/. SASS_VERSION can be bumped the same way.
#
# It installs the pinned packages into a throwaway directory, compiles
# static/src/app.scss (system font stack, no GDS Transport, asset URLs relative
# to app.css), and writes into static/govuk/:
#   app.css                      compiled stylesheet
#   govuk-frontend.min.js(.map)  ES module bundle (exports initAll)
#   assets/...                   only the images app.css references (no fonts)
#   VERSION                      the govuk-frontend version vendored
# Re-running with the same versions gives the same output.
set -euo pipefail

GOVUK_FRONTEND_VERSION=6.6.0
SASS_VERSION=1.108.2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/static/src/app.scss"
dest="$root/static/govuk"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "Installing govuk-frontend@$GOVUK_FRONTEND_VERSION and sass@$SASS_VERSION into $tmp"
npm install --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
  --loglevel=error --prefix "$tmp" \
  "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION" >/dev/null

dist="$tmp/node_modules/govuk-frontend/dist/govuk"
installed="$(node -p "require('$tmp/node_modules/govuk-frontend/package.json').version")"
if [[ "$installed" != "$GOVUK_FRONTEND_VERSION" ]]; then
  echo "error: installed govuk-frontend $installed, expected $GOVUK_FRONTEND_VERSION" >&2
  exit 1
fi

# Build into a staging directory; static/govuk/ is only replaced on success.
out="$tmp/out"
mkdir -p "$out"

echo "Compiling ${src#"$root"/} -> static/govuk/app.css"
"$tmp/node_modules/.bin/sass" --style=compressed --no-source-map \
  --load-path="$tmp/node_modules" "$src" "$out/app.css"

if grep -qi -e "GDS Transport" -e "@font-face" "$out/app.css"; then
  echo "error: app.css still contains @font-face / GDS Transport" >&2
  exit 1
fi

echo "Copying govuk-frontend.min.js (+ source map)"
cp "$dist/govuk-frontend.min.js" "$dist/govuk-frontend.min.js.map" "$out/"

# Copy exactly the files that app.css references via url(...).
echo "Copying assets referenced by app.css:"
mapfile -t urls < <(grep -o 'url([^)]*)' "$out/app.css" \
  | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' | grep -v '^data:' | sort -u)
for url in "${urls[@]}"; do
  case "$url" in
    assets/images/*) ;;
    *) echo "error: unexpected url($url) in app.css" >&2; exit 1 ;;
  esac
  file="${url%%[?#]*}"
  mkdir -p "$out/$(dirname "$file")"
  cp "$dist/$file" "$out/$file"
  echo "  static/govuk/$file"
done

echo "$GOVUK_FRONTEND_VERSION" > "$out/VERSION"

rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -R "$out" "$dest"

echo "Done: govuk-frontend $GOVUK_FRONTEND_VERSION vendored into static/govuk/:"
(cd "$dest" && find . -type f | sort | sed 's|^\./|  |')
