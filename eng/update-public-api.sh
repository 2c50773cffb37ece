#!/usr/bin/env bash
# Updates the public API files of the libraries (src/Acode.{Domain,Application,Infrastructure}/PublicAPI.*.txt) from
# the code, with the code fix of Microsoft.CodeAnalysis.PublicApiAnalyzers (docs/architecture.md, "Public API").
#
#   eng/update-public-api.sh           PublicAPI.Unshipped.txt := every public member not in PublicAPI.Shipped.txt
#                                      (written anew: members since made internal or removed drop out; *REMOVED* lines
#                                      are kept), then both files sorted; then builds the libraries and lists what is
#                                      still wrong (RS0017: a shipped member is gone; CS1591: a public member has no
#                                      XML documentation). Exit 1 when anything is.
#   eng/update-public-api.sh --accept-removals
#                                      as above, and a shipped member that is no longer public (RS0017, e.g. after a
#                                      merge made it internal) is recorded as removed: *REMOVED*<its line> is added to
#                                      PublicAPI.Unshipped.txt. Review those lines: each is a break for callers.
#   eng/update-public-api.sh --ship    at a release: moves PublicAPI.Unshipped.txt into PublicAPI.Shipped.txt (a
#                                      *REMOVED*X line deletes X from it), leaving Unshipped empty.
#
# The output does not depend on the order the analyzer found the members in: each file is the line
# "#nullable enable" followed by its entries sorted by byte value (LC_ALL=C), duplicates removed.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

projects=(src/Acode.Domain src/Acode.Application src/Acode.Infrastructure)
header='#nullable enable'

# normalize FILE [KEEP-REGEX]: header, then the sorted unique entries (blank lines dropped).
normalize() {
  local file=$1 tmp
  tmp=$(mktemp)
  { echo "$header"; grep -v -e "^$header\$" -e '^[[:space:]]*$' "$file" | tr -d '\r' | sort -u || true; } > "$tmp"
  mv "$tmp" "$file"
}

if [ "${1:-}" = "--ship" ]; then
  for p in "${projects[@]}"; do
    shipped=$p/PublicAPI.Shipped.txt unshipped=$p/PublicAPI.Unshipped.txt
    removed=$(grep '^\*REMOVED\*' "$unshipped" | sed 's/^\*REMOVED\*//' || true)
    { grep -v -e "^$header\$" -e '^\*REMOVED\*' "$unshipped" || true; } >> "$shipped"
    if [ -n "$removed" ]; then
      grep -vxF -f <(printf '%s\n' "$removed") "$shipped" > "$shipped.tmp" || true
      mv "$shipped.tmp" "$shipped"
    fi
    echo "$header" > "$unshipped"
    normalize "$shipped"
    echo "shipped: $p"
  done
  exit 0
fi

status=0
for p in "${projects[@]}"; do
  csproj=$(ls "$p"/*.csproj)
  shipped=$p/PublicAPI.Shipped.txt unshipped=$p/PublicAPI.Unshipped.txt
  [ -f "$shipped" ] || echo "$header" > "$shipped"
  # Start Unshipped over (keeping only the *REMOVED* markers): the code fix then adds exactly what is public now.
  { echo "$header"; grep '^\*REMOVED\*' "$unshipped" 2>/dev/null || true; } > "$unshipped.tmp"
  mv "$unshipped.tmp" "$unshipped"
  echo "update: $csproj"
  dotnet format analyzers "$csproj" --diagnostics RS0016 --severity warn --verbosity quiet
  normalize "$shipped"
  normalize "$unshipped"
done

# check: builds the libraries (warnings not fatal) and prints the public-API and documentation diagnostics, one a line:
# "<path>(<line>,<col>): warning <id>: <message>", paths relative to the repository.
check() {
  local log
  log=$(mktemp)
  dotnet build src/Acode.Infrastructure/Acode.Infrastructure.csproj -p:TreatWarningsAsErrors=false -nologo -v q -clp:NoSummary > "$log" 2>&1 || true
  grep -E 'warning (RS00[0-9]+|CS1591)|error ' "$log" | sed "s|$(pwd)/||g; s| \[[^]]*\]\$||" | sort -u || true
  rm -f "$log"
}

problems=$(check)
if [ "${1:-}" = "--accept-removals" ] && grep -q 'PublicAPI.Shipped.txt([0-9,]*): warning RS0017' <<<"$problems"; then
  while IFS= read -r line; do
    file=${line%%(*}
    symbol=$(sed -E "s/.*warning RS0017: Symbol '(.*)' is part of the declared API.*/\1/" <<<"$line")
    echo "*REMOVED*$symbol" >> "$(dirname "$file")/PublicAPI.Unshipped.txt"
    echo "removed: $symbol"
  done < <(grep 'PublicAPI.Shipped.txt([0-9,]*): warning RS0017' <<<"$problems")
  for p in "${projects[@]}"; do normalize "$p/PublicAPI.Unshipped.txt"; done
  problems=$(check)
fi

if [ -n "$problems" ]; then
  echo
  echo "Still to do by hand (CS1591: document the member, or make it internal; RS0017: a shipped member is gone:"
  echo "keep it public, or run with --accept-removals to record it as removed):"
  echo "$problems"
  status=1
fi
git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt' || true
exit $status
