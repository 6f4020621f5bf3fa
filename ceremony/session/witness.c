/* SPDX-License-Identifier: ISC */
/*
 * The witnesses of a session: named before the login (--witness NAME,
 * repeated; the TUI's token screen), recorded in its session.open record
 * and so in its transcript.  One rule for a name in both front ends: it
 * is a field of that record, whose list is comma-separated and whose
 * fields are key=value, so no comma, '=', tab, newline or backslash.
 * Once the session is open its list is recorded and does not change.
 */
#include <string.h>

#include "ceremony/session/session.h"

#define WITNESS_NAME_MAX	64	/* bytes; the record holds eight */

/* A person's name for the audit log (a witness, the operator). */
int
session_person_check(const char *name)
{
	if (*name == '\0' || strpbrk(name, "\t\n\r\\,=") != NULL) {
		err_set("give a plain name (no tab, newline, backslash, comma "
		    "or '=')");
		return 1;
	}
	if (strlen(name) > WITNESS_NAME_MAX) {
		err_set("a name of at most %d bytes", WITNESS_NAME_MAX);
		return 1;
	}
	return 0;
}

/* Whether the list may change: not once the session.open recorded it. */
static int
witness_open_check(const struct session *s)
{
	if (s->audit_session == 0)
		return 0;
	err_set("the witnesses were recorded when this session opened at "
	    "login: log out, change them, and log in again");
	return 1;
}

/* One more witness; name is the caller's and must outlive the session. */
int
session_witness_add(struct session *s, const char *name)
{
	size_t	i, max = sizeof(s->witness) / sizeof(s->witness[0]);

	if (witness_open_check(s) != 0 || session_person_check(name) != 0)
		return 1;
	for (i = 0; i < s->nwitness; i++)
		if (strcmp(s->witness[i], name) == 0) {
			err_set("%s is named as a witness already", name);
			return 1;
		}
	if (s->nwitness == max) {
		err_set("at most %zu witnesses", max);
		return 1;
	}
	s->witness[s->nwitness++] = name;
	return 0;
}

/* Witness i (from 0) struck off before the session records it; *name is
 * what was removed, for the caller to free if it was its own copy. */
int
session_witness_remove(struct session *s, size_t i, const char **name)
{
	*name = NULL;
	if (witness_open_check(s) != 0)
		return 1;
	if (i >= s->nwitness) {
		err_set("there is no witness %zu: give a number from 1 to %zu",
		    i + 1, s->nwitness);
		return 1;
	}
	*name = s->witness[i];
	memmove(&s->witness[i], &s->witness[i + 1], (s->nwitness - i - 1) *
	    sizeof(s->witness[0]));
	s->witness[--s->nwitness] = NULL;
	return 0;
}
