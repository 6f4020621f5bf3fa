/* SPDX-License-Identifier: ISC */
/*
 * RFC 7512 pkcs11: URIs naming a key: the path attributes token, object,
 * id, type, serial, manufacturer and model (as p11tool prints them).
 * p11-kit parses, percent-decodes and formats them; it takes more than
 * we do (any attribute, empty ones, one given twice, characters RFC 7512
 * wants encoded), so the URI's shape is checked here first, by names,
 * to say exactly what is wrong.  PINs never travel in a URI (it
 * ends up in argv, shell history and logs): pin-value and pin-source are
 * refused, and messages never repeat the URI, which might hold one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <p11-kit/uri.h>

#include "util/util.h"
#include "hsm/hsm.h"

#define URI_SCHEME	"pkcs11:"

/* RFC 7512 path attributes we do not take, to name them precisely. */
static const char *const uri_unsupported[] = {
	"library-manufacturer", "library-version",
	"library-description", "slot-description", "slot-manufacturer",
	"slot-id", "module-name", "module-path",
};

/* RFC 7512 pk11-pchar, not percent-encoded. */
static int
uri_plain(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("-._~:[]@!$'()*+,=&", c) != NULL;
}

/* Why a known attribute name cannot be used here. */
static int
uri_refuse(const char *name, size_t len)
{
	size_t	i;

	if ((len == 9 && strncmp(name, "pin-value", 9) == 0) ||
	    (len == 10 && strncmp(name, "pin-source", 10) == 0)) {
		err_set("a PKCS#11 URI may not carry a PIN (%.*s): remove it "
		    "and give the PIN with --pin-file or --pin-fd, or type "
		    "it when asked", (int)len, name);
		return 1;
	}
	for (i = 0; i < sizeof(uri_unsupported) / sizeof(uri_unsupported[0]);
	    i++)
		if (strlen(uri_unsupported[i]) == len &&
		    strncmp(name, uri_unsupported[i], len) == 0) {
			err_set("PKCS#11 URI attribute %.*s is not supported "
			    "here: use token, object, id, type, serial, manufacturer "
			    "and model "
			    "(and --module for the module)", (int)len, name);
			return 1;
		}
	err_set("bad PKCS#11 URI: unknown attribute \"%.*s\": use token, "
	    "object, id, type, serial, manufacturer and model",
	    (int)(len > 32 ? 32 : len), name);
	return 1;
}

static int
uri_name_is(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && strncmp(s, name, len) == 0;
}

/* The query part: nothing we take; a PIN in it is named first. */
static int
uri_query(const char *q)
{
	const char	*a, *amp;
	size_t		 len;

	for (a = q; *a != '\0'; a = amp + 1) {
		if ((amp = strchr(a, '&')) == NULL)
			amp = a + strlen(a);
		len = strcspn(a, "=&");
		if (uri_name_is(a, len, "pin-value") ||
		    uri_name_is(a, len, "pin-source"))
			return uri_refuse(a, len);
		if (*amp == '\0')
			break;
	}
	if (*q == '\0')
		return 0;
	return uri_refuse(q, strcspn(q, "=&"));
}

/* The path attributes we take, in the order of their bit in "seen". */
static const char *const uri_names[] = {
	"token", "object", "id", "type", "serial", "manufacturer", "model",
};
enum { U_TOKEN, U_OBJECT, U_ID, U_TYPE, U_SERIAL, U_MANUFACTURER, U_MODEL };

static int
uri_name(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof(uri_names) / sizeof(uri_names[0]); i++)
		if (uri_name_is(s, len, uri_names[i]))
			return (int)i;
	return -1;
}

/*
 * The shape of one name=value of the path, [s, end): a name we take,
 * once, with a value holding only what RFC 7512 leaves unencoded.
 */
static int
uri_attr(const char *s, const char *end, unsigned *seen)
{
	const char	*eq, *v;
	size_t		 nlen;
	int		 a;

	if (s == end) {
		err_set("bad PKCS#11 URI: empty attribute (two \";\" in a row "
		    "or one at the end)");
		return 1;
	}
	eq = memchr(s, '=', end - s);
	nlen = eq != NULL ? (size_t)(eq - s) : (size_t)(end - s);
	if ((a = uri_name(s, nlen)) < 0)
		return uri_refuse(s, nlen);
	if (eq == NULL || eq + 1 == end) {
		err_set("bad PKCS#11 URI: %s= has no value", uri_names[a]);
		return 1;
	}
	if (*seen & 1u << a) {
		err_set("bad PKCS#11 URI: %s= given twice", uri_names[a]);
		return 1;
	}
	*seen |= 1u << a;
	for (v = eq + 1; v < end; v++)
		if (*v != '%' && !uri_plain((unsigned char)*v)) {
			err_set("bad PKCS#11 URI: a character in %s= must be "
			    "percent-encoded (as %%%02X)", uri_names[a],
			    (unsigned char)*v);
			return 1;
		}
	return 0;
}

/* The URI's shape: scheme, path attributes, query; seen: which given. */
static int
uri_shape(const char *s, unsigned *seen)
{
	const char	*p, *end, *semi;

	if (s == NULL || strncmp(s, URI_SCHEME, strlen(URI_SCHEME)) != 0) {
		err_set("not a PKCS#11 URI: it starts with \"pkcs11:\"");
		return 1;
	}
	p = s + strlen(URI_SCHEME);
	if ((end = strchr(p, '?')) == NULL)
		end = p + strlen(p);
	else if (uri_query(end + 1) != 0)
		return 1;
	while (p < end) {
		if ((semi = memchr(p, ';', end - p)) == NULL)
			semi = end;
		if (uri_attr(p, semi, seen) != 0)
			return 1;
		p = semi == end ? end : semi + 1;
		if (semi != end && p == end) {
			err_set("bad PKCS#11 URI: empty attribute at the end");
			return 1;
		}
	}
	return 0;
}

/*
 * A blank-padded field of the token's info as p11-kit decoded it: left
 * all zero when the value did not fit (or began with a NUL).
 */
static int
uri_field(int a, const CK_UTF8CHAR *f, size_t flen, char **dst)
{
	size_t	n = flen;

	while (n > 0 && f[n - 1] == ' ')
		n--;
	if (f[0] == '\0' || memchr(f, '\0', n) != NULL) {
		err_set("bad PKCS#11 URI: %s= is not a valid %s (at most %zu "
		    "bytes, no NUL)", uri_names[a], uri_names[a], flen);
		return 1;
	}
	if ((*dst = strndup((const char *)f, n)) == NULL) {
		err_set("out of memory reading a PKCS#11 URI");
		return 1;
	}
	return 0;
}

static int
uri_token(P11KitUri *pu, unsigned seen, struct hsm_uri *u)
{
	CK_TOKEN_INFO	*t = p11_kit_uri_get_token_info(pu);

	return ((seen & 1u << U_TOKEN) && uri_field(U_TOKEN, t->label,
	    sizeof(t->label), &u->token)) ||
	    ((seen & 1u << U_SERIAL) && uri_field(U_SERIAL, t->serialNumber,
	    sizeof(t->serialNumber), &u->serial)) ||
	    ((seen & 1u << U_MANUFACTURER) && uri_field(U_MANUFACTURER,
	    t->manufacturerID, sizeof(t->manufacturerID),
	    &u->manufacturer)) ||
	    ((seen & 1u << U_MODEL) && uri_field(U_MODEL, t->model,
	    sizeof(t->model), &u->model));
}

static const struct {
	CK_OBJECT_CLASS	 cls;
	const char	*name;
} uri_types[] = {
	{ CKO_PRIVATE_KEY, "private" }, { CKO_PUBLIC_KEY, "public" },
	{ CKO_CERTIFICATE, "cert" }, { CKO_SECRET_KEY, "secret-key" },
	{ CKO_DATA, "data" },
};

static int
uri_type(const CK_ATTRIBUTE *c, char **dst)
{
	CK_OBJECT_CLASS	cls;
	size_t		i;

	if (c != NULL && c->ulValueLen == sizeof(cls)) {
		memcpy(&cls, c->pValue, sizeof(cls));
		for (i = 0; i < sizeof(uri_types) / sizeof(uri_types[0]); i++)
			if (uri_types[i].cls == cls) {
				*dst = strdup(uri_types[i].name);
				return *dst == NULL;
			}
	}
	err_set("bad PKCS#11 URI: type= must be private, public, cert, "
	    "secret-key or data");
	return 1;
}

/* object=, id= and type=: attributes of the object p11-kit decoded. */
static int
uri_object(P11KitUri *pu, unsigned seen, struct hsm_uri *u)
{
	CK_ATTRIBUTE	*o = p11_kit_uri_get_attribute(pu, CKA_LABEL);
	CK_ATTRIBUTE	*id = p11_kit_uri_get_attribute(pu, CKA_ID);

	if ((seen & 1u << U_OBJECT) && (o == NULL ||
	    memchr(o->pValue, '\0', o->ulValueLen) != NULL ||
	    (u->object = strndup(o->pValue, o->ulValueLen)) == NULL)) {
		err_set("bad PKCS#11 URI: object= is not a valid object");
		return 1;
	}
	if ((seen & 1u << U_ID) && (id == NULL ||
	    id->ulValueLen > sizeof(u->id))) {
		err_set("bad PKCS#11 URI: id= is longer than %zu bytes",
		    sizeof(u->id));
		return 1;
	}
	if (seen & 1u << U_ID) {
		memcpy(u->id, id->pValue, id->ulValueLen);
		u->id_len = id->ulValueLen;
	}
	return (seen & 1u << U_TYPE) && uri_type(p11_kit_uri_get_attribute(pu,
	    CKA_CLASS), &u->type);
}

int
hsm_uri_parse(const char *s, struct hsm_uri *u)
{
	P11KitUri	*pu = NULL;
	unsigned	 seen = 0;
	int		 rc = 1, r;

	memset(u, 0, sizeof(*u));
	if (uri_shape(s, &seen) != 0)
		goto out;
	if ((pu = p11_kit_uri_new()) == NULL) {
		err_set("out of memory reading a PKCS#11 URI");
		goto out;
	}
	if ((r = p11_kit_uri_parse(s, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, pu)) !=
	    P11_KIT_URI_OK) {
		if (r == P11_KIT_URI_BAD_ENCODING)
			err_set("bad PKCS#11 URI: a %% not followed by two hex "
			    "digits (write a %% itself as %%25)");
		else
			err_set("bad PKCS#11 URI: %s", p11_kit_uri_message(r));
		goto out;
	}
	if (uri_token(pu, seen, u) != 0 || uri_object(pu, seen, u) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		hsm_uri_clear(u);
	p11_kit_uri_free(pu);
	return rc;
}

/* The RFC 7512 URI of a key on a token; malloc'd, NULL out of memory. */
char *
hsm_key_uri(const char *token, const struct hsm_key *k)
{
	P11KitUri	*pu;
	CK_TOKEN_INFO	*t;
	CK_OBJECT_CLASS	 cls = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE	 a[] = {
		{ CKA_ID, (void *)k->id, k->id_len },
		{ CKA_LABEL, k->label, strlen(k->label) },
		{ CKA_CLASS, &cls, sizeof(cls) },
	};
	char		*s = NULL;
	size_t		 n = strlen(token);

	if ((pu = p11_kit_uri_new()) == NULL)
		return NULL;
	/* Token labels are blank-padded, at most 32 bytes (PKCS#11). */
	t = p11_kit_uri_get_token_info(pu);
	memset(t->label, ' ', sizeof(t->label));
	memcpy(t->label, token, n < sizeof(t->label) ? n : sizeof(t->label));
	if (p11_kit_uri_set_attributes(pu, a, sizeof(a) / sizeof(a[0])) !=
	    P11_KIT_URI_OK ||
	    p11_kit_uri_format(pu, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, &s) !=
	    P11_KIT_URI_OK)
		s = NULL;
	p11_kit_uri_free(pu);
	return s;
}

void
hsm_uri_clear(struct hsm_uri *u)
{
	if (u == NULL)
		return;
	free(u->token);
	free(u->object);
	free(u->type);
	free(u->serial);
	free(u->manufacturer);
	free(u->model);
	OPENSSL_cleanse(u, sizeof(*u));
}
