/* SPDX-License-Identifier: ISC */
/*
 * A token fault a real token will not produce on demand: a PKCS#11 module
 * that passes every call to the real one (P11_FAULT_MODULE) except those
 * named in P11_FAULT_FAIL (a comma list: C_SetAttributeValue,
 * C_DestroyObject), which return CKR_DEVICE_ERROR without reaching it.
 * tests/keygen_cleanup.t loads it as the data directory's module.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST	 wrapped;

static int
failing(const char *name)
{
	const char	*l = getenv("P11_FAULT_FAIL"), *p;
	size_t		 n = strlen(name);

	for (p = l; p != NULL && (p = strstr(p, name)) != NULL; p += n)
		if ((p == l || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

static CK_RV
fault_set_attr(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t,
    CK_ULONG n)
{
	(void)s; (void)o; (void)t; (void)n;
	return CKR_DEVICE_ERROR;
}

static CK_RV
fault_destroy(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o)
{
	(void)s; (void)o;
	return CKR_DEVICE_ERROR;
}

CK_RV
C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out)
{
	CK_RV		(*get)(CK_FUNCTION_LIST_PTR_PTR);
	CK_FUNCTION_LIST_PTR real;
	const char	*path = getenv("P11_FAULT_MODULE");
	void		*lib;
	CK_RV		 rv;

	if (path == NULL || (lib = dlopen(path, RTLD_NOW)) == NULL ||
	    (get = (CK_RV (*)(CK_FUNCTION_LIST_PTR_PTR))dlsym(lib,
	    "C_GetFunctionList")) == NULL)
		return CKR_GENERAL_ERROR;
	if ((rv = get(&real)) != CKR_OK)
		return rv;
	wrapped = *real;
	if (failing("C_SetAttributeValue"))
		wrapped.C_SetAttributeValue = fault_set_attr;
	if (failing("C_DestroyObject"))
		wrapped.C_DestroyObject = fault_destroy;
	*out = &wrapped;
	return CKR_OK;
}
