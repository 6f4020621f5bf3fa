/* SPDX-License-Identifier: ISC */
/*
 * Root rollover (docs/rollover.md): prepare a new key and root with link
 * certificates, its status, the switch, the cancel, the export.
 */
#ifndef CEREMONY_ROLLOVER_H
#define CEREMONY_ROLLOVER_H

#include "ceremony/ceremony.h"

struct db_gen;

/* rollover.c */
/* A root rollover (docs/rollover.md). */
struct rollover_req {
	const char	*label;		/* NULL: the old key's, -genN */
	const char	*type;		/* NULL: the old key's type */
	time_t		 start;		/* 0: when the current root ends */
	int		 start_now;
	int		 manual;	/* switch only by rollover switch */
};
struct rollover_result {
	int		 gen, oldgen;
	struct db_gen	 state;
	X509		*root, *newwithold, *oldwithnew;	/* last: NULL
							   when no overlap */
	char		 fingerprint[96];
};
struct rollover_cancel {
	int		 gen;
	struct db_gen	 state;
	size_t		 used;		/* certificates it had signed */
	char		 key[64];	/* destroyed on the token */
	char		 note[512];
};
int		 rollover_start_parse(const char *, struct rollover_req *);
int		 rollover_prepare(struct session *, const struct tmpl *,
		    const struct rollover_req *, struct findings *,
		    struct rollover_result *);
void		 rollover_result_clear(struct rollover_result *);
int		 rollover_switch(struct session *, time_t, struct db_gen *);
int		 rollover_switch_due(struct session *, time_t);
int		 rollover_cancel(struct session *, int force,
		    struct rollover_cancel *);

/* rollover_status.c */
struct rollover_gen_info {
	struct db_gen	 g;		/* state at the time asked */
	X509		*cert;
	X509		*newwithold, *oldwithnew;	/* NULL: none */
	time_t		 not_before, not_after;
	char		 fingerprint[96];
};
struct rollover_status {
	struct rollover_gen_info *v;	/* v[i] is generation i + 1 */
	size_t		 n;
	int		 active, pending;	/* generations, 0 none */
	time_t		 now, active_end, overlap_from;
	long		 overlap_days;
	int		 overlap_begun;
	int		 warn;		/* overlap begun, nothing prepared */
};
int		 rollover_status_read(struct db *, time_t, long overlap_days,
		    struct rollover_status *);
void		 rollover_status_free(struct rollover_status *);
const struct rollover_gen_info *rollover_gen_find(const struct rollover_status *,
		    int generation);
const char	*rollover_gen_text(const struct db_gen *);
#define ROLLOVER_STATE_MAX	256
void		 rollover_state_text(const struct rollover_status *, char *,
		    size_t);

/* rollover_run.c */
int		 rollover_audit(struct session *, const char *, const char *,
		    const struct tmpl *, X509 *const *, size_t, int);
int		 rollover_prepare_run(struct session *, const struct tmpl *,
		    const struct rollover_req *, struct findings *,
		    struct rollover_result *);
int		 rollover_switch_run(struct session *, time_t, struct db_gen *);
int		 rollover_cancel_run(struct session *, int,
		    struct rollover_cancel *);
int		 rollover_export_run(struct session *, const char *, int *);

#endif
