"""Unit tests for firmware/accounts/passwords.py with published test vectors."""

import binascii
import unittest

from firmware.accounts import passwords

PORTABLE = True

# RFC 4231 test case 2.
HMAC_VECTORS = (
    (b"Jefe", b"what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
)

# PBKDF2-HMAC-SHA256, dkLen 32 (the vectors published alongside RFC 6070 for SHA-256).
PBKDF2_VECTORS = (
    (b"password", b"salt", 1, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"),
    (b"password", b"salt", 2, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"),
    (b"password", b"salt", 4096,
     "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
)


def hexed(data):
    return binascii.hexlify(data).decode()


class HashTest(unittest.TestCase):
    def test_hmac_vectors(self):
        for key, msg, want in HMAC_VECTORS:
            self.assertEqual(hexed(passwords.hmac_sha256(key, msg)), want)

    def test_pbkdf2_vectors_pure_and_native(self):
        for pw, salt, rounds, want in PBKDF2_VECTORS:
            self.assertEqual(hexed(passwords.pbkdf2_sha256_pure(pw, salt, rounds)), want)
            self.assertEqual(hexed(passwords.pbkdf2_sha256(pw, salt, rounds)), want)

    def test_hash_format_and_verify(self):
        stored = passwords.hash_password("correct horse", salt=b"0123456789abcdef")
        self.assertEqual(stored, "$pbkdf2-sha256$2000$30313233343536373839616263646566$"
                         + hexed(passwords.pbkdf2_sha256(b"correct horse",
                                                         b"0123456789abcdef", 2000)))
        self.assertTrue(passwords.verify_password("correct horse", stored))
        self.assertFalse(passwords.verify_password("correct horsE", stored))
        self.assertFalse(passwords.verify_password("", stored))
        self.assertFalse(passwords.verify_password(None, stored))

    def test_random_salt_differs(self):
        self.assertNotEqual(passwords.hash_password("x"), passwords.hash_password("x"))

    def test_damaged_hashes_never_verify(self):
        for bad in ("", "plain", "$pbkdf2-sha256$", "$pbkdf2-sha256$0$00$00",
                    "$pbkdf2-sha256$2000$zz$" + "00" * 32,
                    "$pbkdf2-sha256$2000$" + "00" * 16 + "$00",
                    "$pbkdf2-sha256$-2000$" + "00" * 16 + "$" + "00" * 32):
            self.assertFalse(passwords.verify_password("", bad), bad)
            self.assertRaises(ValueError, passwords.parse_hash, bad)


    def test_a_hash_cannot_set_its_own_cost(self):
        salt = b"0123456789abcdef"
        for rounds in (1, 999, 10001, 1000000):
            stored = "$pbkdf2-sha256$%d$%s$%s" % (rounds, hexed(salt), "00" * 32)
            self.assertRaises(ValueError, passwords.parse_hash, stored)
            self.assertFalse(passwords.verify_password("x", stored))
        self.assertEqual(passwords.parse_hash(passwords.hash_password("x", salt))[0], 2000)


class SealTest(unittest.TestCase):
    KEY = b"k" * 32

    def test_round_trip(self):
        for secret in ("", "public", "p\u00e4ss w\u00f6rd:$!", "x" * 100):
            sealed = passwords.seal(self.KEY, secret)
            self.assertTrue(passwords.is_sealed(sealed))
            if secret:
                self.assertNotIn(secret, sealed)
            self.assertEqual(passwords.unseal(self.KEY, sealed), secret)

    def test_nonce_makes_each_seal_different(self):
        self.assertNotEqual(passwords.seal(self.KEY, "same"), passwords.seal(self.KEY, "same"))

    def test_wrong_key_or_tampering_is_refused(self):
        sealed = passwords.seal(self.KEY, "secret")
        self.assertRaises(ValueError, passwords.unseal, b"j" * 32, sealed)
        head, body, tag = sealed.rsplit("$", 2)
        flipped = "%02x" % (int(body[:2], 16) ^ 1) + body[2:]
        self.assertRaises(ValueError, passwords.unseal, self.KEY, "$".join((head, flipped, tag)))
        self.assertRaises(ValueError, passwords.unseal, self.KEY, "public")


if __name__ == "__main__":
    unittest.main()
