/* SPDX-License-Identifier: ISC */
/*
 * Policy profiles (ceremony/policy/policy.c, policy_parse.c, policy_key.c): the
 * input is a policy file, read as csr check and sign read theirs (every
 * value parsed, the whole checked for coherence).
 */
#include <stdlib.h>

#include "ceremony/policy/policy.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy	*p = NULL;

	if (policy_load(fuzz_file("templates/policy-fuzz.cnf", data, size),
	    &p) == 0)
		policy_free(p);
	err_clear();
	return 0;
}
