/* SPDX-License-Identifier: ISC */
/*
 * ceremony csr show / csr check (placeholder until the policy engine
 * lands; both refuse to run).
 */
#include "ceremony/ceremony.h"

int
cmd_csr_show(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	err_set("csr show is not available in this build");
	return cmd_fail(NULL);
}

int
cmd_csr_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	err_set("csr check is not available in this build");
	return cmd_fail(NULL);
}
