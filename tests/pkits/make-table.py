#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerate the certification paths and CRL lists of tests/pkits/pkits.yaml (maintainer tool).

The table's ids, titles, run settings and expected outcomes are written by hand from the PKITS
document (NIST, "Public Key Interoperability Test Suite", 2011 edition, sections 4.1-4.16); this
tool only derives, from the certificates and CRLs of the data set, each test's path (end entity
to trust anchor: issuer by name, with RFC 5280 7.1 folding; among several candidates the one
whose key verifies the signature; the authority key identifier when no name matches) and the
CRLs of the path (those whose issuer is a CA of the path or a cRLIssuer of a distribution point
on it), plus the certificates that sign those CRLs. Usage:
    make-table.py PKITS_DATA < skeleton.yaml > pkits.yaml
"""
import os
import re
import sys

import yaml
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, padding, rsa
from cryptography.x509.oid import ExtensionOID

D = sys.argv[1]


def fold(name):
    return re.sub(r"\s+", " ", name.rfc4514_string().lower()).strip()


def load_all(sub, loader):
    out = {}
    for f in sorted(os.listdir(os.path.join(D, sub))):
        with open(os.path.join(D, sub, f), "rb") as fh:
            try:
                out[f] = loader(fh.read())
            except ValueError:  # DSA parameter inheritance: the skeleton gives those paths
                pass
    return out


CERTS = load_all("certs", x509.load_der_x509_certificate)
CRLS = load_all("crls", x509.load_der_x509_crl)


def verifies(issuer, tbs, sig, hash_alg):
    key = issuer.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(sig, tbs, padding.PKCS1v15(), hash_alg)
        elif isinstance(key, dsa.DSAPublicKey):
            key.verify(sig, tbs, hash_alg)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(sig, tbs, ec.ECDSA(hash_alg))
        else:
            return False
        return True
    except Exception:
        return False


def ext(cert, oid):
    try:
        return cert.extensions.get_extension_for_oid(oid).value
    except (x509.ExtensionNotFound, ValueError):
        return None


def issuers_of(obj, issuer_name, tbs, sig, h, exclude):
    cands = [f for f, c in CERTS.items() if f not in exclude and fold(c.subject) == fold(issuer_name)
             and not f.endswith("EE.crt")]
    good = [f for f in cands if verifies(CERTS[f], tbs, sig, h)]
    if good:
        return good
    if cands:
        return cands
    aki = ext(obj, ExtensionOID.AUTHORITY_KEY_IDENTIFIER)
    if aki is not None and aki.key_identifier:
        for f, c in CERTS.items():
            ski = ext(c, ExtensionOID.SUBJECT_KEY_IDENTIFIER)
            if f not in exclude and ski is not None and ski.digest == aki.key_identifier:
                return [f]
    return []


def path_to_anchor(f, seen=()):
    """Files from f's issuer up to (not including) the anchor; None when no path."""
    c = CERTS[f]
    for i in issuers_of(c, c.issuer, c.tbs_certificate_bytes, c.signature, c.signature_hash_algorithm,
                        set(seen) | {f}):
        if i == "TrustAnchorRootCertificate.crt":
            return []
        rest = path_to_anchor(i, tuple(seen) + (f,))
        if rest is not None:
            return [i] + rest
    return None


def crl_issuer_names(cert):
    names = [fold(cert.subject)]
    cdp = ext(cert, ExtensionOID.CRL_DISTRIBUTION_POINTS)
    for dp in cdp or []:
        for gn in dp.crl_issuer or []:
            if isinstance(gn, x509.DirectoryName):
                names.append(fold(gn.value))
    return names


def named_after(crl_file, stem):
    """GoodCA: GoodCACRL.crl; TwoCRLsCA: TwoCRLsCABadCRL.crl; deltaCRLCA1: deltaCRLCA1deltaCRL.crl."""
    rest = crl_file[len(stem):] if crl_file.startswith(stem) else None
    return rest is not None and re.fullmatch(r"(CRL\d*|[a-z]\w*CRL|(Bad|Good)CRL)\.crl", rest) is not None


def derive(ee):
    path = path_to_anchor(ee)
    if path is None:
        raise SystemExit(f"no path for {ee}")
    names = set()
    for f in [ee] + path + ["TrustAnchorRootCertificate.crt"]:
        names.update(crl_issuer_names(CERTS[f]) if f == ee else [fold(CERTS[f].subject)] + crl_issuer_names(CERTS[f])[1:])
    # the CRLs over the CAs of the path: issued under the name of a CA of the path or a cRLIssuer
    issuer_names = {fold(CERTS[f].subject) for f in path + ["TrustAnchorRootCertificate.crt"]}
    for f in [ee] + path:
        issuer_names.update(crl_issuer_names(CERTS[f])[1:])
    # ... and those the data set names after a CA of the path (a second, bad CRL; delta CRLs)
    stems = [f[:-len("Cert.crt")] for f in path if f.endswith("Cert.crt")]
    crls = [n for n, c in CRLS.items()
            if (fold(c.issuer) in issuer_names or any(named_after(n, s) for s in stems))
            # the Wrong CRL CA's CRL carries the trust anchor's name: it belongs to 4.4.6 only
            and (n != "WrongCRLCACRL.crl" or "WrongCRLCACert.crt" in path)]
    extra = []
    for n in crls:
        c = CRLS[n]
        for i in issuers_of(c, c.issuer, c.tbs_certlist_bytes, c.signature, c.signature_hash_algorithm, set()):
            if i in path or i == "TrustAnchorRootCertificate.crt" or not verifies(CERTS[i], c.tbs_certlist_bytes, c.signature, c.signature_hash_algorithm):
                continue
            for j in [i] + (path_to_anchor(i) or []):
                if j not in path and j not in extra:
                    extra.append(j)
    return list(reversed(path)), extra, crls


def main():
    table = yaml.safe_load(sys.stdin)
    for sec in table["sections"]:
        for t in sec["tests"]:
            if "path" in t or t["ee"] not in CERTS:
                continue
            path, extra, crls = derive(t["ee"])
            t["path"] = path
            if extra:
                t["crl_signers"] = extra
            t["crls"] = crls
    yaml.safe_dump(table, sys.stdout, sort_keys=False, width=100)


if __name__ == "__main__":
    main()
