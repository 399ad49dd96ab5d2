#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The main job: check the bundled example certificates against their roles and show each report,
# then a summary table of expected and actual results. Exits 0 when every example gives the
# result it is meant to give, 1 otherwise (the examples include failing certificates on purpose:
# the wildcard-CN Exchange UM certificate of the reference incident is the first one).
#
#   examples/check-examples.sh [PATH/TO/ucpolicy]     (default: build/libucpolicy/ucpolicy)
set -u

here=$(cd "$(dirname "$0")" && pwd)
ucp=${1:-$here/../build/libucpolicy/ucpolicy}
if [ ! -x "$ucp" ]; then
    echo "check-examples: $ucp not found; build first: meson setup build && meson compile -C build" >&2
    exit 2
fi
certs=$here/certs
topo=$here/topology
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
failures=0

# run NAME ROLE EXPECTED-RESULT [ucpolicy check options...] FILE
run() {
    name=$1 role=$2 expected=$3
    shift 3
    echo "==> $name: ucpolicy check --role $role $*"
    "$ucp" check --role "$role" --color never "$@"
    case $? in
        0) got=pass ;;
        1) got=warning ;;
        2) got=fail ;;
        *) got=error ;;
    esac
    mark=ok
    if [ "$got" != "$expected" ]; then
        mark=UNEXPECTED
        failures=$((failures + 1))
    fi
    printf '%-28s %-26s %-9s %-9s %s\n' "$name" "$role" "$expected" "$got" "$mark" >> "$summary"
    echo
}

contoso="--trust $certs/contoso-root.pem"
public="--trust $certs/public-root.pem --public-roots $certs/public-root.pem"

# The reference incident: Exchange UM with CN=*.contoso.com. Lync refuses the peer on TLS 5061.
run exchange-um-wildcard exchange-um fail $contoso --topology "$topo/exchange.json" "$certs/exchange-um-wildcard.pem"
# The fix: CN = the Exchange server's FQDN; as PEM, and as the PKCS#12 file Exchange exports.
run exchange-um exchange-um pass $contoso --topology "$topo/exchange.json" "$certs/exchange-um.pem"
run exchange-um-pfx exchange-um pass $contoso --topology "$topo/exchange.json" \
    --password-file "$certs/exchange-um.pfx.password" "$certs/exchange-um.pfx"
# Skype for Business Front End: a correct Default certificate, and one leaning on a wildcard.
run frontend-default frontend-default pass $contoso --topology "$topo/frontend.json" "$certs/frontend-default.pem"
run frontend-default-wildcard Default fail $contoso --topology "$topo/frontend.json" "$certs/frontend-default-wildcard.pem"
# External web services: a wildcard for the meet/dialin simple URLs is supported.
run frontend-web-external WebServicesExternal pass $contoso --topology "$topo/frontend.json" "$certs/frontend-web-external.pem"
# Edge external from a public CA (the example public root stands in for the public store),
# missing the Web Conferencing Edge name.
run edge-external-incomplete edge-external fail $public --topology "$topo/edge.json" "$certs/edge-external-incomplete.pem"
# Teams Direct Routing accepts a wildcard CN. It warns only because the example certificate is
# valid for twenty years, longer than a public CA may issue today (CA/B Forum SC-081).
run teams-sbc teams-direct-routing-sbc warning $public --topology "$topo/teams-sbc.json" "$certs/teams-sbc.pem"

echo "Summary"
printf '%-28s %-26s %-9s %-9s %s\n' EXAMPLE ROLE EXPECTED RESULT ""
cat "$summary"
if [ "$failures" -ne 0 ]; then
    echo "$failures example(s) did not give the expected result" >&2
    exit 1
fi
echo "All examples gave their expected result."
