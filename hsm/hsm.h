/* SPDX-License-Identifier: ISC */
/*
 * The token layer: one PKCS#11 module loaded through libp11, with raw
 * PKCS#11 calls on the same module where libp11 lacks one (EC key
 * generation, attribute read-back, C_GenerateRandom with exact errors,
 * C_Login with the token's own return value).
 *
 * Nothing here prints, prompts or touches the database.  Every function
 * returns 0 on success and non-zero on failure, with err_get() saying what
 * failed and what to do next.  PINs come in as struct secret and are wiped
 * by the caller; the layer wipes its own copies right after C_Login.
 */
#ifndef HSM_H
#define HSM_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct secret;
struct hsm;			/* a loaded module, maybe a selected token */

/* What C_GetTokenInfo says about one slot. */
struct hsm_token_info {
	unsigned long	slot_id;
	int		present;		/* a token is in the slot */
	char		label[33];		/* trailing blanks removed */
	char		serial[17];
	char		manufacturer[33];
	char		model[17];
	int		initialized;		/* CKF_TOKEN_INITIALIZED */
	int		login_required;
	int		user_pin_initialized;
	int		user_pin_count_low;
	int		user_pin_final_try;
	int		user_pin_locked;
	int		so_pin_count_low;
	int		so_pin_final_try;
	int		so_pin_locked;
	int		has_rng;
	unsigned long	min_pin_len;		/* ulMinPinLen, ulMaxPinLen */
	unsigned long	max_pin_len;
	/* ulMaxSessionCount and ulSessionCount as the token says them:
	 * 0 is "effectively infinite", ~0UL "unavailable information". */
	unsigned long	max_sessions;
	unsigned long	sessions;
};

enum hsm_keykind { HSM_KEY_RSA = 1, HSM_KEY_EC };

/* A key type as the operator names it: "rsa:4096", "ec:P-384". */
struct hsm_keyspec {
	enum hsm_keykind kind;
	int		 bits;		/* RSA modulus bits, EC field bits */
	int		 nid;		/* EC curve NID, 0 for RSA */
	char		 name[16];	/* canonical: "rsa:4096", "ec:P-384" */
};

/* A key pair on the selected token. */
struct hsm_key {
	char		*label;
	unsigned char	 id[64];	/* CKA_ID: SHA-1 of the public key */
	size_t		 id_len;
	unsigned long	 priv;		/* object handles */
	unsigned long	 pub;		/* 0 when the token has no public object */
	struct hsm_keyspec spec;
	EVP_PKEY	*pubkey;	/* software copy, for verifying */
};

/* CKA_* booleans of a private key, read back from the token. */
struct hsm_key_attrs {
	int	token, private_, sensitive, extractable;
	int	always_sensitive, never_extractable;
	int	sign, decrypt, unwrap, derive;
	int	always_authenticate;
};

/*
 * Asked for the user PIN again when a key demands a context-specific login
 * (CKA_ALWAYS_AUTHENTICATE).  Returns a secret the layer frees.
 */
typedef int (*hsm_pin_cb)(void *arg, struct secret **pin);

/* module.c */
const char	*hsm_default_module(void);
int		 hsm_open(const char *module, struct hsm **);
void		 hsm_close(struct hsm *);
void		 hsm_set_pin_cb(struct hsm *, hsm_pin_cb, void *);

/* slots.c */
int		 hsm_tokens(struct hsm *, struct hsm_token_info **, size_t *);
int		 hsm_token_select(struct hsm *, const char *label);
const struct hsm_token_info *hsm_token(const struct hsm *);
int		 hsm_token_init(struct hsm *, const char *label,
		    const struct secret *so_pin, const struct secret *user_pin);

/* login.c */
int		 hsm_login(struct hsm *, const struct secret *pin);
int		 hsm_logout(struct hsm *);
int		 hsm_random(struct hsm *, unsigned char *, size_t);
int		 hsm_set_pin(struct hsm *, const struct secret *old,
		    const struct secret *pin);

/* keyspec.c */
int		 hsm_keyspec_parse(const char *, struct hsm_keyspec *);
int		 hsm_keyspec_of(EVP_PKEY *, struct hsm_keyspec *);
const struct hsm_keyspec *hsm_keyspec_nth(size_t);

/* mech.c */
int		 hsm_keyspec_supported(struct hsm *, const struct hsm_keyspec *);

/* keygen.c */
int		 hsm_key_generate(struct hsm *, const struct hsm_keyspec *,
		    const char *label, struct hsm_key **);
/* The same with flags; HSM_KEYGEN_ALWAYS_AUTH asks for the PIN before
 * every use of the key (CKA_ALWAYS_AUTHENTICATE), through hsm_pin_cb. */
#define HSM_KEYGEN_ALWAYS_AUTH	0x01
int		 hsm_key_generate_ex(struct hsm *, const struct hsm_keyspec *,
		    const char *label, int flags, struct hsm_key **);

/* destroy.c */
int		 hsm_key_destroy(struct hsm *, const struct hsm_key *);

/* keys.c */
int		 hsm_key_find(struct hsm *, const char *ref, struct hsm_key **);
int		 hsm_key_find_pubkey(struct hsm *, EVP_PKEY *, struct hsm_key **);
int		 hsm_keys(struct hsm *, struct hsm_key ***, size_t *);
void		 hsm_key_free(struct hsm_key *);
void		 hsm_keys_free(struct hsm_key **, size_t);
int		 hsm_key_attrs(struct hsm *, const struct hsm_key *,
		    struct hsm_key_attrs *);
int		 hsm_pubkey_id(EVP_PKEY *, unsigned char *, size_t *);

/* uri.c */
struct hsm_uri {
	char		*token;		/* token= */
	char		*object;	/* object= (CKA_LABEL) */
	unsigned char	 id[64];	/* id= */
	size_t		 id_len;
	char		*type;		/* type= */
	char		*serial;	/* serial= */
	char		*manufacturer;	/* manufacturer= (checked if given) */
	char		*model;		/* model= (checked if given) */
};
int		 hsm_uri_parse(const char *, struct hsm_uri *);
void		 hsm_uri_clear(struct hsm_uri *);
char		*hsm_key_uri(const char *token, const struct hsm_key *);

/* sign.c */
int		 hsm_key_signer(struct hsm *, const struct hsm_key *,
		    EVP_PKEY **);

/* sessions.c */
#define HSM_SIGN_SESSIONS_MAX	16	/* libp11 0.4.12's pool of a slot */
int		 hsm_sign_sessions(struct hsm *, const struct hsm_key *,
		    unsigned long want, unsigned long *got, const char **why);

/* cert.c */
int		 hsm_cert_store(struct hsm *, const struct hsm_key *, X509 *);
int		 hsm_cert_exists(struct hsm *, const struct hsm_key *, int *);

/* rv.c */
const char	*hsm_rv_text(unsigned long);
const char	*hsm_pin_tries_text(const struct hsm_token_info *);

#endif
