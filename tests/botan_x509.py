#!/usr/bin/python3
# Botan's own path validation (the botan2 module of python3-botan), for
# tests/lib.sh: the CLI's cert_verify trusts every certificate it is given
# and reads no CRL, so intermediates and CRLs are passed here instead.
#   botan_x509.py ROOT CERT [INTERMEDIATE...] [--crl CRL]
# Exit 0 when Botan validates CERT up to ROOT (and, with --crl, finds it
# not revoked by a CRL it accepted); otherwise prints Botan's status, 1.
#   botan_x509.py --self ROOT
# Botan 2 never validates a self-signed certificate as a path (it answers
# "Cannot establish trust"): a root alone is parsed by Botan and its
# self-signature verified with Botan's own code.
import sys

import botan2

# Signature algorithm OIDs (DER content) -> Botan's padding names.
SIGALGS = {
    bytes.fromhex("2a8648ce3d040302"): "EMSA1(SHA-256)",
    bytes.fromhex("2a8648ce3d040303"): "EMSA1(SHA-384)",
    bytes.fromhex("2a8648ce3d040304"): "EMSA1(SHA-512)",
    bytes.fromhex("2a864886f70d01010b"): "EMSA3(SHA-256)",
    bytes.fromhex("2a864886f70d01010c"): "EMSA3(SHA-384)",
    bytes.fromhex("2a864886f70d01010d"): "EMSA3(SHA-512)",
}


def tlv(b, i):
    """The element at b[i]: (start, content start, end)."""
    n = b[i + 1]
    j = i + 2
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(b[j:j + k], "big")
        j += k
    return i, j, j + n


def self_signed(path):
    cert = botan2.X509Cert(path)
    der = open(path, "rb").read()
    if der.startswith(b"-----"):
        import base64
        body = b"".join(der.split(b"-----")[2].split())
        der = base64.b64decode(body)
    _, c, _ = tlv(der, 0)
    t0, _, t1 = tlv(der, c)
    _, a, a1 = tlv(der, t1)
    _, o, o1 = tlv(der, a)
    _, sc, s1 = tlv(der, a1)
    pad = SIGALGS.get(der[o:o1])
    if pad is None:
        print("botan: signature algorithm %s not known here" % der[o:o1].hex())
        return 1
    ver = botan2.PKVerify(cert.subject_public_key(), pad,
                          der=pad.startswith("EMSA1"))
    ver.update(der[t0:t1])
    good = ver.check_signature(der[sc + 1:s1])
    print("botan: self-signature %s" % ("valid" if good else "INVALID"))
    return 0 if good else 1


def main(argv):
    if argv[0] == "--self":
        return self_signed(argv[1])
    crls = []
    if "--crl" in argv:
        i = argv.index("--crl")
        crls = [botan2.X509CRL(argv[i + 1])]
        argv = argv[:i] + argv[i + 2:]
    root, cert, inters = argv[0], argv[1], argv[2:]
    code = botan2.X509Cert(cert).verify(
        intermediates=[botan2.X509Cert(x) for x in inters],
        trusted=[botan2.X509Cert(root)], crls=crls or None)
    print("botan: %d %s" % (code, botan2.X509Cert.validation_status(code)))
    return 0 if code == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except botan2.BotanException as e:
        print("botan: cannot read the input: %s" % e)
        sys.exit(1)
