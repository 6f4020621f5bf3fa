/* SPDX-License-Identifier: ISC */
/*
 * Ceremony scripts (docs/scripts.md): the steps of a ceremony written down
 * before it, in OpenSSL config syntax; checked completely without a token
 * (script check), then run one confirmed step at a time by the command
 * line (script run) or the TUI, each step through the same core function
 * its own command calls, each result recorded in the audit log and in the
 * script's state file so that a stopped script resumes where it stopped.
 */
#ifndef SCRIPT_H
#define SCRIPT_H

#include "ceremony/ceremony.h"
#include "ceremony/session/session.h"

#define SCRIPT_MAX_BYTES	(64 * 1024)
#define SCRIPT_STEPS_MAX	64
#define SCRIPT_WITNESS_MAX	8

enum script_action {
	SA_KEY_GENERATE = 1, SA_ROOT_CREATE, SA_SIGN, SA_REVOKE, SA_CRL_ISSUE,
	SA_EXPORT_PUBLISH, SA_ROLLOVER_PREPARE, SA_ROLLOVER_SWITCH,
	SA_ROLLOVER_EXPORT, SA_DB_VERIFY, SA_QUORUM_SPLIT, SA_QUORUM_RESHARE
};

/* One step: its section's values, by name; NULL when not given. */
struct script_step {
	char			*name;		/* its [section] */
	char			*title;		/* what the officers read */
	enum script_action	 action;
	const char		*action_name;	/* "root create" */
	int			 incomplete;	/* a value it needs is missing */
	char			*label, *type, *tmpl, *key, *csr, *days;
	char			*clamp, *serial, *reason, *invalidity;
	char			*dir, *start, *manual, *generation;
	char			*m, *n, *custodians, *out, *fresh;
};

struct script {
	char			*path;
	unsigned char		*raw;		/* the file's bytes */
	size_t			 rawlen;
	char			 sha256[65];	/* of raw: the script's id */
	char			*title;
	char			*operator;	/* NULL: anyone */
	char			*witness[SCRIPT_WITNESS_MAX];
	size_t			 nwitness;
	struct script_step	 v[SCRIPT_STEPS_MAX];
	size_t			 n;
};

/* Where a step of a run stands (the state file, HOME/scripts/). */
enum script_state { SS_PENDING = 0, SS_STARTED, SS_DONE, SS_FAILED };
struct script_progress {
	enum script_state	 state[SCRIPT_STEPS_MAX];
	char			 when[SCRIPT_STEPS_MAX][UTC_TEXT_MAX];
	char			 detail[SCRIPT_STEPS_MAX][256];
	size_t			 next;		/* first step not done */
};

/* What a step did, for the officers' eyes: a few lines. */
#define SCRIPT_OUT_LINES	6
struct script_out {
	char	line[SCRIPT_OUT_LINES][320];
	size_t	n;
	struct findings f;	/* a policy's or lint's, when it refused */
};

/* script_parse.c */
int		 script_load(const char *path, struct script **,
		    struct findings *);
void		 script_free(struct script *);
int		 script_flag(const char *);
int		 script_needs_token(const struct script_step *);
int		 script_quorum_req(const struct script_step *, struct quorum_req *,
		    char **names);

/* script_check.c */
void		 script_check(const struct script *, struct db *, size_t from,
		    struct findings *);

/* script_state.c */
int		 script_progress_read(struct db *, const struct script *,
		    struct script_progress *);
int		 script_progress_set(struct db *, const struct script *,
		    struct script_progress *, size_t, enum script_state,
		    const char *);
const char	*script_state_name(enum script_state);

/* script_run.c */
const char	*script_witness_missing(const struct session *,
		    const struct script *);
int		 script_begin(struct session *, const struct script *,
		    struct script_progress *, int retry, const char *how);
int		 script_step_run(struct session *, const struct script *,
		    struct script_progress *, size_t, struct script_out *);
void		 script_out_clear(struct script_out *);

#endif
