/* SPDX-License-Identifier: ISC */
/*
 * Raw PKCS#11 on our own session of the selected token: reading object
 * attributes, finding objects by template, destroying them, and the
 * error message for a failed call.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

/* Fail unless a token is selected (and so our session is open). */
int
hsm_need_token(struct hsm *h)
{
	if (h == NULL || !h->selected) {
		err_set("no token selected (this is a bug: select one with "
		    "--token first)");
		return 1;
	}
	return 0;
}

/* 'token "L": what: words for rv', with advice for the common cases. */
void
hsm_rv_err(struct hsm *h, CK_RV rv, const char *fmt, ...)
{
	char		 what[256];
	const char	*hint = "";
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (rv == CKR_USER_NOT_LOGGED_IN)
		hint = ": log in first";
	else if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_DEVICE_REMOVED ||
	    rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED)
		hint = ": check the token is connected and run the command "
		    "again";
	else if (rv == CKR_MECHANISM_INVALID || rv == CKR_KEY_SIZE_RANGE ||
	    rv == CKR_CURVE_NOT_SUPPORTED || rv == CKR_DOMAIN_PARAMS_INVALID)
		hint = ": this token cannot do it, choose another key type";
	if (h != NULL && h->selected)
		err_set("token \"%s\": %s: %s%s", h->tok.label, what,
		    hsm_rv_text(rv), hint);
	else
		err_set("%s: %s%s", what, hsm_rv_text(rv), hint);
}

/* One attribute's value, malloc'd (and NUL-terminated for text). */
int
hsm_attr_get(struct hsm *h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type,
    unsigned char **val, size_t *len)
{
	CK_ATTRIBUTE	 a = { type, NULL, 0 };
	CK_RV		 rv;

	*val = NULL;
	*len = 0;
	if ((rv = h->f->C_GetAttributeValue(h->session, obj, &a, 1)) !=
	    CKR_OK) {
		hsm_rv_err(h, rv, "cannot read attribute 0x%lx", type);
		return 1;
	}
	if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
		hsm_rv_err(h, CKR_ATTRIBUTE_TYPE_INVALID,
		    "cannot read attribute 0x%lx", type);
		return 1;
	}
	if ((a.pValue = calloc(1, a.ulValueLen + 1)) == NULL) {
		err_set("out of memory reading a token attribute");
		return 1;
	}
	if ((rv = h->f->C_GetAttributeValue(h->session, obj, &a, 1)) !=
	    CKR_OK) {
		free(a.pValue);
		hsm_rv_err(h, rv, "cannot read attribute 0x%lx", type);
		return 1;
	}
	*val = a.pValue;
	*len = a.ulValueLen;
	return 0;
}

/* A CK_BBOOL attribute; one the object does not have reads as false. */
int
hsm_attr_bool(struct hsm *h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type,
    int *out)
{
	CK_BBOOL	 b = CK_FALSE;
	CK_ATTRIBUTE	 a = { type, &b, sizeof(b) };
	CK_RV		 rv;

	*out = 0;
	rv = h->f->C_GetAttributeValue(h->session, obj, &a, 1);
	if (rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE)
		return 0;
	if (rv != CKR_OK) {
		hsm_rv_err(h, rv, "cannot read attribute 0x%lx", type);
		return 1;
	}
	*out = b == CK_TRUE;
	return 0;
}

int
hsm_attr_ulong(struct hsm *h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type,
    CK_ULONG *out)
{
	CK_ATTRIBUTE	 a = { type, out, sizeof(*out) };
	CK_RV		 rv;

	if ((rv = h->f->C_GetAttributeValue(h->session, obj, &a, 1)) !=
	    CKR_OK) {
		hsm_rv_err(h, rv, "cannot read attribute 0x%lx", type);
		return 1;
	}
	return 0;
}

/* All objects matching the template, as a malloc'd array of handles. */
int
hsm_find(struct hsm *h, CK_ATTRIBUTE *tmpl, CK_ULONG n,
    CK_OBJECT_HANDLE **objs, size_t *nobjs)
{
	CK_OBJECT_HANDLE	*v = NULL, *nv, batch[32];
	CK_ULONG		 got, i;
	size_t			 len = 0;
	CK_RV			 rv;
	int			 rc = 0, active = 0;

	*objs = NULL;
	*nobjs = 0;
	if ((rv = h->f->C_FindObjectsInit(h->session, tmpl, n)) != CKR_OK) {
		hsm_rv_err(h, rv, "cannot search the token");
		goto fail;
	}
	active = 1;
	for (;;) {
		if ((rv = h->f->C_FindObjects(h->session, batch, 32, &got)) !=
		    CKR_OK) {
			hsm_rv_err(h, rv, "cannot search the token");
			goto fail;
		}
		if (got == 0)
			break;
		if ((nv = reallocarray(v, len + got, sizeof(*v))) == NULL) {
			err_set("out of memory searching the token");
			goto fail;
		}
		v = nv;
		for (i = 0; i < got; i++)
			v[len++] = batch[i];
	}
	*objs = v;
	*nobjs = len;
	v = NULL;
	goto out;
fail:
	rc = 1;
out:
	if (active)
		(void)h->f->C_FindObjectsFinal(h->session);
	free(v);
	return rc;
}

int
hsm_destroy(struct hsm *h, CK_OBJECT_HANDLE obj)
{
	CK_RV	rv;

	if ((rv = h->f->C_DestroyObject(h->session, obj)) != CKR_OK) {
		hsm_rv_err(h, rv, "cannot destroy object %lu", obj);
		return 1;
	}
	return 0;
}
