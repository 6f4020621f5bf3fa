#!/usr/bin/python3
"""Make an RSA request whose key's algorithm parameters are an empty
OCTET STRING instead of NULL, self-signed again so that its proof of
possession holds: OpenSSL decodes such a key (rsaEncryption ignores its
parameters), and it once crashed the signing process.
usage: odd_spki.py IN.der KEY.pem OUT.der"""
import subprocess, sys

def tlv(b, i):
    """(start of content, end) of the DER value at i"""
    n = b[i + 1]
    if n < 0x80:
        return i + 2, i + 2 + n
    k = n & 0x7f
    return i + 2 + k, i + 2 + k + int.from_bytes(b[i + 2:i + 2 + k], 'big')

der = open(sys.argv[1], 'rb').read()
rsa = bytes.fromhex('06092a864886f70d0101010500')
at = der.index(rsa) + len(rsa) - 2
der = der[:at] + b'\x04\x00' + der[at + 2:]		# same length
body, _ = tlv(der, 0)
cri_end = tlv(der, body)[1]
cri = der[body:cri_end]
sig = subprocess.run(['openssl', 'dgst', '-sha256', '-sign', sys.argv[2]],
                     input=cri, capture_output=True, check=True).stdout
assert der.endswith(der[-len(sig):]) and len(sig) == 384 or len(sig) == 256
out = der[:-len(sig)] + sig
open(sys.argv[3], 'wb').write(out)
