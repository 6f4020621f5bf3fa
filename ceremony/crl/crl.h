/* SPDX-License-Identifier: ISC */
/*
 * Revocation and CRLs: the CRL template, status, building the CRL from the
 * index, checking issued CRLs, recording a revocation.
 */
#ifndef CEREMONY_CRL_H
#define CEREMONY_CRL_H

#include "ceremony/ceremony.h"

struct crlsrc;
struct signer;

/* crl.c */
/* The issuingDistributionPoint's form (docs/crl.md: what each costs). */
enum crl_idp_form {
	CRL_IDP_URI = 0,	/* non-critical, the URI only: every verifier */
	CRL_IDP_CRITICAL,	/* critical, the URI and (a root's)
				   onlyContainsCACerts: RFC 5280's form */
	CRL_IDP_NONE		/* no IDP */
};
/* A CRL template: templates/crl.cnf, section [crl]; see docs/crl.md. */
struct crl_tmpl {
	char		*path;
	long		 days;		/* nextUpdate = thisUpdate + days */
	long		 max_days;	/* at most 365 for a root's CRL */
	long		 reissue_days;	/* the next session: before nextUpdate */
	const EVP_MD	*md;
	char		*digest;
	int		 keep_expired;	/* entries of expired certificates */
	char		*idp;		/* issuingDistributionPoint URI, or NULL;
					   {gen}: the issuing generation */
	int		 idp_form;	/* enum crl_idp_form */
	unsigned char	*raw;		/* the file's bytes, for the audit */
	size_t		 rawlen;
};
/* One CRL to issue, and what came of it. */
struct crl_job {
	const struct crl_tmpl	*t;
	const struct signer	*sg;
	time_t			 now;
	/* what happened */
	int			 root;		/* the issuer is self-signed */
	unsigned long long	 number;
	time_t			 this_update, next_update;
	int			 clamped;	/* nextUpdate cut to notAfter */
	size_t			 entries;
	char			 sha256[65];	/* of the DER */
	char			*der_path, *pem_path;
	int			 written;
};
int		 crl_tmpl_load(const char *path, struct crl_tmpl **);
const char	*crl_tmpl_key(size_t);
void		 crl_tmpl_free(struct crl_tmpl *);
int		 crl_issue(struct session *, struct crl_job *);
void		 crl_job_clear(struct crl_job *);

/* crl_status.c */
enum crl_state_kind {
	CRL_OK = 1, CRL_DUE, CRL_EXPIRED,	/* the latest CRL's */
	CRL_NONE,				/* none issued yet */
	CRL_CA_EXPIRED				/* the CA certificate is
						   (with skip_expired) */
};
struct crl_state {
	int			 generation;
	enum crl_state_kind	 state;
	unsigned long long	 number;	/* of the latest CRL, 0 none */
	size_t			 entries;
	time_t			 this_update, next_update;
	time_t			 due;		/* the next session */
	char			 path[4096];
};
int		 crl_state_of(const struct db *, const struct crl_tmpl *, int,
		    time_t, int, struct crl_state *);

/* crl_run.c */
int		 crl_run(struct session *, const struct crl_tmpl *, int,
		    struct signer *, struct crl_job *, char *, size_t);

/* crl_build.c */
/* The parts of a CertificateList around its entries, as DER. */
struct crl_parts {
	unsigned char	*head;		/* version .. nextUpdate */
	size_t		 headlen;
	unsigned char	*exts;		/* [0] crlExtensions */
	size_t		 extslen;
	unsigned char	*alg;		/* the signature AlgorithmIdentifier */
	size_t		 alglen;
	unsigned char	*idp;		/* the IDP extension's value, or NULL */
	size_t		 idplen;
	unsigned char	*issuer;	/* the issuer Name */
	size_t		 issuerlen;
};
int		 crl_parts_make(const struct crl_job *, struct crl_parts *);
void		 crl_parts_free(struct crl_parts *);
int		 crl_write(const struct crl_job *, const struct crl_parts *,
		    const struct crlsrc *, int fd, int pemfd, char sha256[65]);
int		 token_sign_digest(EVP_PKEY *, const EVP_MD *,
		    const unsigned char *, size_t, const char *what,
		    unsigned char **, size_t *);

/* crl_check.c */
int		 crl_check_other_gens(const struct db *, const struct crl_job *,
		    const struct crl_parts *);
int		 crl_check_previous(const char *path, const struct crl_job *,
		    const struct crl_parts *, const struct crlsrc *);
int		 crl_read_times(const char *path, time_t *this_update,
		    time_t *next_update, unsigned long long *number,
		    size_t *entries);

/* revoke.c */
/* A change of a certificate's revocation state (ceremony revoke). */
struct revoke_req {
	const char	*serial;
	int		 reason;	/* RFC 5280 code; -1 with release */
	int		 release;	/* lift a certificateHold (R to V) */
	time_t		 invalidity;	/* RFC 5280 invalidityDate, 0 none */
	time_t		 now;		/* the revocation time */
};
struct revoke_result {
	struct db_record prev;		/* the state it had */
	struct db_record next;		/* the state it has now */
	unsigned char	*der;		/* the certificate, for the audit */
	size_t		 derlen;
};
int		 revoke_req_make(struct revoke_req *, const char *serial,
		    const char *reason, const char *invalidity, int release);
int		 revoke_check(struct db *, const struct revoke_req *,
		    struct revoke_result *);
void		 revoke_result_clear(struct revoke_result *);
int		 revoke_record(struct session *, const struct revoke_req *,
		    struct revoke_result *);
/* The CA generations' own certificates, which no revoke touches. */
struct revoke_ca {
	int	 gen;
	char	 serial[DB_SERIAL_MAX];
	char	*subject;		/* RFC 2253, owned */
};
int		 revoke_ca_certs(struct db *, struct revoke_ca **, size_t *);
void		 revoke_ca_free(struct revoke_ca *, size_t);
int		 revoke_ca_of(const struct revoke_ca *, size_t,
		    const char *serial);
int		 revoke_reason_dated(int reason);

#endif
