/* SPDX-License-Identifier: ISC */
/*
 * Inside the token layer: the loaded module (libp11 context and the raw
 * function list of the same library), the selected token and our own R/W
 * session on it, and helpers shared by the files of hsm/.
 */
#ifndef HSM_INT_H
#define HSM_INT_H

#include <stddef.h>

#include <openssl/ui.h>

#include <libp11.h>
#include <p11-kit/pkcs11.h>

#include "hsm/hsm.h"

struct hsm {
	char			*module;	/* path as given */
	PKCS11_CTX		*ctx;		/* libp11 */
	int			 loaded;	/* PKCS11_CTX_load worked */
	PKCS11_SLOT		*slots;		/* libp11's slot list */
	unsigned int		 nslots;
	void			*dl;		/* our reference to the module */
	CK_FUNCTION_LIST_PTR	 f;		/* raw calls on the same module */

	int			 selected;
	struct hsm_token_info	 tok;		/* the selected token */
	PKCS11_SLOT		*slot;		/* libp11's view of it */
	CK_SESSION_HANDLE	 session;	/* our own R/W session */
	int			 logged_in;	/* by hsm_login() */

	hsm_pin_cb		 pin_cb;	/* context-specific login */
	void			*pin_arg;
	UI_METHOD		*ui;
};

/* attr.c */
int	 hsm_need_token(struct hsm *);
void	 hsm_rv_err(struct hsm *, CK_RV, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 hsm_attr_get(struct hsm *, CK_OBJECT_HANDLE, CK_ATTRIBUTE_TYPE,
	    unsigned char **, size_t *);
int	 hsm_attr_bool(struct hsm *, CK_OBJECT_HANDLE, CK_ATTRIBUTE_TYPE,
	    int *);
int	 hsm_attr_ulong(struct hsm *, CK_OBJECT_HANDLE, CK_ATTRIBUTE_TYPE,
	    CK_ULONG *);
int	 hsm_find(struct hsm *, CK_ATTRIBUTE *, CK_ULONG,
	    CK_OBJECT_HANDLE **, size_t *);
int	 hsm_destroy(struct hsm *, CK_OBJECT_HANDLE);

/* keys.c */
int	 hsm_priv_attrs(struct hsm *, CK_OBJECT_HANDLE, struct hsm_key_attrs *);

/* keyspec.c */
int	 hsm_keyspec_curve(int, struct hsm_keyspec *);

/* login.c */
int	 hsm_pin_len_check(const struct hsm_token_info *, const char *,
	    const struct secret *);

/* pubkey.c */
int	 hsm_pubkey_read(struct hsm *, CK_OBJECT_HANDLE, CK_KEY_TYPE,
	    EVP_PKEY **);
int	 hsm_ec_params_nid(const unsigned char *, size_t, int *);
int	 hsm_ec_params_der(int, unsigned char **, size_t *);

/* slots.c */
int	 hsm_token_info_read(struct hsm *, CK_SLOT_ID,
	    struct hsm_token_info *);

/* sign.c */
int	 hsm_ui_setup(struct hsm *);

#endif
