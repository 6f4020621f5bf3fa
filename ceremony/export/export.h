/* SPDX-License-Identifier: ISC */
/*
 * What leaves the room: the export directory, PKCS#12 archives, the
 * publication bundle and its verification.
 */
#ifndef CEREMONY_EXPORT_H
#define CEREMONY_EXPORT_H

#include "ceremony/ceremony.h"

struct signer;

/* export.c */
int		 export_cert(const char *dir, const char *base, X509 *);
int		 export_cert_from(const char *dir, const char *base, X509 *,
		    const char *pem_from);
int		 export_chain(const char *dir, const char *base, STACK_OF(X509) *,
		    STACK_OF(X509) *extra);
int		 p7_certs_der(STACK_OF(X509) *, unsigned char **, size_t *);
void		 export_dir_of(struct session *, char *, size_t);
int		 dir_target_free(const char *);
int		 dir_place(const char *tmp, const char *dir);
int		 export_file(const char *dir, const char *name, const void *,
		    size_t, mode_t, char *out, size_t outlen);

/* p12.c */
/* A PKCS#12 archive to make (docs/exports.md); the job owns what it holds. */
struct p12_job {
	X509		*cert;
	EVP_PKEY	*key;		/* NULL: certificates only */
	STACK_OF(X509)	*chain;		/* the issuer up to the root */
	char		 name[128];	/* friendly name */
	long		 iterations;	/* PBKDF2 and MAC */
	int		 legacy;	/* 3DES and SHA-1 for old devices */
	/* what came of it */
	unsigned char	*der;
	size_t		 derlen;
	char		 file[64];	/* SERIAL.p12, SERIAL.legacy.p12 */
	char		 archive[4096];	/* in p12/ */
	char		 exported[4096];
};
#define P12_PASSWORD_WHAT	"PKCS#12 password"
int		 p12_password_check(const struct secret *, long min);
int		 p12_encode(struct p12_job *, const struct secret *);
int		 p12_write(struct session *, struct p12_job *, const char *);
int		 p12_name(X509 *, const char *, char *, size_t);
int		 p12_chain(const struct db *, int, STACK_OF(X509) **);
void		 p12_job_clear(struct p12_job *);

/* p12_export.c */
int		 p12_export(struct session *, const char *serial,
		    const struct tmpl *, const struct secret *,
		    struct p12_job *);
int		 p12_audit(struct session *, const char *, const struct p12_job *,
		    int);
int		 p12_export_run(struct session *, const char *serial,
		    const struct tmpl *, const struct secret *,
		    struct p12_job *);

/* publish.c */
/* A publication bundle (docs/exports.md): flat files, a signed manifest. */
#define MANIFEST_NAME		"SHA256SUMS"
#define MANIFEST_SIG_NAME	"SHA256SUMS.p7s"
struct bundle_file {
	char		 name[128];
	unsigned char	*data;
	size_t		 len;
};
struct bundle {
	struct bundle_file	*v;
	size_t			 n, cap;
	STACK_OF(X509)		*certs;		/* every CA certificate, once */
	unsigned char		*manifest;
	size_t			 manifestlen;
	unsigned char		*sig;		/* DER CMS, detached */
	size_t			 siglen;
};
struct bundle_report {
	size_t	files;			/* named by the manifest */
	char	signer[256];		/* who signed it, RFC 2253 */
};
int		 publish_bundle(struct session *, const struct signer *,
		    const char *dir, struct bundle *);
void		 bundle_free(struct bundle *);
int		 publish_run(struct session *, const char *dir, struct signer *,
		    struct bundle *);

/* bundle_verify.c */
int		 bundle_verify(const char *dir, X509 *root, struct findings *,
		    struct bundle_report *);

#endif
