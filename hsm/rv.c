/* SPDX-License-Identifier: ISC */
/*
 * PKCS#11 return values in words, for messages an operator can act on:
 * "PIN incorrect", not "error 0xa0".  The one place that maps CK_RV, and
 * the token's flags on the user PIN's tries.
 */
#include <stdio.h>

#include <p11-kit/pkcs11.h>

#include "hsm/hsm.h"

struct rv_word {
	CK_RV		 rv;
	const char	*text;
};

static const struct rv_word rv_words[] = {
	{ CKR_OK, "no error" },
	{ CKR_CANCEL, "cancelled" },
	{ CKR_HOST_MEMORY, "the module ran out of memory" },
	{ CKR_SLOT_ID_INVALID, "no such slot" },
	{ CKR_GENERAL_ERROR, "general error in the module" },
	{ CKR_FUNCTION_FAILED, "the function failed" },
	{ CKR_ARGUMENTS_BAD, "bad arguments (this is a bug)" },
	{ CKR_CANT_LOCK, "the module cannot lock" },
	{ CKR_ATTRIBUTE_READ_ONLY, "attribute is read-only" },
	{ CKR_ATTRIBUTE_SENSITIVE, "attribute is sensitive" },
	{ CKR_ATTRIBUTE_TYPE_INVALID, "attribute type not supported" },
	{ CKR_ATTRIBUTE_VALUE_INVALID, "attribute value not accepted" },
	{ CKR_ACTION_PROHIBITED, "action prohibited" },
	{ CKR_DATA_INVALID, "data invalid" },
	{ CKR_DATA_LEN_RANGE, "data length out of range" },
	{ CKR_DEVICE_ERROR, "device error" },
	{ CKR_DEVICE_MEMORY, "the token is out of memory" },
	{ CKR_DEVICE_REMOVED, "the token was removed" },
	{ CKR_FUNCTION_CANCELED, "cancelled" },
	{ CKR_FUNCTION_NOT_SUPPORTED, "function not supported by the module" },
	{ CKR_KEY_HANDLE_INVALID, "key handle invalid" },
	{ CKR_KEY_SIZE_RANGE, "key size not supported" },
	{ CKR_KEY_TYPE_INCONSISTENT, "key type does not fit the mechanism" },
	{ CKR_KEY_FUNCTION_NOT_PERMITTED, "the key may not be used for that" },
	{ CKR_KEY_UNEXTRACTABLE, "the key is not extractable" },
	{ CKR_MECHANISM_INVALID, "mechanism not supported by the token" },
	{ CKR_MECHANISM_PARAM_INVALID, "mechanism parameter invalid" },
	{ CKR_OBJECT_HANDLE_INVALID, "object handle invalid" },
	{ CKR_OPERATION_ACTIVE, "another operation is active" },
	{ CKR_OPERATION_NOT_INITIALIZED, "operation not initialised" },
	{ CKR_PIN_INCORRECT, "PIN incorrect" },
	{ CKR_PIN_INVALID, "PIN has invalid characters" },
	{ CKR_PIN_LEN_RANGE, "PIN too short or too long" },
	{ CKR_PIN_EXPIRED, "PIN expired: change it first" },
	{ CKR_PIN_LOCKED, "PIN locked" },
	{ CKR_SESSION_CLOSED, "session closed" },
	{ CKR_SESSION_COUNT, "too many sessions open" },
	{ CKR_SESSION_HANDLE_INVALID, "session handle invalid" },
	{ CKR_SESSION_READ_ONLY, "session is read-only" },
	{ CKR_SESSION_EXISTS, "a session is open" },
	{ CKR_SESSION_READ_ONLY_EXISTS, "a read-only session is open" },
	{ CKR_SESSION_READ_WRITE_SO_EXISTS, "the security officer is logged in" },
	{ CKR_SIGNATURE_INVALID, "signature invalid" },
	{ CKR_SIGNATURE_LEN_RANGE, "signature length out of range" },
	{ CKR_TEMPLATE_INCOMPLETE, "template incomplete" },
	{ CKR_TEMPLATE_INCONSISTENT, "template inconsistent" },
	{ CKR_TOKEN_NOT_PRESENT, "no token in the slot" },
	{ CKR_TOKEN_NOT_RECOGNIZED, "token not recognised" },
	{ CKR_TOKEN_WRITE_PROTECTED, "token is write-protected" },
	{ CKR_USER_ALREADY_LOGGED_IN, "already logged in" },
	{ CKR_USER_NOT_LOGGED_IN, "not logged in" },
	{ CKR_USER_PIN_NOT_INITIALIZED, "user PIN not initialised" },
	{ CKR_USER_TYPE_INVALID, "user type invalid" },
	{ CKR_USER_ANOTHER_ALREADY_LOGGED_IN, "another user is logged in" },
	{ CKR_USER_TOO_MANY_TYPES, "too many users logged in" },
	{ CKR_RANDOM_NO_RNG, "the token has no random number generator" },
	{ CKR_DOMAIN_PARAMS_INVALID, "curve or domain parameters not supported" },
	{ CKR_CURVE_NOT_SUPPORTED, "curve not supported" },
	{ CKR_BUFFER_TOO_SMALL, "buffer too small" },
	{ CKR_CRYPTOKI_NOT_INITIALIZED, "module not initialised" },
	{ CKR_CRYPTOKI_ALREADY_INITIALIZED, "module already initialised" },
	{ CKR_PIN_TOO_WEAK, "PIN too weak" },
	{ CKR_PUBLIC_KEY_INVALID, "public key invalid" },
	{ CKR_FUNCTION_REJECTED, "function rejected" },
};

/* The words for a CK_RV; unknown values as "CKR 0x...". */
const char *
hsm_rv_text(unsigned long rv)
{
	static char	other[48];
	size_t		i;

	for (i = 0; i < sizeof(rv_words) / sizeof(rv_words[0]); i++)
		if (rv_words[i].rv == rv)
			return rv_words[i].text;
	if (rv & CKR_VENDOR_DEFINED)
		snprintf(other, sizeof(other), "vendor error 0x%lx", rv);
	else
		snprintf(other, sizeof(other), "PKCS#11 error 0x%lx", rv);
	return other;
}

/*
 * What the token's flags say about the user PIN's tries (after a wrong
 * PIN), or NULL when they say nothing: not every token keeps count, and
 * none tells the number itself.
 */
const char *
hsm_pin_tries_text(const struct hsm_token_info *t)
{
	if (t->user_pin_locked)
		return "the PIN is now locked: the security officer must "
		    "unlock it (C_InitPIN)";
	if (t->user_pin_final_try)
		return "final try before the PIN locks";
	if (t->user_pin_count_low)
		return "tries are running low";
	return NULL;
}
