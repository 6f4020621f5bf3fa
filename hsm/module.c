/* SPDX-License-Identifier: ISC */
/*
 * Loading and unloading one PKCS#11 module.  libp11 loads it (and calls
 * C_Initialize and, at the end, C_Finalize); we hold a second reference
 * to the same library with dlopen for the raw calls libp11 lacks, and
 * never call C_Finalize ourselves.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ui.h>

#include <libp11.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

/* Where distributions install SoftHSM2, most likely first. */
static const char *const softhsm_paths[] = {
	"/usr/lib/softhsm/libsofthsm2.so",
#ifdef __x86_64__
	"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
#endif
#ifdef __aarch64__
	"/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
#endif
	"/usr/lib64/softhsm/libsofthsm2.so",
	"/usr/lib64/pkcs11/libsofthsm2.so",
	"/usr/lib/pkcs11/libsofthsm2.so",
	"/usr/local/lib/softhsm/libsofthsm2.so",
	"/usr/local/lib/softhsm2/libsofthsm2.so",
	"/opt/homebrew/lib/softhsm/libsofthsm2.so",
};

/* Any other multiarch directory: /usr/lib/<triplet>/softhsm/. */
static const char *const multiarch[] = {
	"x86_64-linux-gnu", "aarch64-linux-gnu", "arm-linux-gnueabihf",
	"i386-linux-gnu", "riscv64-linux-gnu", "powerpc64le-linux-gnu",
	"s390x-linux-gnu",
};

/* The installed SoftHSM2 module, or NULL when there is none. */
const char *
hsm_default_module(void)
{
	static char	path[256];
	size_t		i;

	for (i = 0; i < sizeof(softhsm_paths) / sizeof(softhsm_paths[0]); i++)
		if (access(softhsm_paths[i], R_OK) == 0)
			return softhsm_paths[i];
	for (i = 0; i < sizeof(multiarch) / sizeof(multiarch[0]); i++) {
		snprintf(path, sizeof(path),
		    "/usr/lib/%s/softhsm/libsofthsm2.so", multiarch[i]);
		if (access(path, R_OK) == 0)
			return path;
	}
	return NULL;
}

/*
 * Our own reference to the module, taken first: a path that does not load
 * is reported in the loader's words (libp11 would print them on stderr).
 */
static int
module_probe(struct hsm *h)
{
	const char	*e;

	if ((h->dl = dlopen(h->module, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		err_set("cannot load PKCS#11 module %s: %s; check --module "
		    "or install softhsm2", h->module, e ? e : "dlopen failed");
		return 1;
	}
	if (dlsym(h->dl, "C_GetFunctionList") == NULL) {
		err_set("cannot load PKCS#11 module %s: not a PKCS#11 module "
		    "(no C_GetFunctionList); check --module", h->module);
		return 1;
	}
	return 0;
}

/* The function list of the module libp11 has loaded and initialised. */
static int
module_raw(struct hsm *h)
{
	CK_C_GetFunctionList	 getfl;
	CK_RV			 rv;

	*(void **)&getfl = dlsym(h->dl, "C_GetFunctionList");
	if ((rv = getfl(&h->f)) != CKR_OK || h->f == NULL) {
		err_set("PKCS#11 module %s: C_GetFunctionList: %s",
		    h->module, hsm_rv_text(rv));
		h->f = NULL;
		return 1;
	}
	/* libp11 has initialised it; a second call must say so. */
	if ((rv = h->f->C_Initialize(NULL_PTR)) != CKR_OK &&
	    rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		err_set("PKCS#11 module %s: C_Initialize: %s", h->module,
		    hsm_rv_text(rv));
		return 1;
	}
	return 0;
}

int
hsm_open(const char *module, struct hsm **out)
{
	struct hsm	*h = NULL;
	int		 rc = 0;

	*out = NULL;
	if (module == NULL && (module = hsm_default_module()) == NULL) {
		err_set("no PKCS#11 module given and SoftHSM2 is not "
		    "installed: give --module or install softhsm2");
		goto fail;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->module = strdup(module)) == NULL) {
		err_set("out of memory loading %s", module);
		goto fail;
	}
	if (module_probe(h) != 0)
		goto fail;
	if ((h->ctx = PKCS11_CTX_new()) == NULL) {
		err_ossl("cannot create a libp11 context");
		goto fail;
	}
	if (PKCS11_CTX_load(h->ctx, module) != 0) {
		ERR_clear_error();
		err_set("cannot load PKCS#11 module %s: C_Initialize failed; "
		    "check the module's configuration (SOFTHSM2_CONF for "
		    "SoftHSM2)", module);
		goto fail;
	}
	h->loaded = 1;
	if (module_raw(h) != 0 || hsm_ui_setup(h) != 0)
		goto fail;
	*out = h;
	h = NULL;
	goto out;
fail:
	rc = 1;
out:
	hsm_close(h);
	ERR_clear_error();
	return rc;
}

/* Close our session (logging out first), then libp11, then our dlopen. */
void
hsm_close(struct hsm *h)
{
	if (h == NULL)
		return;
	if (h->selected) {
		if (h->logged_in)
			(void)h->f->C_Logout(h->session);
		(void)h->f->C_CloseSession(h->session);
	}
	if (h->slots != NULL)
		PKCS11_release_all_slots(h->ctx, h->slots, h->nslots);
	if (h->loaded)
		PKCS11_CTX_unload(h->ctx);
	if (h->ctx != NULL)
		PKCS11_CTX_free(h->ctx);
	if (h->dl != NULL)
		dlclose(h->dl);
	if (h->ui != NULL)
		UI_destroy_method(h->ui);
	free(h->module);
	free(h);
	ERR_clear_error();
}

void
hsm_set_pin_cb(struct hsm *h, hsm_pin_cb cb, void *arg)
{
	h->pin_cb = cb;
	h->pin_arg = arg;
}
