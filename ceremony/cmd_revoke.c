/* SPDX-License-Identifier: ISC */
/*
 * ceremony revoke: a certificate revoked with an RFC 5280 reason, or its
 * certificateHold lifted.  (Being written.)
 */
#include "ceremony/ceremony.h"

int
cmd_revoke(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	err_set("revoke is not finished yet");
	return 1;
}
