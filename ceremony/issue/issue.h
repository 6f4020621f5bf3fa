/* SPDX-License-Identifier: ISC */
/*
 * Certificates: templates and their search path, lint, the to-be-signed
 * build, signing on the token and its verification, single and batch
 * signing of requests, root creation, key generation, chains, per-generation
 * URLs, requests made by the token key.
 */
#ifndef CEREMONY_ISSUE_H
#define CEREMONY_ISSUE_H

#include "ceremony/ceremony.h"

struct db_file;
struct ecverifier;
struct p12_job;
struct policy;
struct vetted;

/* template.c */
/* PKCS#12 defaults when a template sets none (docs/exports.md). */
#define TMPL_P12_ITER_DEFAULT	600000
#define TMPL_P12_ITER_MIN	10000
#define TMPL_P12_ITER_MAX	10000000
#define TMPL_P12_PASS_DEFAULT	12
#define TMPL_P12_PASS_MIN	8
/* What a command (or a script step) without --template uses: looked up
 * in the template search path (tmpl_path.c). */
#define TMPL_DEFAULT_ROOT	"root-ca.cnf"
#define TMPL_DEFAULT_CRL	"crl.cnf"
int		 tmpl_load(const char *path, struct tmpl **);
const char	*tmpl_key(size_t);
void		 tmpl_free(struct tmpl *);
int		 tmpl_key_allowed(const struct tmpl *, const struct hsm_keyspec *);

/* tmpl_path.c */
void		 tmpl_path_init(const char *templates, const char *home);
const char	*tmpl_path_dir(void);
int		 tmpl_path_is_cnf(const char *);
int		 tmpl_path_find(const char *what, const char *name, char *,
		    size_t);

/* tmpl_copy.c */
int		 tmpl_copy_read(const char **src, struct db_file **, size_t *);
void		 tmpl_copy_free(struct db_file *, size_t);
int		 tmpl_copy_audit(struct db *, const char *operator,
		    const char *src, const struct db_file *, size_t);
int		 tmpl_copy_check(struct db *, struct findings *);
int		 tmpl_copy_verdict(struct db *);

/* genurl.c */
/* Per-generation URLs: {gen} in a template, genN in a URL. */
char		*gen_expand(const char *, int);
int		 gen_named(const char *);
int		 gen_ext_add(CONF *, X509V3_CTX *, const char *, int, X509 *);
void		 gen_lint_urls(X509 *, int, struct findings *);

/* lint.c */
/* What a to-be-signed certificate is linted against. */
struct lint_ctx {
	const struct tmpl	*t;
	X509			*issuer;	/* NULL: self-signed */
	EVP_PKEY		*subject_key;	/* the key it must certify */
	const X509_PUBKEY	*subject_spki;	/* or its encoding */
	const struct hsm_keyspec *signer_spec;	/* the token key's type */
	int			 generation;	/* that signs; 0: unknown */
};
int		 lint_cert(X509 *, const struct lint_ctx *, struct findings *);

/* certsign.c */
/*
 * The to-be-signed certificate gets the token's signature algorithm and
 * is linted; the token then signs it, the signature is verified with the
 * token key's public key and the signed bytes are compared with the
 * linted ones.
 */
struct presign {
	unsigned char	*tbs;		/* DER of what was linted */
	size_t		 tbslen;
};
int		 cert_set_sigalg(X509 *, const EVP_MD *,
		    const struct hsm_keyspec *);
int		 cert_prelint(X509 *, const struct lint_ctx *, struct presign *,
		    struct findings *);
int		 cert_token_sign(X509 *, EVP_PKEY *, const EVP_MD *);
struct ecverifier;
struct verifier {
	EVP_MD			*md;
	EVP_PKEY_CTX		*ctx;	/* RSA, or when Nettle has no curve */
	struct ecverifier	*ec;	/* EC keys: Nettle (ecverify.c) */
};
int		 verifier_init(struct verifier *, EVP_PKEY *, const EVP_MD *);
void		 verifier_free(struct verifier *);
int		 cert_verify_der(X509 *, const struct verifier *,
		    const struct presign *, unsigned char **, size_t *,
		    const char **);
void		 presign_clear(struct presign *);
int		 der_tbs(const unsigned char *, size_t, const unsigned char **,
		    size_t *);
int		 cert_fingerprint(X509 *, char *, size_t);

/* issue.c */
enum issue_state {
	ISSUE_NEW, ISSUE_BUILT, ISSUE_RESERVED, ISSUE_TOKEN_SIGNED,
	ISSUE_SIGNED, ISSUE_RECORDED, ISSUE_VOID
};
struct issue_job {
	/* what to issue */
	const struct tmpl		*t;
	X509				*issuer;	/* NULL: self-signed */
	const struct hsm_key		*key;		/* signs, on the token */
	EVP_PKEY			*signer;	/* key's, through libp11 */
	const struct verifier		*verifier;	/* by the key's public key */
	EVP_PKEY			*pubkey;	/* to be certified */
	const X509_PUBKEY		*spki;		/* the same, as the
							   request encodes it */
	STACK_OF(X509)			*above;		/* the issuer's chain */
	const X509_NAME			*subject;	/* NULL: the template's */
	const STACK_OF(X509_EXTENSION)	*req_exts;	/* the request's */
	int				 generation;	/* of the issuer */
	long				 days;		/* 0: the template's */
	time_t				 not_before;	/* 0: the template's */
	time_t				 not_after;	/* 0: the template's */
	int				 clamp;		/* cut to the issuer's end */
	/* what happened */
	enum issue_state		 state;
	const char			*why;		/* a verify failure */
	X509				*cert;
	unsigned char			*der;		/* as verified */
	size_t				 derlen;
	char				 serial[DB_SERIAL_MAX];
	char				*subject_text;	/* RFC 2253 */
	int				 clamped;
	struct presign			 ps;
	/*
	 * The operation's audit record, written once the certificate file
	 * is durable and before the index says valid: a certificate is
	 * issued only with its record.  NULL: the caller records after.
	 */
	int				(*audit)(struct session *,
					    const struct issue_job *, void *);
	void				*audit_arg;
	int				 audited;	/* its record written */
};
int		 spki_set(X509_PUBKEY *, const X509_ALGOR *,
		    const unsigned char *, int);
int		 issue_build(struct session *, struct issue_job *,
		    struct findings *);
int		 issue_serials(struct session *, char (*)[DB_SERIAL_MAX], size_t);
int		 issue_reserve(struct session *, struct issue_job **, size_t);
int		 issue_sign(struct session *, struct issue_job *);
int		 issue_token_sign(struct issue_job *);
void		 issue_verify(struct issue_job *);
void		 issue_verify_chain(struct issue_job *);
int		 issue_record(struct session *, struct issue_job **, size_t);
int		 issue_record_files(struct session *, struct issue_job **,
		    size_t);
int		 issue_record_index(struct session *, struct issue_job **,
		    size_t);
void		 issue_abandon(struct session *, struct issue_job **, size_t);
int		 issue_one(struct session *, struct issue_job *,
		    struct findings *);
int		 issue_finish(struct session *, struct issue_job *);
void		 issue_job_clear(struct issue_job *);

/* root.c */
struct root_result {
	X509			*cert;
	char			 serial[DB_SERIAL_MAX];
	char			 fingerprint[96];	/* SHA-256, colon-separated */
	struct hsm_keyspec	 spec;			/* of the key that signed */
	char			 key_id[41];		/* its CKA_ID, hex */
	char			 export_dir[4096];
	int			 audited;	/* root.create written */
};
int		 root_create(struct session *, const struct tmpl *,
		    const char *keyref, struct findings *, struct root_result *);
int		 root_audit(struct session *, const struct tmpl *, const char *,
		    const struct root_result *, int);
#define FP_GROUPS	8
void		 fingerprint_groups(const char *, char [FP_GROUPS][9]);

/* ecverify.c */
struct ecverifier *ecverifier_new(EVP_PKEY *);
void		 ecverifier_free(struct ecverifier *);
int		 ecverifier_check(const struct ecverifier *, const unsigned char *,
		    size_t, const unsigned char *, size_t);

/* csr_make.c */
int		 request_create(struct session *, const struct tmpl *,
		    const char *keyref, X509_REQ **);
int		 csr_create_run(struct session *, const struct tmpl *,
		    const char *keyref, const char *out, X509_REQ **);

/* cachain.c */
int		 pem_certs_load(const char *, STACK_OF(X509) **);
int		 ca_chain_above(const struct db *, int, STACK_OF(X509) **);
int		 chain_verify(X509 *, STACK_OF(X509) *);
int		 chain_verify_signed(X509 *, X509 *, STACK_OF(X509) *);
int		 ca_certs_all(const struct db *, STACK_OF(X509) **);
int		 ca_links_all(const struct db *, STACK_OF(X509) **);
int		 ca_install(struct session *, X509 *, STACK_OF(X509) *);
int		 ca_install_run(struct session *, const char *cert,
		    const char *chain, STACK_OF(X509) **above);

/* sign.c */
/* The issuing CA: the current generation's certificate and token key. */
struct signer {
	int		 generation;
	X509		*issuer;
	struct hsm_key	*key;
	EVP_PKEY	*signer;	/* the key, through libp11 */
	struct verifier	 verifier;	/* its signatures, in software */
	STACK_OF(X509)	*above;		/* above the issuer, up to the root */
	STACK_OF(X509)	*chain;		/* the issuer, then above */
};
struct sign_opts {
	long	days;		/* 0: the template's */
	int	clamp;		/* cut notAfter to the issuer's */
	/* sign --inbox: token sessions signing at once; 0: as many as the
	 * token and the cores allow (docs/batch.md) */
	unsigned long sessions;
	/* the signing's audit record, before its index line (issue_job) */
	int	(*audit)(struct session *, const struct issue_job *, void *);
	void	*audit_arg;
};
int		 signer_open(struct session *, struct signer *,
		    const EVP_MD *);
int		 signer_open_gen(struct session *, struct signer *,
		    const EVP_MD *, int);
int		 signer_open_issuer(struct session *, struct signer *);
void		 signer_close(struct signer *);
void		 sign_job(struct issue_job *, const struct signer *,
		    const struct tmpl *, const struct vetted *,
		    const struct sign_opts *);
int		 sign_check(const struct policy *, const struct vetted *,
		    struct findings *);
int		 sign_request(struct session *, const struct signer *,
		    const struct tmpl *, const struct vetted *,
		    const struct sign_opts *, struct findings *,
		    struct issue_job *);

/* sign_csr.c */
void		 sign_audit_items(struct audit_entry *, const struct tmpl *,
		    const struct policy *, const struct vetted *);
void		 sign_audit_export(struct session *, const struct issue_job *,
		    const char *op);
int		 sign_audit(struct session *, const struct tmpl *,
		    const struct policy *, const struct vetted *,
		    const struct issue_job *, const struct findings *, int);
int		 sign_export(struct session *, const struct issue_job *, char *,
		    size_t);
int		 sign_export_chain(struct session *, const struct signer *,
		    char *, size_t);
/* What came of signing one request (or of preparing it). */
struct sign_outcome {
	const struct tmpl	*t;		/* what it was signed under */
	const struct policy	*p;
	const struct vetted	*c;		/* the request */
	struct signer		 sg;
	struct issue_job	 j;
	struct findings		 f;
	int			 refused;	/* by its policy */
	int			 serial_later;	/* j.serial is a stand-in */
	char			 dir[4096];	/* where it was exported */
};
int		 sign_csr(struct session *, const struct tmpl *,
		    const struct policy *, const struct vetted *,
		    const struct sign_opts *, struct sign_outcome *);
int		 sign_prepare(struct session *, const struct tmpl *,
		    const struct policy *, const struct vetted *,
		    const struct sign_opts *, int token, struct sign_outcome *);
int		 sign_prepared(struct session *, struct sign_outcome *);
int		 sign_unprepared(struct session *, const struct sign_outcome *,
		    int ok);
void		 sign_outcome_clear(struct sign_outcome *);

/* sign_preview.c */
int		 sign_preview_text(const struct sign_outcome *, char **);

/* batch.c */
/* A request of sign --inbox and what became of it, for the front end. */
struct inbox_row {
	char		*name;		/* the file's, as the requester named it */
	const char	*verdict;	/* "signed", "rejected", "left" */
	char		*text;		/* the serial, or the reason */
};
struct inbox_result {
	struct inbox_row	*v;	/* in the inbox's order */
	size_t			 n, signedn;
	unsigned long		 sessions;	/* signed on; 0: none */
};
int		 sign_inbox(struct session *, const struct tmpl *,
		    const struct policy *, const struct sign_opts *,
		    struct inbox_result *);
void		 inbox_result_free(struct inbox_result *);
int		 inbox_reject(struct session *, const struct tmpl *,
		    const struct policy *, const char *path,
		    const struct vetted *, const char *why);

/* resign.c */
int		 resign_request(struct session *, const char *serial,
		    const struct policy *, struct vetted **);

/* token_key.c */
int		 key_generate(struct session *, const struct hsm_keyspec *,
		    const char *, struct hsm_key **);

/* software_key.c */
/* ceremony issue --generate-key: what to make (docs/exports.md). */
struct genkey_req {
	const struct tmpl	*t;
	const struct policy	*p;
	const char		*subject;	/* /TYPE=VALUE/... */
	const char		*san;		/* x509v3 syntax, or NULL */
	struct hsm_keyspec	 spec;		/* of the software key */
	int			 legacy;	/* the archive's form */
};
int		 genkey_subject(const char *, X509_NAME **);
int		 genkey_template_ok(const struct tmpl *);
int		 genkey_check(struct session *, const struct genkey_req *);
int		 genkey_issue(struct session *, const struct genkey_req *,
		    const struct secret *, struct signer *, struct findings *,
		    struct issue_job *, struct vetted **, struct p12_job *);
int		 genkey_audit(struct session *, const struct genkey_req *,
		    const struct vetted *, const struct issue_job *,
		    const struct p12_job *, int ok);

#endif
