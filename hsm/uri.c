/* SPDX-License-Identifier: ISC */
/*
 * RFC 7512 pkcs11: URIs naming a key: the path attributes token, object,
 * id, type, serial, manufacturer and model (as p11tool prints them),
 * percent-decoded.  PINs never travel in a URI (it
 * ends up in argv, shell history and logs): pin-value and pin-source are
 * refused, and messages never repeat the URI, which might hold one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "util/util.h"
#include "hsm/hsm.h"

#define URI_SCHEME	"pkcs11:"

/* RFC 7512 path attributes we do not take, to name them precisely. */
static const char *const uri_unsupported[] = {
	"library-manufacturer", "library-version",
	"library-description", "slot-description", "slot-manufacturer",
	"slot-id", "module-name", "module-path",
};

static const char *const uri_types[] = {
	"private", "public", "cert", "secret-key", "data",
};

static int
hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 7512 pk11-pchar, not percent-encoded. */
static int
uri_plain(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("-._~:[]@!$'()*+,=&", c) != NULL;
}

/*
 * Percent-decode [s, end) into a malloc'd buffer, NUL-terminated;
 * name is the attribute, for messages.
 */
static int
uri_decode(const char *name, const char *s, const char *end,
    unsigned char **out, size_t *outlen)
{
	unsigned char	*d;
	size_t		 n = 0;
	int		 hi, lo;

	if ((d = malloc(end - s + 1)) == NULL) {
		err_set("out of memory reading a PKCS#11 URI");
		return 1;
	}
	for (; s < end; s++) {
		if (*s == '%') {
			if (end - s < 3 || (hi = hexdigit(s[1])) < 0 ||
			    (lo = hexdigit(s[2])) < 0) {
				err_set("bad PKCS#11 URI: %s= has a %% not "
				    "followed by two hex digits", name);
				free(d);
				return 1;
			}
			d[n++] = (unsigned char)(hi << 4 | lo);
			s += 2;
		} else if (uri_plain((unsigned char)*s)) {
			d[n++] = (unsigned char)*s;
		} else {
			err_set("bad PKCS#11 URI: a character in %s= must be "
			    "percent-encoded (as %%%02X)", name,
			    (unsigned char)*s);
			free(d);
			return 1;
		}
	}
	d[n] = '\0';
	*out = d;
	*outlen = n;
	return 0;
}

/* A text value: no NUL inside, at most max bytes (0: no limit). */
static int
uri_text(const char *name, const char *s, const char *end, size_t max,
    char **dst)
{
	unsigned char	*v;
	size_t		 n;

	if (*dst != NULL) {
		err_set("bad PKCS#11 URI: %s= given twice", name);
		return 1;
	}
	if (uri_decode(name, s, end, &v, &n) != 0)
		return 1;
	if (memchr(v, '\0', n) != NULL || (max > 0 && n > max)) {
		err_set("bad PKCS#11 URI: %s= is not a valid %s", name, name);
		free(v);
		return 1;
	}
	*dst = (char *)v;
	return 0;
}

static int
uri_id(const char *s, const char *end, struct hsm_uri *u)
{
	unsigned char	*v;
	size_t		 n;

	if (u->id_len > 0) {
		err_set("bad PKCS#11 URI: id= given twice");
		return 1;
	}
	if (uri_decode("id", s, end, &v, &n) != 0)
		return 1;
	if (n > sizeof(u->id)) {
		err_set("bad PKCS#11 URI: id= is longer than %zu bytes",
		    sizeof(u->id));
		free(v);
		return 1;
	}
	memcpy(u->id, v, n);
	u->id_len = n;
	free(v);
	return 0;
}

static int
uri_type(const struct hsm_uri *u)
{
	size_t	i;

	for (i = 0; i < sizeof(uri_types) / sizeof(uri_types[0]); i++)
		if (strcmp(u->type, uri_types[i]) == 0)
			return 0;
	err_set("bad PKCS#11 URI: type= must be private, public, cert, "
	    "secret-key or data");
	return 1;
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

/* One name=value of the path, [s, end). */
static int
uri_attr(const char *s, const char *end, struct hsm_uri *u)
{
	const char	*eq, *v;
	size_t		 nlen;

	if (s == end) {
		err_set("bad PKCS#11 URI: empty attribute (two \";\" in a row "
		    "or one at the end)");
		return 1;
	}
	eq = memchr(s, '=', end - s);
	nlen = eq != NULL ? (size_t)(eq - s) : (size_t)(end - s);
	if (!uri_name_is(s, nlen, "token") && !uri_name_is(s, nlen, "object") &&
	    !uri_name_is(s, nlen, "serial") && !uri_name_is(s, nlen, "id") &&
	    !uri_name_is(s, nlen, "type") &&
	    !uri_name_is(s, nlen, "manufacturer") &&
	    !uri_name_is(s, nlen, "model"))
		return uri_refuse(s, nlen);
	if (eq == NULL || eq + 1 == end) {
		err_set("bad PKCS#11 URI: %.*s= has no value", (int)nlen, s);
		return 1;
	}
	v = eq + 1;
	if (uri_name_is(s, nlen, "token"))
		return uri_text("token", v, end, 32, &u->token);
	if (uri_name_is(s, nlen, "object"))
		return uri_text("object", v, end, 0, &u->object);
	if (uri_name_is(s, nlen, "serial"))
		return uri_text("serial", v, end, 16, &u->serial);
	if (uri_name_is(s, nlen, "id"))
		return uri_id(v, end, u);
	if (uri_name_is(s, nlen, "manufacturer"))
		return uri_text("manufacturer", v, end, 32, &u->manufacturer);
	if (uri_name_is(s, nlen, "model"))
		return uri_text("model", v, end, 16, &u->model);
	return uri_text("type", v, end, 0, &u->type) || uri_type(u);
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

int
hsm_uri_parse(const char *s, struct hsm_uri *u)
{
	const char	*p, *end, *semi;

	memset(u, 0, sizeof(*u));
	if (s == NULL || strncmp(s, URI_SCHEME, strlen(URI_SCHEME)) != 0) {
		err_set("not a PKCS#11 URI: it starts with \"pkcs11:\"");
		return 1;
	}
	p = s + strlen(URI_SCHEME);
	if ((end = strchr(p, '?')) == NULL)
		end = p + strlen(p);
	else if (uri_query(end + 1) != 0)
		goto fail;
	while (p < end) {
		if ((semi = memchr(p, ';', end - p)) == NULL)
			semi = end;
		if (uri_attr(p, semi, u) != 0)
			goto fail;
		p = semi == end ? end : semi + 1;
		if (semi != end && p == end) {
			err_set("bad PKCS#11 URI: empty attribute at the end");
			goto fail;
		}
	}
	return 0;
fail:
	hsm_uri_clear(u);
	return 1;
}

/* Append v (n bytes) percent-encoded; every byte when all is set. */
static size_t
uri_put(char *d, const unsigned char *v, size_t n, int all)
{
	static const char	hex[] = "0123456789ABCDEF";
	size_t			i, o = 0;

	for (i = 0; i < n; i++) {
		if (!all && uri_plain(v[i]) && v[i] != '&' && v[i] != '=') {
			d[o++] = (char)v[i];
			continue;
		}
		d[o++] = '%';
		d[o++] = hex[v[i] >> 4];
		d[o++] = hex[v[i] & 0xf];
	}
	d[o] = '\0';
	return o;
}

/* Copy a literal (with its NUL); returns its length. */
static size_t
uri_lit(char *d, const char *s)
{
	size_t	n = strlen(s);

	memcpy(d, s, n + 1);
	return n;
}

/* The RFC 7512 URI of a key on a token; malloc'd, NULL out of memory. */
char *
hsm_key_uri(const char *token, const struct hsm_key *k)
{
	char	*u, *p;
	size_t	 cap;

	cap = 64 + 3 * (strlen(token) + strlen(k->label) + k->id_len);
	if ((p = u = malloc(cap)) == NULL)
		return NULL;
	/* cap covers every byte percent-encoded, and the literals. */
	p += uri_lit(p, URI_SCHEME "token=");
	p += uri_put(p, (const unsigned char *)token, strlen(token), 0);
	p += uri_lit(p, ";id=");
	p += uri_put(p, k->id, k->id_len, 1);
	p += uri_lit(p, ";object=");
	p += uri_put(p, (const unsigned char *)k->label, strlen(k->label), 0);
	uri_lit(p, ";type=private");
	return u;
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
