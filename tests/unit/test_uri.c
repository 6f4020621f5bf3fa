/* SPDX-License-Identifier: ISC */
/*
 * The pure parsers of the token layer, table-driven: RFC 7512 pkcs11:
 * URIs (good ones with their decoded fields, bad ones with words the
 * error must contain) and key type names.  TAP on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/util.h"
#include "hsm/hsm.h"

#define BAD(uri, error)	{ uri, error, NULL, NULL, NULL, NULL, NULL }

static const struct {
	const char	*uri;
	const char	*error;		/* NULL: must parse */
	const char	*token, *object, *id_hex, *type, *serial;
} uris[] = {
	{ "pkcs11:token=root-2026;object=root%20key;type=private", NULL,
	  "root-2026", "root key", "", "private", NULL },
	{ "pkcs11:id=%01%02%ab%FF", NULL, NULL, NULL, "0102abff", NULL, NULL },
	{ "pkcs11:object=a;id=%00", NULL, NULL, "a", "00", NULL, NULL },
	{ "pkcs11:serial=1f67f99bb7e8fc97;object=k", NULL, NULL, "k", "",
	  NULL, "1f67f99bb7e8fc97" },
	{ "pkcs11:object=x%3By%25z", NULL, NULL, "x;y%z", "", NULL, NULL },
	{ "pkcs11:object=a:b@c=d&e", NULL, NULL, "a:b@c=d&e", "", NULL, NULL },
	{ "pkcs11:model=SoftHSM%20v2;manufacturer=SoftHSM%20project;"
	  "serial=1f67f99bb7e8fc97;token=t1;id=%70%45%E8;"
	  "object=k-rsa%3A3072;type=private", NULL, "t1", "k-rsa:3072",
	  "7045e8", "private", "1f67f99bb7e8fc97" },
	{ "pkcs11:type=cert", NULL, NULL, NULL, "", "cert", NULL },
	{ "pkcs11:", NULL, NULL, NULL, "", NULL, NULL },
	{ "pkcs11:object=k?", NULL, NULL, "k", "", NULL, NULL },
	/* p11-kit decodes: case of the hex, UTF-8, id as raw bytes */
	{ "pkcs11:object=k%c3%a9%C3%A9", NULL, NULL, "k\xc3\xa9\xc3\xa9", "",
	  NULL, NULL },
	{ "pkcs11:id=%3b%25%00%ff;object=%20", NULL, NULL, " ", "3b2500ff",
	  NULL, NULL },
	{ "pkcs11:id=AB", NULL, NULL, NULL, "4142", NULL, NULL },
	{ "pkcs11:token=" "12345678901234567890123456789012", NULL,
	  "12345678901234567890123456789012", NULL, "", NULL, NULL },
	{ "pkcs11:type=public", NULL, NULL, NULL, "", "public", NULL },
	{ "pkcs11:type=secret-key", NULL, NULL, NULL, "", "secret-key", NULL },
	{ "pkcs11:type=data", NULL, NULL, NULL, "", "data", NULL },
	/* PINs never travel in a URI, wherever they stand */
	BAD("pkcs11:object=k?pin-value=1234", "may not carry a PIN (pin-value)"),
	BAD("pkcs11:object=k?module-path=/x&pin-value=1234",
	    "may not carry a PIN (pin-value)"),
	BAD("pkcs11:object=k?pin-source=file:/p", "(pin-source)"),
	BAD("pkcs11:object=k;pin-value=1234", "may not carry a PIN"),
	BAD("pkcs11:object=k?module-path=/usr/lib/x.so", "module-path"),
	BAD("pkcs11:slot-id=3", "slot-id is not supported"),
	BAD("pkcs11:library-version=1", "library-version is not supported"),
	BAD("pkcs11:colour=blue", "unknown attribute \"colour\""),
	BAD("pkcs11:object", "object= has no value"),
	BAD("pkcs11:object=", "object= has no value"),
	BAD("pkcs11:object=a;object=b", "object= given twice"),
	BAD("pkcs11:id=%01;id=%02", "id= given twice"),
	BAD("pkcs11:object=a;;id=%01", "empty attribute"),
	BAD("pkcs11:object=a;", "empty attribute"),
	BAD("pkcs11:id=%0", "two hex digits"),
	BAD("pkcs11:id=%zz", "two hex digits"),
	BAD("pkcs11:object=a b", "percent-encoded (as %20)"),
	BAD("pkcs11:object=a/b", "percent-encoded (as %2F)"),
	BAD("pkcs11:object=a%00b", "not a valid object"),
	BAD("pkcs11:type=secret", "type= must be"),
	BAD("pkcs11:token=123456789012345678901234567890123",
	    "not a valid token"),
	BAD("pkcs11:serial=12345678901234567", "not a valid serial"),
	BAD("pkcs11:id=%00%01%02%03%04%05%06%07%08%09%0a%0b%0c%0d%0e%0f"
	    "%00%01%02%03%04%05%06%07%08%09%0a%0b%0c%0d%0e%0f"
	    "%00%01%02%03%04%05%06%07%08%09%0a%0b%0c%0d%0e%0f"
	    "%00%01%02%03%04%05%06%07%08%09%0a%0b%0c%0d%0e%0f%ff",
	    "longer than 64 bytes"),
	BAD("pkcs11:type=private-key", "type= must be"),
	BAD("pkcs11:type=%70rivate%00", "type= must be"),
	BAD("pkcs11:token=a%00b", "not a valid token"),
	BAD("pkcs11:token=%00", "not a valid token"),
	BAD("pkcs11:manufacturer=123456789012345678901234567890123",
	    "not a valid manufacturer"),
	BAD("pkcs11:model=12345678901234567", "not a valid model"),
	BAD("pkcs11:object=a%", "two hex digits"),
	BAD("pkcs11:object=a%4", "two hex digits"),
	BAD("pkcs11:object=a\"b", "percent-encoded (as %22)"),
	BAD("pkcs11:object=a\tb", "percent-encoded (as %09)"),
	BAD("pkcs11:object=a%20;Object=b", "unknown attribute \"Object\""),
	BAD("pkcs11:x-vendor=1;object=a", "unknown attribute \"x-vendor\""),
	BAD("pkcs11:object=a?colour=blue", "unknown attribute \"colour\""),
	BAD("pkcs11:slot-description=x", "slot-description is not supported"),
	BAD("pkcs11:module-name=softhsm2", "module-name is not supported"),
	BAD("pkcs11:;;;", "empty attribute"),
	BAD("pkcs11:=%01", "unknown attribute"),
	BAD("pkcs11:\xff\xfe", "unknown attribute"),
	BAD("pkcs11 :object=a", "not a PKCS#11 URI"),
	BAD("", "not a PKCS#11 URI"),
	BAD("PKCS11:object=a", "not a PKCS#11 URI"),
	BAD("object=a", "not a PKCS#11 URI"),
};

static const struct {
	const char	*text;
	const char	*name;		/* NULL: must be refused */
	int		 bits;
} specs[] = {
	{ "rsa:3072", "rsa:3072", 3072 },
	{ "rsa:4096", "rsa:4096", 4096 },
	{ "RSA:4096", "rsa:4096", 4096 },
	{ "ec:P-256", "ec:P-256", 256 },
	{ "ec:P-384", "ec:P-384", 384 },
	{ "ec:P-521", "ec:P-521", 521 },
	{ "ec:p-384", "ec:P-384", 384 },
	{ "ec:prime256v1", "ec:P-256", 256 },
	{ "ec:secp256r1", "ec:P-256", 256 },
	{ "ec:secp384r1", "ec:P-384", 384 },
	{ "ec:secp521r1", "ec:P-521", 521 },
	{ "rsa:2048", NULL, 0 },
	{ "rsa:1024", NULL, 0 },
	{ "ec:P-224", NULL, 0 },
	{ "ed25519", NULL, 0 },
	{ "rsa", NULL, 0 },
	{ "", NULL, 0 },
	{ "ec:P-384 ", NULL, 0 },
};

static int	n, failed;

static void
result(int good, const char *fmt, const char *what)
{
	n++;
	if (!good)
		failed++;
	printf("%sok %d - ", good ? "" : "not ", n);
	printf(fmt, what);
	printf("\n");
}

static int
same(const char *got, const char *want)
{
	if (got == NULL || want == NULL)
		return got == want;
	return strcmp(got, want) == 0;
}

static void
test_uri_good(size_t i)
{
	struct hsm_uri	 u;
	char		*hex;
	int		 good;

	if (hsm_uri_parse(uris[i].uri, &u) != 0) {
		result(0, "parses %s", uris[i].uri);
		printf("# %s\n", err_get());
		return;
	}
	hex = hex_encode(u.id, u.id_len, 0);
	good = same(u.token, uris[i].token) && same(u.object, uris[i].object) &&
	    same(hex, uris[i].id_hex) && same(u.type, uris[i].type) &&
	    same(u.serial, uris[i].serial);
	result(good, "parses %s", uris[i].uri);
	if (!good)
		printf("# token=%s object=%s id=%s type=%s serial=%s\n",
		    u.token ? u.token : "-", u.object ? u.object : "-", hex,
		    u.type ? u.type : "-", u.serial ? u.serial : "-");
	free(hex);
	hsm_uri_clear(&u);
}

static void
test_uri_bad(size_t i)
{
	struct hsm_uri	u;
	int		good;

	err_clear();
	if (hsm_uri_parse(uris[i].uri, &u) == 0) {
		hsm_uri_clear(&u);
		result(0, "refuses %s", uris[i].uri);
		return;
	}
	good = strstr(err_get(), uris[i].error) != NULL &&
	    strstr(err_get(), "1234") == NULL;
	result(good, "refuses %s", uris[i].uri);
	if (!good)
		printf("# got: %s\n# want: %s\n", err_get(), uris[i].error);
}

static void
test_specs(void)
{
	struct hsm_keyspec	ks;
	size_t			i;
	int			good;

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		err_clear();
		good = hsm_keyspec_parse(specs[i].text, &ks) == 0;
		if (specs[i].name == NULL) {
			result(!good && strstr(err_get(), "use one of rsa:3072,"
			    " rsa:4096, ec:P-256, ec:P-384, ec:P-521") != NULL,
			    "key type \"%s\" refused", specs[i].text);
			continue;
		}
		result(good && strcmp(ks.name, specs[i].name) == 0 &&
		    ks.bits == specs[i].bits, "key type \"%s\"", specs[i].text);
	}
}

/* hsm_keyspec_of on software keys of every type gives the same name. */
static void
test_spec_of(void)
{
	static const char	*names[] = { "ec:P-256", "ec:P-384", "ec:P-521" };
	struct hsm_keyspec	 ks, of;
	EVP_PKEY		*pk;
	size_t			 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		(void)hsm_keyspec_parse(names[i], &ks);
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", OBJ_nid2sn(ks.nid));
		result(pk != NULL && hsm_keyspec_of(pk, &of) == 0 &&
		    strcmp(of.name, names[i]) == 0 && of.nid == ks.nid,
		    "keyspec_of %s", names[i]);
		EVP_PKEY_free(pk);
	}
	pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	result(pk != NULL && hsm_keyspec_of(pk, &of) == 0 &&
	    strcmp(of.name, "rsa:1024") == 0, "keyspec_of %s", "rsa:1024");
	EVP_PKEY_free(pk);
	pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	result(pk != NULL && hsm_keyspec_of(pk, &of) != 0 &&
	    strstr(err_get(), "not supported") != NULL, "keyspec_of %s",
	    "ED25519 refused");
	EVP_PKEY_free(pk);
}

/* hsm_key_uri and hsm_uri_parse agree, whatever the label holds. */
static void
test_uri_roundtrip(void)
{
	static const char	*labels[] = { "root-key", "a b;c?d%e&f=g/h",
	    "k\xc3\xa9" };
	struct hsm_key		 k;
	struct hsm_uri		 u;
	char			*s;
	size_t			 i;

	memset(&k, 0, sizeof(k));
	memcpy(k.id, "\x00\x01\xfe\xff;%", 6);
	k.id_len = 6;
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		k.label = (char *)labels[i];
		memset(&u, 0, sizeof(u));
		s = hsm_key_uri("tok en", &k);
		result(s != NULL && hsm_uri_parse(s, &u) == 0 &&
		    same(u.object, labels[i]) && same(u.token, "tok en") &&
		    same(u.type, "private") && u.id_len == 6 &&
		    memcmp(u.id, k.id, 6) == 0, "URI round trip of %s", s);
		if (s != NULL && err_isset())
			printf("# %s\n", err_get());
		hsm_uri_clear(&u);
		free(s);
		err_clear();
	}
}

int
main(void)
{
	size_t	i;

	for (i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
		if (uris[i].error == NULL)
			test_uri_good(i);
		else
			test_uri_bad(i);
	}
	test_uri_roundtrip();
	test_specs();
	test_spec_of();
	printf("1..%d\n", n);
	return failed != 0;
}
