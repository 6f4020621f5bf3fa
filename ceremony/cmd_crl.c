/* SPDX-License-Identifier: ISC */
/*
 * ceremony crl issue, crl status, crl session: the CRL commands.
 */
#include <stdio.h>

#include "ceremony/ceremony.h"

int
cmd_crl_issue(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "ceremony: crl issue: not yet\n");
	return 1;
}

int
cmd_crl_status(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "ceremony: crl status: not yet\n");
	return 1;
}

int
cmd_crl_session(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "ceremony: crl session: not yet\n");
	return 1;
}
