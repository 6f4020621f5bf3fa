/* SPDX-License-Identifier: ISC */
/*
 * A session in the ceremony room: the data directory and the token opened
 * and closed in one place, the PIN and its quorum of shares, the room
 * checks at login, the audit session and its seals, transcripts.
 */
#ifndef CEREMONY_SESSION_H
#define CEREMONY_SESSION_H

#include "ceremony/ceremony.h"

/* pin.c */
void		 pin_source_init(struct pin_source *, const char *,
		    const char *);
int		 pin_source_set_fd(struct pin_source *, const char *);
int		 pin_source_add_share(struct pin_source *, const char *file,
		    const char *fd);
int		 pin_source_set_shares(struct pin_source *,
		    const struct share *, size_t);
int		 pin_read(struct pin_source *, struct secret **);
void		 pin_source_set_pin(struct pin_source *, struct secret *);
void		 pin_source_clear(struct pin_source *);

/* session.c */
void		 session_init(struct session *);
int		 session_open_db(struct session *);
int		 session_open_db_readonly(struct session *);
int		 session_open_module(struct session *);
int		 session_open_token(struct session *);
int		 session_login(struct session *);
int		 session_login_with(struct session *, struct secret *);
int		 session_login_failed(struct session *, const char *reason);
int		 session_share_refused(struct session *);
int		 session_logout(struct session *);
void		 session_close(struct session *);
int		 session_audit(struct session *, struct audit_entry *);
int		 session_key(struct session *, const struct tmpl *, const char *,
		    struct hsm_key **);

/* witness.c */
int		 session_person_check(const char *);
int		 session_witness_add(struct session *, const char *);
int		 session_witness_remove(struct session *, size_t,
		    const char **);

/* room.c */
/* A network interface that matters in the room: up, or wireless. */
struct room_if {
	char	 name[32];
	int	 up, running;	/* IFF_UP, IFF_RUNNING (carrier) */
	int	 wireless;
	char	 addrs[200];	/* its IPv4 and IPv6 addresses */
};
struct room_report {
	struct room_if	*v;	/* loopback never; down only if wireless */
	size_t		 n;
};
int		 room_scan(struct room_report *);
void		 room_report_free(struct room_report *);
void		 room_text(const struct room_report *, char *, size_t);
void		 room_names(const struct room_report *, int, char *, size_t);

/* seal.c */
/* What ceremony audit verify found. */
struct audit_verdict {
	unsigned long long	 records;	/* in audit.log */
	unsigned long long	 sessions;	/* session.open records */
	size_t			 nseals;
	unsigned long long	 sealed;	/* the last sealed record */
	char			 head[65];	/* hash of the last record */
	long			 bad_record;	/* the first bad one, 0 none */
};
int		 audit_session_open(struct session *);
int		 audit_session_close(struct session *);
int		 audit_verify(struct db *, struct audit_verdict *);

/* quorum.c */
struct quorum_req {
	int		 m, n;
	const char	*custodians[SHARE_N_MAX];
	size_t		 ncustodians;
	int		 fresh;		/* a new random PIN, set on the token */
	const char	*out_dir;	/* NULL: the shares are printed */
};
struct quorum_result {
	char		 qid[2 * SHARE_QID_LEN + 1];
	int		 pin_changed;
	char		*paths[SHARE_N_MAX];	/* the files written */
	char		*texts[SHARE_N_MAX];	/* or the shares to print */
	char		 old_quorum[512];	/* who opened it, if shares */
};
int		 quorum_req_check(const struct quorum_req *);
int		 quorum_source_check(const struct pin_source *, int reshare,
		    int fresh);
int		 quorum_split(struct session *, const struct quorum_req *,
		    struct quorum_result *);
void		 quorum_unwrite(struct quorum_result *);
int		 quorum_audit(struct session *, const char *op,
		    const struct quorum_req *, const struct quorum_result *, int);
void		 quorum_result_clear(struct quorum_result *);

/* room_login.c */
int		 room_login_check(struct session *);
void		 room_clock_confirm(struct room_clock *, time_t shown,
		    const char *how);
void		 room_clock_detail(const struct room_clock *, int, char *,
		    size_t);
int		 room_refusal(const struct db_config *, const char *home,
		    const struct room_report *);

/* transcript.c */
int		 audit_transcript(struct db *, unsigned long long, FILE *);
int		 audit_sessions(struct db *, FILE *);

#endif
