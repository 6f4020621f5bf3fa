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
#define OSSL_PROFILE	"imported"	/* the profile of what moved in */
struct ossl_stage;
struct verifier;
struct ossl_import {
	const char		*index;		/* INDEX */
	char			**dirs;		/* DIR...: SERIAL.pem, .crt */
	size_t			 ndirs;
	const char		*ca_path;	/* --ca */
	const char		*crl_path;	/* --crl, or NULL */
	int			 threads;	/* verifying; 0: the cores */
	/* read */
	X509			*ca;
	X509_CRL		*crl;
	struct verifier		*ver;		/* the CA key's, by digest */
	char			 sha256[65];	/* INDEX's, for the audit */
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

/* ossl_stream.c */
int		 ossl_stream(struct ossl_import *, struct ossl_stage *);

/* ossl_check.c */
/* One index line on its way in, checked by one of the verifying threads. */
struct ossl_item {
	struct db_record r;	/* from the line; subject the certificate's */
	size_t		 line;
	int		 failed;	/* 1: why says; 2: serial seen before */
	char		 why[400];
};
int		 ossl_check_init(struct ossl_import *);
void		 ossl_check_free(struct ossl_import *);
void		 ossl_check_item(const struct ossl_import *,
		    struct ossl_stage *, struct ossl_item *);

/* ossl_stage.c */
int		 ossl_stage_open(struct db *, struct ossl_stage **);
int		 ossl_stage_cert(struct ossl_stage *, const char *serial,
		    const void *, size_t);
int		 ossl_stage_records(struct ossl_stage *,
		    const struct db_record *, size_t);
int		 ossl_stage_commit(struct db *, struct ossl_stage *);
void		 ossl_stage_free(struct ossl_stage *);

/* ossl_export.c */
int		 ossl_export(struct session *, const char *, size_t *);

/* recover.c */
int		 recover_reserved(struct session *, size_t *n, size_t *issued);

/* recover_gen.c */
int		 recover_claims(struct session *, size_t *n);

#endif
