/* SPDX-License-Identifier: ISC */
/*
 * Other databases and the database itself: openssl ca import and export,
 * db verify, db recover.
 */
#ifndef CEREMONY_MIGRATE_H
#define CEREMONY_MIGRATE_H

#include "ceremony/ceremony.h"

struct dbv_audit;

/* dbverify_audit.c */
struct dbv_audit;
struct dbv_audit *dbva_read(const char *, struct findings *);
void		 dbva_line(struct dbv_audit *, const struct db_record *,
		    const struct db_record *);
void		 dbva_cert(struct dbv_audit *, const struct db_record *, X509 *);
void		 dbva_check(struct dbv_audit *, struct findings *);
int		 dbva_cert_recorded(struct dbv_audit *, X509 *);
void		 dbva_free(struct dbv_audit *);

/* dbverify.c */
int		 db_verify(struct db *, struct findings *);
int		 db_verify_run(struct session *, struct findings *);

/* dbverify_crl.c */
void		 db_verify_crls(struct db *, int, X509 *, struct findings *);

/* ossl_index.c */
/* An openssl ca / easy-rsa database moving in (docs/exports.md). */
struct import_entry {
	struct db_record r;	/* its last state; subject the certificate's */
	X509		*cert;
};
struct ossl_import {
	const char		*index;		/* INDEX */
	char			**dirs;		/* DIR...: SERIAL.pem, .crt */
	size_t			 ndirs;
	const char		*ca_path;	/* --ca */
	const char		*crl_path;	/* --crl, or NULL */
	/* read */
	X509			*ca;
	X509_CRL		*crl;
	struct import_entry	*v;
	size_t			 n;
	unsigned char		*raw;		/* INDEX's bytes, for the audit */
	size_t			 rawlen;
	/* what came of it */
	unsigned long long	 crl_number;	/* the latest; 0 none */
	size_t			 valid, revoked;
};
int		 ossl_time_parse(const char *, time_t *);
int		 ossl_time_format(time_t, char *, size_t);
int		 ossl_index_parse(char *, struct db_record *, const char **);
int		 ossl_index_format(const struct db_record *, const char *,
		    FILE *);

/* ossl_import.c */
int		 ossl_import_read(struct ossl_import *);
int		 ossl_import(struct session *, struct ossl_import *);
void		 ossl_import_clear(struct ossl_import *);

/* ossl_export.c */
int		 ossl_export(struct session *, const char *, size_t *);

/* recover.c */
int		 recover_reserved(struct session *, size_t *n, size_t *issued);

#endif
