/* SPDX-License-Identifier: ISC */
/*
 * ceremony export publish DIR: what relying parties need, in one flat
 * directory, with a manifest they can check.
 *
 *   gen-N.pem, gen-N.der      every CA certificate file of ca/ (all
 *   gen-N-WORD.pem (.der)     generations, chains, link certificates)
 *   gen-N.crl, gen-N.crl.pem  the latest CRL of each generation that has one
 *   ca-certs.p7b              every CA certificate, PKCS#7 certs-only
 *   SHA256SUMS                sha256sum's format: "HEX  NAME"
 *   SHA256SUMS.p7s            detached CMS signature of SHA256SUMS, made
 *                             by the current CA key on the token
 *
 * The bundle is built in a temporary sibling, its signature checked in
 * software as export verify would check it, and only then renamed to
 * DIR: there is a whole bundle or none.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

#define PUBLISH_FILE_MAX	(64 * 1024 * 1024)

static int
bundle_add(struct bundle *b, const char *name, unsigned char *data,
    size_t len)
{
	struct bundle_file	*nv;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		if ((nv = realloc(b->v, b->cap * sizeof(*nv))) == NULL) {
			free(data);
			err_set("out of memory");
			return 1;
		}
		b->v = nv;
	}
	snprintf(b->v[b->n].name, sizeof(b->v[b->n].name), "%s", name);
	b->v[b->n].data = data;
	b->v[b->n].len = len;
	b->n++;
	return 0;
}

static int
bundle_add_der(struct bundle *b, const char *name, X509 *x)
{
	unsigned char	*der = NULL, *copy;
	int		 n;

	if ((n = i2d_X509(x, &der)) <= 0) {
		err_ossl("cannot encode %s", name);
		return 1;
	}
	copy = malloc((size_t)n);
	if (copy != NULL)
		memcpy(copy, der, (size_t)n);
	OPENSSL_free(der);
	if (copy == NULL) {
		err_set("out of memory");
		return 1;
	}
	return bundle_add(b, name, copy, (size_t)n);
}

/* Each certificate once, in the order first seen. */
static int
certs_add_unique(STACK_OF(X509) *all, STACK_OF(X509) *more)
{
	X509	*x;
	int	 i, k;

	for (i = 0; i < sk_X509_num(more); i++) {
		x = sk_X509_value(more, i);
		for (k = 0; k < sk_X509_num(all); k++)
			if (X509_cmp(x, sk_X509_value(all, k)) == 0)
				break;
		if (k < sk_X509_num(all))
			continue;
		if (!X509_up_ref(x) || !sk_X509_push(all, x)) {
			X509_free(x);
			err_set("out of memory");
			return 1;
		}
	}
	return 0;
}

/* One file of ca/: its bytes as they are, and DER when it holds one. */
static int
publish_ca_file(struct session *s, struct bundle *b, const char *name)
{
	STACK_OF(X509)	*certs = NULL;
	unsigned char	*data = NULL;
	char		 rel[300], *path = NULL, der[300];
	size_t		 len;
	int		 rc = 1;

	snprintf(rel, sizeof(rel), "ca/%s", name);
	if ((path = db_path(s->db, rel)) == NULL ||
	    file_read_small("CA certificate", path, PUBLISH_FILE_MAX, &data,
	    &len) != 0 || pem_certs_load(path, &certs) != 0)
		goto out;
	if (bundle_add(b, name, data, len) != 0) {
		data = NULL;
		goto out;
	}
	data = NULL;
	if (sk_X509_num(certs) == 1) {
		snprintf(der, sizeof(der), "%.*s.der", (int)strlen(name) - 4,
		    name);
		if (bundle_add_der(b, der, sk_X509_value(certs, 0)) != 0)
			goto out;
	}
	rc = certs_add_unique(b->certs, certs);
out:
	sk_X509_pop_free(certs, X509_free);
	free(data);
	free(path);
	return rc;
}

/* The latest CRL of generation gen, checked against its CA's key. */
static int
publish_crl(struct session *s, struct bundle *b, int gen)
{
	unsigned long long	 n;
	const unsigned char	*p;
	unsigned char		*der = NULL, *pem = NULL;
	char			*dpath = NULL, *ppath = NULL, name[64];
	size_t			 dlen, plen;
	X509_CRL		*crl = NULL;
	X509			*ca = NULL;
	int			 rc = 1;

	if (db_crl_last(s->db, gen, &n) != 0)
		return 1;
	if (n == 0)
		return 0;
	if ((dpath = db_crl_path(s->db, gen, n, "crl")) == NULL ||
	    (ppath = db_crl_path(s->db, gen, n, "pem")) == NULL ||
	    file_read_small("CRL", dpath, PUBLISH_FILE_MAX, &der, &dlen) != 0 ||
	    file_read_small("CRL", ppath, PUBLISH_FILE_MAX, &pem, &plen) != 0)
		goto out;
	p = der;
	if ((crl = d2i_X509_CRL(NULL, &p, (long)dlen)) == NULL ||
	    (ca = db_ca_get(s->db, gen)) == NULL ||
	    X509_CRL_verify(crl, X509_get0_pubkey(ca)) != 1) {
		err_ossl("%s does not verify with CA generation %d's key: "
		    "nothing was published", dpath, gen);
		goto out;
	}
	snprintf(name, sizeof(name), "gen-%d.crl", gen);
	rc = bundle_add(b, name, der, dlen);
	der = NULL;
	snprintf(name, sizeof(name), "gen-%d.crl.pem", gen);
	if (rc == 0)
		rc = bundle_add(b, name, pem, plen);
	pem = NULL;
out:
	X509_CRL_free(crl);
	X509_free(ca);
	free(der);
	free(pem);
	free(dpath);
	free(ppath);
	return rc;
}

/* Every CA file, every generation's latest CRL, the PKCS#7 bundle. */
static int
publish_collect(struct session *s, struct bundle *b)
{
	unsigned char	*p7 = NULL;
	char		**names = NULL;
	size_t		 n = 0, i, p7len;
	int		 gen, last = 0, cancelled, rc = 1;

	if ((b->certs = sk_X509_new_null()) == NULL ||
	    db_ca_files(s->db, &names, &n) != 0)
		goto out;
	if (n == 0) {
		err_set("this data directory has no CA certificate yet: "
		    "nothing to publish");
		goto out;
	}
	/* A cancelled rollover's certificates are not published: its key
	 * is destroyed and relying parties must not take it in. */
	for (i = 0; i < n; i++) {
		if ((cancelled = db_gen_cancelled(s->db,
		    db_ca_file_gen(names[i]))) < 0)
			goto out;
		if (cancelled) {
			free(names[i]);
			names[i] = NULL;
		} else if (publish_ca_file(s, b, names[i]) != 0)
			goto out;
	}
	for (i = 0; i < n; i++)
		if (names[i] != NULL &&
		    (gen = db_ca_file_gen(names[i])) != last) {
			last = gen;
			if (publish_crl(s, b, gen) != 0)
				goto out;
		}
	if (p7_certs_der(b->certs, &p7, &p7len) != 0)
		goto out;
	/* p7_certs_der gives OpenSSL's memory; the bundle owns malloc's. */
	rc = bundle_add(b, "ca-certs.p7b", malloc(p7len), p7len);
	if (rc == 0 && b->v[b->n - 1].data == NULL) {
		err_set("out of memory");
		rc = 1;
	} else if (rc == 0)
		memcpy(b->v[b->n - 1].data, p7, p7len);
out:
	OPENSSL_free(p7);
	db_ca_files_free(names, n);
	return rc;
}

/* sha256sum's own format, so that sha256sum -c checks it too. */
static int
publish_manifest(struct bundle *b)
{
	BIO	*m;
	char	*hex, *p;
	long	 len;
	size_t	 i;
	int	 rc = 1;

	if ((m = BIO_new(BIO_s_mem())) == NULL)
		return 1;
	for (i = 0; i < b->n; i++) {
		if ((hex = sha256_hex(b->v[i].data, b->v[i].len)) == NULL)
			goto out;
		BIO_printf(m, "%s  %s\n", hex, b->v[i].name);
		free(hex);
	}
	if ((len = BIO_get_mem_data(m, &p)) <= 0 ||
	    (b->manifest = malloc((size_t)len)) == NULL)
		goto out;
	memcpy(b->manifest, p, (size_t)len);
	b->manifestlen = (size_t)len;
	rc = 0;
out:
	if (rc != 0)
		err_set("cannot write the manifest");
	BIO_free(m);
	return rc;
}

/*
 * The detached signature, by the CA key on the token (libp11's EVP_PKEY),
 * with every CA certificate in it so that a holder of any generation's
 * root finds a path (through the link certificates after a rollover).
 */
static int
publish_sign(struct bundle *b, const struct signer *sg)
{
	CMS_ContentInfo	*cms = NULL;
	BIO		*in = NULL;
	int		 n, rc = 1;

	if ((in = BIO_new_mem_buf(b->manifest, (int)b->manifestlen)) == NULL)
		goto fail;
	cms = CMS_sign(NULL, NULL, b->certs, NULL, CMS_PARTIAL | CMS_BINARY |
	    CMS_DETACHED);
	if (cms == NULL || CMS_add1_signer(cms, sg->issuer, sg->signer,
	    EVP_sha256(), CMS_BINARY | CMS_NOCERTS) == NULL ||
	    !CMS_final(cms, in, NULL,
	    CMS_BINARY | CMS_DETACHED))
		goto fail;
	if ((n = i2d_CMS_ContentInfo(cms, &b->sig)) <= 0)
		goto fail;
	b->siglen = (size_t)n;
	rc = 0;
	goto out;
fail:
	err_ossl("the token could not sign the manifest");
out:
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return rc;
}

/* Every file into the new directory, each synced; then the directory. */
static int
publish_write(const char *tmp, const struct bundle *b)
{
	char	path[4096 + 256];
	size_t	i;

	for (i = 0; i < b->n; i++) {
		snprintf(path, sizeof(path), "%s/%s", tmp, b->v[i].name);
		if (atomic_write(path, b->v[i].data, b->v[i].len, 0644, 1) != 0)
			return 1;
	}
	snprintf(path, sizeof(path), "%s/" MANIFEST_NAME, tmp);
	if (atomic_write(path, b->manifest, b->manifestlen, 0644, 1) != 0)
		return 1;
	snprintf(path, sizeof(path), "%s/" MANIFEST_SIG_NAME, tmp);
	if (atomic_write(path, b->sig, b->siglen, 0644, 1) != 0)
		return 1;
	return fsync_dir(tmp);
}

/*
 * Build, write and check the bundle in DIR.tmp-XXXXXX, then rename it
 * to DIR.  The root that the check anchors at is the top of the signing
 * generation's chain.
 */
int
publish_bundle(struct session *s, const struct signer *sg, const char *dir,
    struct bundle *b)
{
	struct findings	 f;
	char		 tmp[4096];
	X509		*root;
	int		 made = 0, rc = 1;

	memset(&f, 0, sizeof(f));
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", dir) >=
	    (int)sizeof(tmp)) {
		err_set("%s: path too long", dir);
		return 1;
	}
	if (dir_target_free(dir) != 0 || publish_collect(s, b) != 0 ||
	    publish_manifest(b) != 0 || publish_sign(b, sg) != 0)
		goto out;
	if (mkdtemp(tmp) == NULL) {
		err_set("cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	made = 1;
	if (chmod(tmp, 0755) == -1 || publish_write(tmp, b) != 0)
		goto out;
	root = sk_X509_value(sg->chain, sk_X509_num(sg->chain) - 1);
	if (bundle_verify(tmp, root, &f, NULL) != 0 || f.errors > 0) {
		err_set("the bundle written does not verify (%s): nothing was "
		    "published", f.n > 0 ? f.v[0].text : err_get());
		goto out;
	}
	if (dir_place(tmp, dir) != 0)
		goto out;
	made = 0;
	rc = 0;
out:
	if (made)
		(void)rmtree(tmp);
	findings_free(&f);
	return rc;
}

void
bundle_free(struct bundle *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++)
		free(b->v[i].data);
	free(b->v);
	free(b->manifest);
	OPENSSL_free(b->sig);
	sk_X509_pop_free(b->certs, X509_free);
	memset(b, 0, sizeof(*b));
}

static int
publish_audit(struct session *s, const char *dir, const struct bundle *b,
    const struct signer *sg, int ok)
{
	struct audit_entry	e;
	char			detail[4200];

	memset(&e, 0, sizeof(e));
	e.op = "export.publish";
	e.ok = ok;
	snprintf(detail, sizeof(detail), "%s: %zu files signed by generation "
	    "%d", dir, b->n, sg->generation);
	e.detail = ok ? detail : err_get();
	if (ok) {
		audit_add_out(&e, "manifest", b->manifest, b->manifestlen);
		audit_add_out(&e, "signature", b->sig, b->siglen);
	}
	return session_audit(s, &e);
}

/*
 * Log in, open the active generation, write the bundle into the new dir,
 * and one audit record whatever happened: export publish and scripts.
 */
int
publish_run(struct session *s, const char *dir, struct signer *sg,
    struct bundle *b)
{
	int	ok;

	ok = session_login(s) == 0 && signer_open(s, sg, EVP_sha256()) == 0 &&
	    publish_bundle(s, sg, dir, b) == 0;
	return publish_audit(s, dir, b, sg, ok) != 0 || !ok;
}
