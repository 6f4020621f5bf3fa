/* SPDX-License-Identifier: ISC */
/*
 * Certificate requests and the policy engine: reading a PKCS#10 request,
 * checking its proof of possession, and checking it against a policy
 * profile, reporting every finding.  Nothing here touches the token or
 * the database.
 */
#ifndef CEREMONY_POLICY_H
#define CEREMONY_POLICY_H

#include <stdio.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ceremony/ceremony.h"

/* csr.c */
#define CSR_MAX_BYTES	(256 * 1024)

/*
 * A request read from a file.  csr_load() verifies the self-signature
 * before anything else looks at the request: pop_ok says whether it
 * verified.  A request whose signature fails still loads (it is a
 * readable request that policy_check() rejects with pop-failed); what
 * cannot be read at all fails to load.
 */
struct csr {
	char			*path;
	const char		*format;	/* "PEM" or "DER" */
	X509_REQ		*req;
	unsigned char		*der;		/* the request's DER */
	size_t			 derlen;
	EVP_PKEY		*pubkey;	/* owned by req */
	STACK_OF(X509_EXTENSION) *exts;		/* requested; never NULL */
	int			 pop_ok;
};
int		 csr_load(const char *path, struct csr **);
int		 csr_load_mem(const char *name, const unsigned char *, size_t,
		    struct csr **);
void		 csr_free(struct csr *);
int		 csr_pubkey_sha256(const struct csr *, char hex[65]);
/* The request inbox (HOME/requests): *.csr, *.pem, *.der, *.req by name. */
int		 csr_inbox_list(const char *dir, char ***paths, size_t *n);
void		 csr_inbox_free(char **, size_t);
int		 csr_inbox_move(const char *, const char *);

/* csr_text.c */
/* Readable text of request fields, shared by csr show and the checks. */
int		 asn1_string_utf8(const ASN1_STRING *, char **);
size_t		 utf8_chars(const char *);
void		 obj_text(const ASN1_OBJECT *, char *, size_t);
const char	*gn_type_name(int);
int		 gn_text(const GENERAL_NAME *, char **);
int		 csr_key_text(EVP_PKEY *, char *, size_t);
int		 csr_key_type(EVP_PKEY *, char *, size_t);
int		 csr_sig_digest(const X509_REQ *, int *mdnid, char *, size_t);

/* csr_print.c */
void		 csr_print(FILE *, const struct csr *);

/* policy.c */
/* The SAN types of san_types. */
#define POLICY_SAN_DNS		0x01
#define POLICY_SAN_IP		0x02
#define POLICY_SAN_EMAIL	0x04
#define POLICY_SAN_URI		0x08
#define POLICY_SAN_OTHER	0x10

#define POLICY_KEY_TYPES_MAX	16
#define POLICY_DIGESTS_MAX	8

/* One entry of key_types: "rsa:3072" or "ec:P-384". */
struct policy_keytype {
	int	 rsa;		/* 1 RSA, 0 EC */
	int	 bits;		/* RSA modulus bits */
	int	 nid;		/* EC curve */
	char	 name[16];
};

/* A policy profile: templates/policy-NAME.cnf, see docs/policy.md. */
struct policy {
	char			*path;
	char			*name;		/* file name without .cnf */
	CONF			*conf;
	unsigned char		*raw;		/* the file's bytes, for the audit */
	size_t			 rawlen;
	/* subject */
	STACK_OF(ASN1_OBJECT)	*subject_allowed;	/* NULL: any known */
	STACK_OF(ASN1_OBJECT)	*subject_required;
	/* subjectAltName */
	unsigned		 san_types;	/* POLICY_SAN_* */
	int			 san_required;
	long			 san_max;
	int			 cn_in_san;
	int			 cn_fqdn;
	int			 wildcards;
	char			**dns_permitted;	/* suffixes */
	size_t			 ndns_permitted;
	char			**dns_excluded;
	size_t			 ndns_excluded;
	/* key and signature */
	struct policy_keytype	 key_types[POLICY_KEY_TYPES_MAX];
	size_t			 nkey_types;
	int			 key_quality;
	long			 fermat_rounds;
	int			 digests[POLICY_DIGESTS_MAX];	/* NIDs */
	size_t			 ndigests;
	/* extensions */
	STACK_OF(ASN1_OBJECT)	*eku_required;
	STACK_OF(ASN1_OBJECT)	*eku_forbidden;
	STACK_OF(ASN1_OBJECT)	*extensions_allowed;
	int			 ca_allowed;
	long			 pathlen_max;	/* -1: no limit */
};
int		 policy_load(const char *path, struct policy **);
int		 policy_load_mem(const char *path, const unsigned char *, size_t,
		    struct policy **);
const char	*policy_key(size_t);
void		 policy_free(struct policy *);
int		 policy_check(const struct policy *, const struct csr *,
		    struct findings *);
int		 obj_in(const STACK_OF(ASN1_OBJECT) *, const ASN1_OBJECT *);

/* policy_parse.c */
/* The value parsers of policy.c: each names file and key on error. */
struct policy_src {
	const struct policy	*p;
	const char		*key;
	const char		*value;
};
int		 policy_list(const struct policy_src *, char ***, size_t *);
void		 policy_list_free(char **, size_t);
int		 policy_bool(const struct policy_src *, int *);
int		 policy_long(const struct policy_src *, long, long, long *);
int		 policy_oids(const struct policy_src *, STACK_OF(ASN1_OBJECT) **);

/* policy_subject.c */
void		 policy_check_subject(const struct policy *, const struct csr *,
		    struct findings *);

/* policy_san.c */
enum fqdn_verdict {
	FQDN_OK,		/* a host name */
	FQDN_WILDCARD,		/* "*.example.com": well-formed wildcard */
	FQDN_BAD_WILDCARD,	/* "*.com", "a*.example.com", "a.*.example" */
	FQDN_BAD		/* not a host name; why says what */
};
enum fqdn_verdict fqdn_check(const char *, size_t, const char **why);
int		 dns_suffix_ok(const char *);
int		 dns_suffix_match(const char *name, const char *suffix);
void		 policy_check_san(const struct policy *, const struct csr *,
		    struct findings *);

/* policy_key.c */
int		 policy_keytype_parse(const char *, struct policy_keytype *);
void		 policy_check_key(const struct policy *, EVP_PKEY *,
		    struct findings *);
void		 policy_check_digest(const struct policy *, const X509_REQ *,
		    struct findings *);

/* policy_keyq.c */
/* Key quality as Let's Encrypt's goodkey checks it; rule key_quality. */
void		 keyq_check(EVP_PKEY *, long fermat_rounds, struct findings *);
int		 keyq_small_factor(const BIGNUM *n, unsigned long *factor);
int		 keyq_fermat(const BIGNUM *n, long rounds);
int		 keyq_roca(const BIGNUM *n);

/* policy_ext.c */
void		 policy_check_ext(const struct policy *, const struct csr *,
		    struct findings *);
int		 policy_ext_allowed(const struct policy *, const ASN1_OBJECT *);
X509_EXTENSION	*policy_ext_next(const struct policy *, const struct csr *,
		    int *);

/* findings.c */
void		 findings_print(FILE *, const struct findings *);
void		 findings_json(FILE *, const struct findings *);
void		 json_string(FILE *, const char *);
void		 print_escaped(FILE *, const char *);

struct csr;
struct intake;
struct policy;
struct sock_fprog;

/* vetted.c */
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

/* intake.c */
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

#endif
