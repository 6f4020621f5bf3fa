/* SPDX-License-Identifier: ISC */
/*
 * Certificate requests and the policy engine: reading a PKCS#10 request,
 * checking its proof of possession, and checking it against a policy
 * profile, reporting every finding.  Nothing here touches the token or
 * the database.  Included by ceremony.h.
 */
#ifndef POLICY_H
#define POLICY_H

#endif
