/* SPDX-License-Identifier: ISC */
/*
 * The ceremony program: CA operations (one core) and the command line that
 * drives them (the TUI, later, is a second front end on the same core).
 *
 * Core operation files (root.c, lint.c, template.c, ...) never print and
 * never prompt: they set err_*() and return non-zero.  Command files
 * (cmd_*.c) parse and check arguments before any token work starts, call
 * one core operation, and print the result.
 */
#ifndef CEREMONY_H
#define CEREMONY_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <openssl/conf.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "db/db.h"
#include "util/util.h"
#include "hsm/hsm.h"

#define CEREMONY_VERSION	"0.1.0"
#define CEREMONY_MAN_DATE	"2026-12-03"	/* of the manual pages */
#define DEFAULT_HOME		"ca"

/*
 * Where a PIN comes from: --pin-file F, --pin-fd N, M custodians' shares
 * (--share-file F, --share-fd N, repeated), or the terminal.
 */
struct pin_share {
	const char	*file;		/* NULL: fd */
	int		 fd;
};
struct pin_source {
	const char	*file;
	int		 fd;		/* -1 unless --pin-fd */
	const char	*what;		/* "user PIN", "SO PIN" */
	const char	*fdopt;		/* "--pin-fd", "--so-pin-fd" */
	struct secret	*cached;	/* what --pin-fd gave, for re-use */
	struct pin_share shares[SHARE_N_MAX];
	size_t		 nshares;
	char		 qid[2 * SHARE_QID_LEN + 1];	/* of the shares */
	char		 quorum[512];	/* who gave them, for the audit */
};

/*
 * The operator's confirmation that the machine's clock matches a trusted
 * one (docs/assurance.md, room checks): recorded with the session.
 */
struct room_clock {
	int		 confirmed;
	time_t		 shown;		/* when the time was put to them, 0
					   when they checked it beforehand */
	time_t		 at;		/* when they confirmed it */
	const char	*how;		/* "on the TUI's clock screen", ... */
};

/*
 * What a command works in: the data directory and, once logged in, the
 * token.  Options common to every command fill it; session_*() open what
 * the command needs and session_close() releases all of it, always.
 */
struct session {
	const char		*home;
	const char		*module;	/* --module, else the config's */
	const char		*token;		/* --token, else the config's */
	const char		*operator;
	const char		*export_dir;	/* --export, else HOME/export */
	const char		*templates;	/* --templates: searched first */
	struct pin_source	 pin;
	const char		*witness[8];	/* --witness, repeated */
	size_t			 nwitness;
	struct db		*db;
	struct hsm		*hsm;
	struct intake		*intake;	/* the request parser, started
						   before the login */
	int			 logged_in;
	unsigned long long	 audit_session;	/* its session.open, 0 none */
	struct room_clock	 clock;		/* --clock-confirmed, tty, TUI */
	char			 room[1024];	/* the room check at login, for
						   the session.open record */
};

/* A row of the command table: dispatch, --help and (later) the TUI menu. */
struct cmd {
	const char	*name;		/* "root create" */
	const char	*usage;		/* the arguments */
	const char	*help;		/* one line */
	int		(*fn)(int, char **);
};

struct findings;
#include "ceremony/policy.h"

/* dbverify_audit.c */
struct dbv_audit;
struct dbv_audit *dbva_read(const char *, struct findings *);
void		 dbva_line(struct dbv_audit *, const struct db_record *,
		    const struct db_record *);
void		 dbva_cert(struct dbv_audit *, const struct db_record *,
		    const char *);
void		 dbva_check(struct dbv_audit *, struct findings *);
void		 dbva_free(struct dbv_audit *);

/* cmds.c */
extern const struct cmd	cmds[];
const struct cmd *cmd_named(const char *);
void		 usage_all(void);
void		 usage_of(const char *name);

/* cmd_opts.c */
/* What an option means; cmd NULL: every command takes it. */
struct opt_doc {
	const char	*cmd;		/* "sign", NULL */
	const char	*opt;		/* "csr" */
	const char	*arg;		/* "F"; NULL: a flag */
	const char	*help;
};
extern const struct opt_doc opt_docs[];
const struct opt_doc *opt_doc_find(const char *cmd, const char *opt);
struct cmd_opt;
int		 opt_docs_check(const char *cmd, const struct cmd_opt *);

/* cmd_help.c */
int		 help_main(int, char **);

/* opts.c */
/*
 * Every command's getopt_long table starts with these (COMMON_OPTS) and
 * hands codes >= OPT_COMMON to opt_common().
 */
enum {
	OPT_COMMON = 1000,
	OPT_HOME = OPT_COMMON, OPT_MODULE, OPT_TOKEN, OPT_PIN_FILE, OPT_PIN_FD,
	OPT_OPERATOR, OPT_EXPORT, OPT_HELP, OPT_WITNESS, OPT_SHARE_FILE,
	OPT_SHARE_FD, OPT_CLOCK_CONFIRMED, OPT_TEMPLATES,
	OPT_LOCAL = 1100	/* first code for a command's own options */
};
#define COMMON_OPTS \
	{ "home", required_argument, NULL, OPT_HOME }, \
	{ "module", required_argument, NULL, OPT_MODULE }, \
	{ "token", required_argument, NULL, OPT_TOKEN }, \
	{ "pin-file", required_argument, NULL, OPT_PIN_FILE }, \
	{ "pin-fd", required_argument, NULL, OPT_PIN_FD }, \
	{ "operator", required_argument, NULL, OPT_OPERATOR }, \
	{ "export", required_argument, NULL, OPT_EXPORT }, \
	{ "help", no_argument, NULL, OPT_HELP }, \
	{ "witness", required_argument, NULL, OPT_WITNESS }, \
	{ "share-file", required_argument, NULL, OPT_SHARE_FILE }, \
	{ "share-fd", required_argument, NULL, OPT_SHARE_FD }, \
	{ "clock-confirmed", no_argument, NULL, OPT_CLOCK_CONFIRMED }, \
	{ "templates", required_argument, NULL, OPT_TEMPLATES }
void		 session_init(struct session *);
int		 opt_common(struct session *, int, const char *, const char *);
int		 opt_int(const char *, const char *, long, long, long *);
int		 opt_no_args(const char *, int, char **);
/* A command's own option: its long name, whether it takes a value. */
/*
 * has_arg CMD_OPT_LIST: repeatable; value is an array of CMD_OPT_LIST_MAX
 * + 1 entries, filled in order and NULL after the last.
 */
struct cmd_opt {
	const char	*name;
	int		 has_arg;
	const char	**value;	/* where the value (or "1") goes */
};
#define CMD_OPT_LIST	2
#define CMD_OPT_LIST_MAX 16
int		 cmd_options(struct session *, const char *, int, char **,
		    const struct cmd_opt *);
int		 cmd_fail(struct session *);

/* pin.c */
void		 pin_source_init(struct pin_source *, const char *,
		    const char *);
int		 pin_source_set_fd(struct pin_source *, const char *);
int		 pin_source_add_share(struct pin_source *, const char *file,
		    const char *fd);
int		 pin_source_set_shares(struct pin_source *,
		    const struct share *, size_t);
int		 pin_read(struct pin_source *, struct secret **);
void		 pin_source_clear(struct pin_source *);

/* session.c */
int		 session_open_db(struct session *);
int		 session_open_db_readonly(struct session *);
int		 session_open_module(struct session *);
int		 session_open_token(struct session *);
int		 session_login(struct session *);
int		 session_login_with(struct session *, struct secret *);
void		 session_close(struct session *);
int		 session_audit(struct session *, struct audit_entry *);
struct tmpl;
int		 session_key(struct session *, const struct tmpl *, const char *,
		    struct hsm_key **);

/* template.c */
/* A certificate profile: templates/NAME.cnf, see docs/templates.md. */
/* request: what ceremony csr create asks for (subject, extensions). */
enum tmpl_kind { TMPL_ROOT = 1, TMPL_SUBCA, TMPL_LEAF, TMPL_OCSP, TMPL_REQUEST };

#define TMPL_COPY_MAX	8

struct tmpl {
	char		*path;
	char		*name;		/* file name without .cnf */
	CONF		*conf;
	char		*kind;		/* "root", "subca", "leaf", "ocsp" */
	enum tmpl_kind	 kindv;
	X509_NAME	*subject;	/* NULL: the request's (subject_from) */
	char		*policy_path;	/* the policy it enforces; not root */
	int		 copy[TMPL_COPY_MAX];	/* NIDs the request may supply */
	size_t		 ncopy;
	long		 days;		/* 0 when not_before/not_after given */
	time_t		 not_before;	/* 0: now */
	time_t		 not_after;	/* 0: not_before + days */
	long		 max_days;
	const EVP_MD	*md;
	char		*digest;	/* "sha384" */
	char		*ext_section;	/* [section] with the extensions */
	char		*link_section;	/* root: a rollover's link certs' */
	long		 overlap_days;	/* root: rollover due this long
					   before the end (default 90) */
	struct hsm_keyspec key_types[8];	/* root: the key's type */
	size_t		 nkey_types;
	unsigned char	*raw;		/* the file's bytes, for the audit */
	size_t		 rawlen;
	long		 p12_iterations;	/* PBKDF2 and MAC, PKCS#12 */
	long		 p12_min_password;	/* bytes */
};
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

/* findings.c */
/* Every problem found, not just the first. */
struct finding {
	char	code[32];	/* stable: "validity-order" */
	char	text[256];	/* what is wrong, in words */
	char	value[160];	/* the offending value, "" if none */
	char	rule[48];	/* the profile key that set the rule, "" if none */
	int	error;		/* 1 error, 0 warning */
};
struct findings {
	struct finding	*v;
	size_t		 n, cap;
	size_t		 errors;
};
void		 findings_add(struct findings *, int, const char *,
		    const char *, ...) ATTR_PRINTF(4, 5);
int		 findings_copy(struct findings *, int, const struct finding *);
void		 findings_add_rule(struct findings *, int, const char *code,
		    const char *rule, const char *value, const char *, ...)
		    ATTR_PRINTF(6, 7);
void		 findings_free(struct findings *);

/* vetted.c: a request reduced to what may be signed (see intake.c). */
enum vet_kind { VET_OK, VET_UNREADABLE, VET_UNSAFE };
#define VET_TEXT	0x01	/* with csr show's text */
struct vetted {
	char			*path;		/* as named; printed escaped */
	const char		*format;	/* "PEM" or "DER" */
	unsigned char		*der;		/* the request's DER: hashed
						   for the audit, never signed */
	size_t			 derlen;
	X509_PUBKEY		*spki;		/* from i2d_PUBKEY of the
						   decoded key */
	X509_NAME		*subject;	/* decoded and encoded again */
	STACK_OF(X509_EXTENSION) *exts;		/* those the policy accepts,
						   re-encoded; never NULL */
	struct findings		 f;		/* the policy's, every one */
	char			*text;		/* csr show's, or NULL */
	int			 pop_ok;
};
int		 vetted_from_csr(const struct csr *, const struct policy *,
		    int, struct vetted **);
void		 vetted_free(struct vetted *);
EVP_PKEY	*vetted_pubkey(const struct vetted *);
int		 vetted_encode(const struct vetted *, int, const char *,
		    unsigned char **, size_t *);
int		 vetted_decode(const char *, const unsigned char *, size_t,
		    int *, struct vetted **);

/* intake.c: requests from the media, parsed in a confined process. */
struct intake;
int		 intake_start(struct session *);
void		 intake_stop(struct session *);
int		 intake_vet(struct session *, const char *path,
		    const struct policy *, int, struct vetted **);
/* A request on its way: sent, its answer to be read. */
struct intake_req {
	const char	*name;		/* the caller's */
	unsigned char	*buf;		/* the file's bytes */
	size_t		 len;
	int		 sent;
	char		 error[1024];	/* why it was not sent */
};
int		 intake_send(struct session *, struct intake_req *,
		    const char *, const struct policy *, int);
int		 intake_recv(struct session *, struct intake_req *,
		    struct vetted **);
void		 intake_req_clear(struct intake_req *);

/* confine.c */
struct sock_fprog;
int		 confine_parser_prepare(struct sock_fprog *);
int		 confine_parser(const struct sock_fprog *);
int		 confine_intake(void);

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
void		 issue_job_clear(struct issue_job *);
time_t		 cert_time(const ASN1_TIME *);
char		*name_text(const X509_NAME *);

/* root.c */
struct root_result {
	X509			*cert;
	char			 serial[DB_SERIAL_MAX];
	char			 fingerprint[96];	/* SHA-256, colon-separated */
	struct hsm_keyspec	 spec;			/* of the key that signed */
	char			 key_id[41];		/* its CKA_ID, hex */
	char			 export_dir[4096];
};
int		 root_create(struct session *, const struct tmpl *,
		    const char *keyref, struct findings *, struct root_result *);
int		 root_audit(struct session *, const struct tmpl *, const char *,
		    const struct root_result *, int);
#define FP_GROUPS	8
void		 fingerprint_groups(const char *, char [FP_GROUPS][9]);

/* cmd_root.c: printing for the witnesses */
void		 print_time(const char *, const ASN1_TIME *);
void		 print_fingerprint(const char *);

/* cmd_*.c: one function per row of the command table */
int		 cmd_init(int, char **);
int		 cmd_token_list(int, char **);
int		 cmd_token_init(int, char **);
int		 cmd_key_generate(int, char **);
int		 cmd_key_list(int, char **);
int		 cmd_key_show(int, char **);
int		 cmd_root_create(int, char **);
int		 cmd_db_list(int, char **);
int		 cmd_audit_show(int, char **);
int		 cmd_csr_show(int, char **);
int		 cmd_csr_check(int, char **);
int		 cmd_sign(int, char **);
int		 cmd_csr_create(int, char **);
int		 cmd_ca_install(int, char **);
int		 cmd_rollover_prepare(int, char **);
int		 cmd_rollover_status(int, char **);
int		 cmd_rollover_switch(int, char **);
int		 cmd_rollover_cancel(int, char **);
int		 cmd_rollover_export(int, char **);

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

/* cmd_crl.c */
int		 cmd_crl_issue(int, char **);
int		 cmd_crl_status(int, char **);
int		 cmd_crl_session(int, char **);

/* ecverify.c */
struct ecverifier *ecverifier_new(EVP_PKEY *);
void		 ecverifier_free(struct ecverifier *);
int		 ecverifier_check(const struct ecverifier *, const unsigned char *,
		    size_t, const unsigned char *, size_t);

/* request.c */
int		 request_create(struct session *, const struct tmpl *,
		    const char *keyref, X509_REQ **);

/* cachain.c */
int		 pem_certs_load(const char *, STACK_OF(X509) **);
int		 ca_chain_above(const struct db *, int, STACK_OF(X509) **);
int		 chain_verify(X509 *, STACK_OF(X509) *);
int		 chain_verify_signed(X509 *, X509 *, STACK_OF(X509) *);
int		 ca_certs_all(const struct db *, STACK_OF(X509) **);
int		 ca_links_all(const struct db *, STACK_OF(X509) **);
int		 ca_install(struct session *, X509 *, STACK_OF(X509) *);

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
};
int		 signer_open(struct session *, struct signer *,
		    const EVP_MD *);
int		 signer_open_gen(struct session *, struct signer *,
		    const EVP_MD *, int);
void		 signer_close(struct signer *);
void		 sign_job(struct issue_job *, const struct signer *,
		    const struct tmpl *, const struct vetted *,
		    const struct sign_opts *);
int		 sign_check(const struct policy *, const struct vetted *,
		    struct findings *);
int		 sign_request(struct session *, const struct signer *,
		    const struct tmpl *, const struct policy *,
		    const struct vetted *, const struct sign_opts *,
		    struct findings *, struct issue_job *);

/* sign_csr.c, batch.c */
int		 sign_audit(struct session *, const struct tmpl *,
		    const struct policy *, const struct vetted *,
		    const struct issue_job *, int);
int		 sign_export(struct session *, const struct issue_job *, char *,
		    size_t);
int		 sign_export_chain(struct session *, const struct signer *,
		    char *, size_t);
int		 sign_inbox(struct session *, const struct tmpl *,
		    const struct policy *, const struct sign_opts *);

/* sign_csr.c */
/* What came of signing one request. */
struct sign_outcome {
	struct signer		 sg;
	struct issue_job	 j;
	struct findings		 f;
	int			 refused;	/* by its policy */
	char			 dir[4096];	/* where it was exported */
};
int		 sign_csr(struct session *, const struct tmpl *,
		    const struct policy *, const struct vetted *,
		    const struct sign_opts *, struct sign_outcome *);
void		 sign_outcome_clear(struct sign_outcome *);
/* resign.c */
int		 resign_request(struct session *, const char *serial,
		    const struct policy *, struct vetted **);

/* rollover.c */
/* A root rollover (docs/rollover.md). */
struct rollover_req {
	const char	*label;		/* NULL: the old key's, -genN */
	const char	*type;		/* NULL: the old key's type */
	time_t		 start;		/* 0: when the current root ends */
	int		 start_now;
	int		 manual;	/* switch only by rollover switch */
};
struct rollover_result {
	int		 gen, oldgen;
	struct db_gen	 state;
	X509		*root, *newwithold, *oldwithnew;	/* last: NULL
							   when no overlap */
	char		 fingerprint[96];
};
struct rollover_cancel {
	int		 gen;
	struct db_gen	 state;
	size_t		 used;		/* certificates it had signed */
	char		 key[64];	/* destroyed on the token */
	char		 note[512];
};
int		 rollover_start_parse(const char *, struct rollover_req *);
int		 rollover_prepare(struct session *, const struct tmpl *,
		    const struct rollover_req *, struct findings *,
		    struct rollover_result *);
void		 rollover_result_clear(struct rollover_result *);
int		 rollover_switch(struct session *, time_t, struct db_gen *);
int		 rollover_switch_due(struct session *, time_t);
int		 rollover_cancel(struct session *, int force,
		    struct rollover_cancel *);

/* rollover_status.c */
struct rollover_gen_info {
	struct db_gen	 g;		/* state at the time asked */
	X509		*cert;
	X509		*newwithold, *oldwithnew;	/* NULL: none */
	time_t		 not_before, not_after;
	char		 fingerprint[96];
};
struct rollover_status {
	struct rollover_gen_info *v;	/* v[i] is generation i + 1 */
	size_t		 n;
	int		 active, pending;	/* generations, 0 none */
	time_t		 now, active_end, overlap_from;
	long		 overlap_days;
	int		 overlap_begun;
	int		 warn;		/* overlap begun, nothing prepared */
};
int		 rollover_status_read(struct db *, time_t, long overlap_days,
		    struct rollover_status *);
void		 rollover_status_free(struct rollover_status *);

/* rollover_run.c */
int		 rollover_audit(struct session *, const char *, const char *,
		    const struct tmpl *, X509 *const *, size_t, int);
int		 rollover_prepare_run(struct session *, const struct tmpl *,
		    const struct rollover_req *, struct findings *,
		    struct rollover_result *);
int		 rollover_switch_run(struct session *, time_t, struct db_gen *);
int		 rollover_cancel_run(struct session *, int,
		    struct rollover_cancel *);
int		 rollover_export_run(struct session *, const char *, int *);

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
int		 revoke_time_parse(const char *, time_t *);
int		 revoke_req_make(struct revoke_req *, const char *serial,
		    const char *reason, const char *invalidity, int release);
int		 revoke_check(struct db *, const struct revoke_req *,
		    struct revoke_result *);
void		 revoke_result_clear(struct revoke_result *);
int		 revoke_record(struct session *, const struct revoke_req *,
		    struct revoke_result *);
int		 cmd_revoke(int, char **);
int		 cmd_db_show(int, char **);

/* key.c */
int		 key_generate(struct session *, const struct hsm_keyspec *,
		    const char *, struct hsm_key **);

/* tui/main.c */
int		 cmd_tui(int, char **);

/* room.c */
/* A network interface that matters in the room: up, or wireless. */
struct room_if {
	char	 name[32];
	int	 up, running;	/* IFF_UP, IFF_RUNNING (carrier) */
	int	 wireless;
	char	 addrs[200];	/* its IPv4 and IPv6 addresses */
};
struct room_report {
	struct room_if	*v;	/* loopback never; down only if wireless */
	size_t		 n;
};
int		 room_scan(struct room_report *);
void		 room_report_free(struct room_report *);
void		 room_text(const struct room_report *, char *, size_t);
void		 room_names(const struct room_report *, int, char *, size_t);

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

/* p12.c, p12_export.c */
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
int		 p12_encode(struct p12_job *, const struct secret *);
int		 p12_write(struct session *, struct p12_job *, const char *);
int		 p12_name(X509 *, const char *, char *, size_t);
int		 p12_chain(const struct db *, int, STACK_OF(X509) **);
void		 p12_job_clear(struct p12_job *);
int		 p12_export(struct session *, const char *serial,
		    const struct tmpl *, const struct secret *,
		    struct p12_job *);
int		 p12_audit(struct session *, const char *, const struct p12_job *,
		    int);

/* publish.c, bundle_verify.c */
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
int		 bundle_verify(const char *dir, X509 *root, struct findings *,
		    struct bundle_report *);

/* dbverify.c, dbverify_crl.c */
int		 db_verify(struct db *, struct findings *);
int		 db_verify_run(struct session *, struct findings *);
void		 db_verify_crls(struct db *, int, X509 *, struct findings *);

/* genkey.c */
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

/* ossl_index.c, ossl_import.c, ossl_export.c */
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
int		 ossl_import_read(struct ossl_import *);
int		 ossl_import(struct session *, struct ossl_import *);
void		 ossl_import_clear(struct ossl_import *);
int		 ossl_export(struct session *, const char *, size_t *);

/* cmd_export.c */
void		 p12_legacy_warning(void);
int		 cmd_export_p12(int, char **);
int		 cmd_export_publish(int, char **);
int		 cmd_export_verify(int, char **);
int		 cmd_db_verify(int, char **);
int		 cmd_db_recover(int, char **);
int		 cmd_issue(int, char **);
int		 cmd_db_import_openssl(int, char **);
int		 cmd_db_export_openssl(int, char **);

/* password.c */
int		 password_read(const char *fdarg, long min, struct secret **);

/* seal.c */
/* What ceremony audit verify found. */
struct audit_verdict {
	unsigned long long	 records;	/* in audit.log */
	unsigned long long	 sessions;	/* session.open records */
	size_t			 nseals;
	unsigned long long	 sealed;	/* the last sealed record */
	char			 head[65];	/* hash of the last record */
	long			 bad_record;	/* the first bad one, 0 none */
};
int		 audit_session_open(struct session *);
int		 audit_session_close(struct session *);
int		 audit_verify(struct db *, struct audit_verdict *);

/* quorum.c */
struct quorum_req {
	int		 m, n;
	const char	*custodians[SHARE_N_MAX];
	size_t		 ncustodians;
	int		 fresh;		/* a new random PIN, set on the token */
	const char	*out_dir;	/* NULL: the shares are printed */
};
struct quorum_result {
	char		 qid[2 * SHARE_QID_LEN + 1];
	int		 pin_changed;
	char		*paths[SHARE_N_MAX];	/* the files written */
	char		*texts[SHARE_N_MAX];	/* or the shares to print */
	char		 old_quorum[512];	/* who opened it, if shares */
};
int		 quorum_req_check(const struct quorum_req *);
int		 quorum_source_check(const struct pin_source *, int reshare,
		    int fresh);
int		 quorum_split(struct session *, const struct quorum_req *,
		    struct quorum_result *);
void		 quorum_unwrite(struct quorum_result *);
int		 quorum_audit(struct session *, const char *op,
		    const struct quorum_req *, const struct quorum_result *, int);
void		 quorum_result_clear(struct quorum_result *);

/* room_login.c */
int		 room_login_check(struct session *);
void		 room_clock_confirm(struct room_clock *, time_t shown,
		    const char *how);
void		 room_clock_detail(const struct room_clock *, int, char *,
		    size_t);
int		 room_refusal(const struct db_config *, const char *home,
		    const struct room_report *);
int		 cmd_room_check(int, char **);

/* transcript.c */
int		 audit_transcript(struct db *, unsigned long long, FILE *);
int		 audit_sessions(struct db *, FILE *);

/* cmd_quorum.c, cmd_audit.c */
int		 cmd_quorum_split(int, char **);
int		 cmd_quorum_reshare(int, char **);
int		 cmd_audit_verify(int, char **);
int		 cmd_audit_sessions(int, char **);
int		 cmd_audit_transcript(int, char **);

#endif
