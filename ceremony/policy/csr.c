/* SPDX-License-Identifier: ISC */
/*
 * Reading a PKCS#10 certificate request from a file, PEM or DER (told
 * apart by content, not by name), and checking its proof of possession
 * before anything else looks at it.  Every way a file can fail to be a
 * request gets its own message, because the officer holding the USB stick
 * has to tell the requester what to send again.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ceremony/policy/policy.h"

static int
pem_is_request(const char *name)
{
	return strcmp(name, "CERTIFICATE REQUEST") == 0 ||
	    strcmp(name, "NEW CERTIFICATE REQUEST") == 0;
}

static int
pem_is_cert(const char *name)
{
	return strcmp(name, "CERTIFICATE") == 0 ||
	    strcmp(name, "X509 CERTIFICATE") == 0 ||
	    strcmp(name, "TRUSTED CERTIFICATE") == 0;
}

/* The first PEM block's bytes, which must be a request. */
static int
csr_unpem(const char *what, const unsigned char *buf, size_t len,
    unsigned char **der, size_t *derlen)
{
	BIO		*bio;
	char		*name = NULL, *header = NULL;
	unsigned char	*data = NULL;
	long		 n;
	int		 rc = 1;

	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL)
		return 1;
	if (!PEM_read_bio(bio, &name, &header, &data, &n)) {
		if (ERR_GET_REASON(ERR_peek_last_error()) ==
		    PEM_R_BAD_BASE64_DECODE)
			err_set("%s: bad base64 inside the PEM block: the file "
			    "is damaged, ask for the request again", what);
		else
			err_set("%s: not a complete PEM block (BEGIN line "
			    "without a matching END line?)", what);
		goto out;
	}
	if (pem_is_cert(name)) {
		err_set("%s: this is a certificate, not a certificate request",
		    what);
		goto out;
	}
	if (!pem_is_request(name)) {
		err_set("%s: this is a PEM \"%s\", not a certificate request",
		    what, name);
		goto out;
	}
	if (n == 0) {
		err_set("%s: the PEM block is empty", what);
		goto out;
	}
	*der = data;
	*derlen = n;
	data = NULL;
	rc = 0;
out:
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(data);
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

/* The outer SEQUENCE must span the bytes exactly: not less, not more. */
static int
csr_der_extent(const char *what, const unsigned char *der, size_t len)
{
	const unsigned char	*p = der;
	long			 clen;
	int			 tag, class, ret;
	size_t			 total;

	ret = ASN1_get_object(&p, &clen, &tag, &class, (long)len);
	ERR_clear_error();
	if (((ret & 0x80) && p == der) || tag != V_ASN1_SEQUENCE ||
	    !(ret & V_ASN1_CONSTRUCTED) || (ret & 0x01)) {
		err_set("%s: not a certificate request: the DER does not start "
		    "with a complete definite-length SEQUENCE header", what);
		return 1;
	}
	total = (size_t)(p - der) + (size_t)clen;
	if (total > len) {
		err_set("%s: truncated DER: the request says %zu bytes, the "
		    "file has %zu; copy it again", what, total, len);
		return 1;
	}
	if (total < len) {
		err_set("%s: %zu bytes of trailing data after the %zu-byte "
		    "request: refusing a file that holds more than a request",
		    what, len - total, total);
		return 1;
	}
	return 0;
}

/* Why DER that has the right extent does not decode as a request. */
static void
csr_der_why(const char *what, const unsigned char *der, size_t len)
{
	const unsigned char	*p = der;
	X509			*x;

	if ((x = d2i_X509(NULL, &p, (long)len)) != NULL) {
		err_set("%s: this is a certificate, not a certificate request",
		    what);
		X509_free(x);
	} else
		err_set("%s: DER that is not a PKCS#10 certificate request",
		    what);
	ERR_clear_error();
}

static int
csr_decode(struct csr *c, const char *what)
{
	const unsigned char	*p = c->der;

	if (csr_der_extent(what, c->der, c->derlen) != 0)
		return 1;
	if ((c->req = d2i_X509_REQ(NULL, &p, (long)c->derlen)) == NULL ||
	    p != c->der + c->derlen) {
		csr_der_why(what, c->der, c->derlen);
		return 1;
	}
	if ((c->pubkey = X509_REQ_get0_pubkey(c->req)) == NULL) {
		err_ossl("%s: the request's public key cannot be decoded", what);
		return 1;
	}
	/* Proof of possession first: nothing else is trusted before it. */
	c->pop_ok = X509_REQ_verify(c->req, c->pubkey) == 1;
	ERR_clear_error();
	if ((c->exts = X509_REQ_get_extensions(c->req)) == NULL &&
	    (c->exts = sk_X509_EXTENSION_new_null()) == NULL)
		return 1;
	return 0;
}

static int
looks_pem(const unsigned char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < len && strchr(" \t\r\n", buf[i]) != NULL; i++)
		;
	return len - i >= 11 && memcmp(buf + i, "-----BEGIN ", 11) == 0;
}

int
csr_load_mem(const char *what, const unsigned char *buf, size_t len,
    struct csr **out)
{
	struct csr	*c;
	int		 rc = 1;

	*out = NULL;
	if (len == 0) {
		err_set("%s is empty: no request in it", what);
		return 1;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->path = strdup(what)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	if (looks_pem(buf, len)) {
		c->format = "PEM";
		if (csr_unpem(what, buf, len, &c->der, &c->derlen) != 0)
			goto out;
	} else if (buf[0] != 0x30) {
		err_set("%s: not a certificate request in PEM or DER (no "
		    "\"-----BEGIN\" line, no DER SEQUENCE)", what);
		goto out;
	} else {
		c->format = "DER";
		if ((c->der = OPENSSL_memdup(buf, len)) == NULL)
			goto out;
		c->derlen = len;
	}
	if (csr_decode(c, what) != 0)
		goto out;
	*out = c;
	c = NULL;
	rc = 0;
out:
	csr_free(c);
	ERR_clear_error();
	return rc;
}

int
csr_load(const char *path, struct csr **out)
{
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	int		 rc;

	*out = NULL;
	if (file_read_small("request", path, CSR_MAX_BYTES, &buf, &len) != 0)
		return 1;
	rc = csr_load_mem(path, buf, len, out);
	free(buf);
	return rc;
}

void
csr_free(struct csr *c)
{
	if (c == NULL)
		return;
	sk_X509_EXTENSION_pop_free(c->exts, X509_EXTENSION_free);
	X509_REQ_free(c->req);
	OPENSSL_free(c->der);
	free(c->path);
	free(c);
}

/* SHA-256 of the SubjectPublicKeyInfo DER, lowercase hex (sha256sum's). */
int
csr_pubkey_sha256(const struct csr *c, char hex[65])
{
	unsigned char	*der = NULL;
	char		*h;
	int		 len;

	if ((len = i2d_PUBKEY(c->pubkey, &der)) <= 0) {
		err_ossl("cannot encode the request's public key");
		return 1;
	}
	h = sha256_hex(der, len);
	OPENSSL_free(der);
	if (h == NULL) {
		err_set("out of memory");
		return 1;
	}
	snprintf(hex, 65, "%s", h);
	free(h);
	return 0;
}

static int
inbox_wanted(const struct dirent *d)
{
	static const char	*exts[] = { ".csr", ".pem", ".der", ".req", NULL };
	const char		*dot;
	int			 i;

	if (d->d_name[0] == '.' || (dot = strrchr(d->d_name, '.')) == NULL)
		return 0;
	for (i = 0; exts[i] != NULL; i++)
		if (strcmp(dot, exts[i]) == 0)
			return 1;
	return 0;
}

static int
inbox_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Full paths of the requests waiting in dir, sorted by name. */
int
csr_inbox_list(const char *dir, char ***paths, size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		**v = NULL, **nv, *path = NULL;
	size_t		 cnt = 0;
	int		 rc = 1;

	*paths = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		err_set("cannot open the request inbox %s: %s", dir,
		    strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!inbox_wanted(e))
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) == -1) {
			path = NULL;
			goto nomem;
		}
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if ((nv = reallocarray(v, cnt + 1, sizeof(*v))) == NULL)
			goto nomem;
		v = nv;
		v[cnt++] = path;
		path = NULL;
	}
	if (cnt > 0)	/* an empty inbox has no array to sort */
		qsort(v, cnt, sizeof(*v), inbox_cmp);
	*paths = v;
	*n = cnt;
	v = NULL;
	rc = 0;
	goto out;
nomem:
	err_set("out of memory listing %s", dir);
out:
	free(path);
	csr_inbox_free(v, cnt);
	closedir(d);
	return rc;
}

void
csr_inbox_free(char **v, size_t n)
{
	policy_list_free(v, n);
}

/*
 * Move a request of the inbox to its subfolder sub ("done" once signed),
 * so that it is not offered for signing again; both folders are synced.
 */
int
csr_inbox_move(const char *path, const char *sub)
{
	char	 dir[4096], to[8192], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL) {
		err_set("%s: not in an inbox folder", path);
		return 1;
	}
	*slash = '\0';
	snprintf(to, sizeof(to), "%s/%s", dir, sub);
	if (mkdir(to, 0755) == -1 && errno != EEXIST) {
		err_set("cannot create %s: %s", to, strerror(errno));
		return 1;
	}
	snprintf(to, sizeof(to), "%s/%s/%s", dir, sub, slash + 1);
	if (rename(path, to) == -1) {
		err_set("cannot move %s to %s: %s", path, to, strerror(errno));
		return 1;
	}
	return fsync_dir(dir) || (snprintf(to, sizeof(to), "%s/%s", dir,
	    sub), fsync_dir(to));
}
