# SPDX-License-Identifier: MIT
"""A minimal DER encoder for the test scripts that build hostile or seed structures by hand
(tests/hostile/mkhostile.py, tests/fuzz/make-seeds.py): what pyca/cryptography will not write
(broken lengths, odd iteration counts, unusual tags). Nothing here parses."""


def length(n):
    """The DER length octets of @n."""
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, body):
    return bytes([tag]) + length(len(body)) + body


def seq(*parts):
    return tlv(0x30, b"".join(parts))


def set_(*parts):
    """A SET OF, members sorted as DER wants."""
    return tlv(0x31, b"".join(sorted(parts)))


def integer(v):
    return tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def oid(dotted):
    parts = [int(x) for x in dotted.split(".")]
    out = bytes([parts[0] * 40 + parts[1]])
    for p in parts[2:]:
        enc = [p & 0x7F]
        p >>= 7
        while p:
            enc.insert(0, 0x80 | (p & 0x7F))
            p >>= 7
        out += bytes(enc)
    return tlv(0x06, out)


def octets(b):
    return tlv(0x04, b)


def ctx(n, body, constructed=True):
    """A context-specific [n] tag, constructed (EXPLICIT or a constructed IMPLICIT) or not."""
    return tlv((0xA0 if constructed else 0x80) | n, body)
