#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Regenerate the example PKI in examples/certs/ with GnuTLS's certtool (Debian: gnutls-bin).
# The committed files were made with this script; they are valid for about twenty years, so the
# examples keep working without regeneration. The private keys are throwaway test keys.
#
#   examples/make-examples.sh [OUTDIR]      (default: examples/certs next to this script)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/certs}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

key() { certtool --generate-privkey --key-type rsa --bits 2048 --outfile "$tmp/$1.key" 2>/dev/null; }

# $1 name, $2 issuer name ("self" for a root), then the template lines on stdin.
cert() {
    name=$1 issuer=$2
    cat > "$tmp/$name.tmpl"
    key "$name"
    if [ "$issuer" = self ]; then
        certtool --generate-self-signed --load-privkey "$tmp/$name.key" \
            --template "$tmp/$name.tmpl" --outfile "$tmp/$name.pem" 2>/dev/null
    else
        certtool --generate-certificate --load-privkey "$tmp/$name.key" \
            --load-ca-certificate "$tmp/$issuer.pem" --load-ca-privkey "$tmp/$issuer.key" \
            --template "$tmp/$name.tmpl" --outfile "$tmp/$name.pem" 2>/dev/null
    fi
}

# ---- two CAs: the Contoso enterprise PKI, and a stand-in for a public CA ----------------------
cert contoso-root self <<'EOF'
cn = "Contoso Root CA"
organization = "Contoso"
ca
cert_signing_key
crl_signing_key
expiration_days = 9125
EOF
cert contoso-issuing contoso-root <<'EOF'
cn = "Contoso Issuing CA 1"
organization = "Contoso"
ca
path_len = 0
cert_signing_key
crl_signing_key
expiration_days = 8400
crl_dist_points = "http://pki.contoso.com/crl/contoso-root.crl"
EOF
cert public-root self <<'EOF'
cn = "Example Public Root CA"
organization = "Example Trust Services"
ca
cert_signing_key
crl_signing_key
expiration_days = 9125
EOF
cert public-issuing public-root <<'EOF'
cn = "Example Public TLS CA"
organization = "Example Trust Services"
ca
path_len = 0
cert_signing_key
crl_signing_key
expiration_days = 8400
crl_dist_points = "http://crl.example-trust.test/root.crl"
EOF

server() {
    # Common server certificate lines: Web Server template profile, CDP, twenty years.
    cat <<'EOF'
organization = "Contoso"
tls_www_server
signing_key
encryption_key
expiration_days = 7300
EOF
}

# ---- the reference incident: Exchange UM with a wildcard CN, and the correct certificate ------
{ echo 'cn = "*.contoso.com"'; echo 'dns_name = "exch01.contoso.com"'; echo 'dns_name = "*.contoso.com"';
  echo 'crl_dist_points = "http://pki.contoso.com/crl/contoso-issuing.crl"'; server; } | cert exchange-um-wildcard contoso-issuing
{ echo 'cn = "exch01.contoso.com"'; echo 'dns_name = "exch01.contoso.com"';
  echo 'crl_dist_points = "http://pki.contoso.com/crl/contoso-issuing.crl"'; server; } | cert exchange-um contoso-issuing

# ---- Skype for Business Front End: Default and external web certificates ---------------------
{ echo 'cn = "pool01.contoso.com"'; echo 'dns_name = "pool01.contoso.com"'; echo 'dns_name = "fe01.contoso.com"';
  echo 'dns_name = "sip.contoso.com"'; echo 'dns_name = "lyncdiscoverinternal.contoso.com"';
  echo 'crl_dist_points = "http://pki.contoso.com/crl/contoso-issuing.crl"'; server; } | cert frontend-default contoso-issuing
# A Default certificate that leans on a wildcard instead of naming the front end server.
{ echo 'cn = "pool01.contoso.com"'; echo 'dns_name = "pool01.contoso.com"'; echo 'dns_name = "*.contoso.com"';
  echo 'crl_dist_points = "http://pki.contoso.com/crl/contoso-issuing.crl"'; server; } | cert frontend-default-wildcard contoso-issuing
# External web services: the wildcard covers the meet and dialin simple URLs, which is supported.
{ echo 'cn = "pool01.contoso.com"'; echo 'dns_name = "webext.contoso.com"'; echo 'dns_name = "pool01.contoso.com"';
  echo 'dns_name = "lyncdiscover.contoso.com"'; echo 'dns_name = "*.contoso.com"';
  echo 'crl_dist_points = "http://pki.contoso.com/crl/contoso-issuing.crl"'; server; } | cert frontend-web-external contoso-issuing

# ---- Edge external (public CA), with the Web Conferencing Edge name forgotten -----------------
{ echo 'cn = "sip.contoso.com"'; echo 'dns_name = "sip.contoso.com"';
  echo 'crl_dist_points = "http://crl.example-trust.test/tls.crl"'; server; } | cert edge-external-incomplete public-issuing

# ---- Teams Direct Routing SBC with a wildcard CN (allowed for this role) ---------------------
{ echo 'cn = "*.sbc.contoso.com"'; echo 'dns_name = "*.sbc.contoso.com"';
  echo 'crl_dist_points = "http://crl.example-trust.test/tls.crl"'; server; } | cert teams-sbc public-issuing

# ---- write the files: leaf first, then its intermediate ----------------------------------------
cp "$tmp/contoso-root.pem" "$out/contoso-root.pem"
cp "$tmp/public-root.pem" "$out/public-root.pem"
for leaf in exchange-um-wildcard exchange-um frontend-default frontend-default-wildcard frontend-web-external; do
    cat "$tmp/$leaf.pem" "$tmp/contoso-issuing.pem" > "$out/$leaf.pem"
done
for leaf in edge-external-incomplete teams-sbc; do
    cat "$tmp/$leaf.pem" "$tmp/public-issuing.pem" > "$out/$leaf.pem"
done
# The correct UM certificate also as a PKCS#12 file, as Exchange exports it (password in a file).
printf 'contoso\n' > "$out/exchange-um.pfx.password"
cat "$tmp/exchange-um.pem" "$tmp/contoso-issuing.pem" > "$tmp/um-chain.pem"
certtool --to-p12 --load-certificate "$tmp/um-chain.pem" --load-privkey "$tmp/exchange-um.key" \
    --p12-name "Exchange UM" --password contoso --outder --outfile "$out/exchange-um.pfx" 2>/dev/null
echo "wrote the example PKI to $out"
