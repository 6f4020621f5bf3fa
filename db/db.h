/* SPDX-License-Identifier: ISC */
/*
 * The flat-file CA database: a data directory a person can read with less
 * and grep.  Layout and formats are in docs/database.md.
 *
 *   ceremony.cnf     settings (module, token, CA name), OpenSSL config syntax
 *   index.txt        append-only: one line per state of a certificate;
 *                    the last line of a serial is its current state
 *   certs/SERIAL.pem every issued certificate
 *   ca/gen-N.pem     the CA certificate of generation N
 *   crls/ requests/ p12/ export/
 *   audit.log        hash-chained record of every operation
 *   .lock            held (flock) by the one process using the directory
 *
 * Every write is atomic: a temporary file, fsync, rename, fsync of the
 * directory; index and audit appends are one write plus fsync, cut back
 * to the old length when they fail.  Nothing here calls PKCS#11 or curses.
 */
#ifndef DB_H
#define DB_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <openssl/x509.h>

#include "db/hashtab.h"

#define DB_SERIAL_MAX	41	/* 20 octets as hex, and a NUL */
#define DB_PROFILE_MAX	64

struct db;

/* [room] of ceremony.cnf: the room checks at login (docs/assurance.md). */
enum db_room_network { DB_NETWORK_WARN = 0, DB_NETWORK_REFUSE };
enum db_room_clock { DB_CLOCK_OFF = 0, DB_CLOCK_CONFIRM };

struct db_config {
	char	*module;	/* PKCS#11 module path */
	char	*token;		/* token label */
	char	*ca_name;	/* shown to the operator */
	int	 network;	/* enum db_room_network */
	int	 clock;		/* enum db_room_clock */
	const struct db_file *files;	/* db_create: also these, read-only */
	size_t	 nfiles;
};
/* A file a new data directory starts with: DIR/NAME (the templates). */
struct db_file {
	const char		*dir;		/* "templates" */
	const char		*name;		/* "root-ca.cnf" */
	const unsigned char	*data;
	size_t			 len;
};

enum db_status {
	DB_RESERVED = 'P',	/* serial taken, the token has not signed yet */
	DB_VALID = 'V',
	DB_REVOKED = 'R',
	DB_VOID = 'X'		/* reserved, never issued: burned for good */
};

struct db_record {
	char	 status;			/* enum db_status */
	char	 serial[DB_SERIAL_MAX];		/* upper-case hex */
	time_t	 not_after;
	time_t	 revoked_at;			/* 0 unless revoked */
	int	 reason;			/* CRL reason code, -1 none */
	time_t	 invalidity;			/* RFC 5280 invalidityDate, 0 none */
	int	 generation;			/* issuer generation, 1.. */
	char	 profile[DB_PROFILE_MAX];	/* template name */
	char	*subject;			/* RFC 2253, owned */
};

/* One hashed item of an audit record: a role and the bytes it stands for. */
struct audit_item {
	const char	*role;		/* "template", "cert", "csr", ... */
	const void	*data;
	size_t		 len;
	const char	*sha256;	/* or its hash, when already known */
};

#define AUDIT_ITEMS_MAX	8

struct audit_entry {
	const char		*operator;
	const char		*op;		/* "root.create", "key.generate" */
	int			 ok;
	const char		*detail;	/* one line, may be NULL */
	struct audit_item	 in[AUDIT_ITEMS_MAX];
	size_t			 nin;
	struct audit_item	 out[AUDIT_ITEMS_MAX];
	size_t			 nout;
};

/* create.c */
int		 db_create(const char *home, const struct db_config *);
int		 rmtree(const char *);

/* open.c */
#define DB_OPEN_NOINDEX	0x1	/* leave the index on disk: db_index_find */
#define DB_OPEN_READONLY 0x2	/* change no file: no repair, no settling */
#define DB_OPEN_NOCERTS	0x4	/* writes no certificate: leave certs/ unswept */
int		 db_open(const char *home, struct db **);
int		 db_open_flags(const char *home, int flags, struct db **);
void		 db_close(struct db *);
const struct db_config *db_config(const struct db *);
const char	*db_home(const struct db *);
char		*db_path(const struct db *, const char *name);

/* intent.c */
int		 db_intent_settle(struct db *, int announce);

/* config.c */
int		 db_config_load(const char *path, struct db_config *);
int		 db_config_write(const char *path, const struct db_config *);
void		 db_config_clear(struct db_config *);
int		 db_room_set(struct db_config *, const char *key, const char *);
const char	*db_room_network_name(int);
const char	*db_room_clock_name(int);

/* space.c */
#define DB_SPACE_MIN	(1024 * 1024)	/* before a signing operation */
int		 db_space_check(const struct db *, size_t);

/* atomic.c */
int		 atomic_write(const char *path, const void *, size_t, mode_t,
		    int excl);
int		 fsync_dir(const char *dir);
int		 atomic_link(const char *from, const char *path, int *linked);
int		 append_durable(int fd, const void *, size_t);
int		 atomic_group_begin(void);
int		 atomic_group_commit(void);
void		 atomic_group_abort(void);

/* index.c */
int		 db_index_load(struct db *);
int		 db_index_append(struct db *, const struct db_record *, size_t);
int		 db_index_mark(struct db *, const char *serial, int status,
		    time_t when, int reason);
int		 db_index_set(struct db *, const struct db_record *cur,
		    const struct db_record *next);
const struct db_record *db_index_get(const struct db *, const char *serial);
size_t		 db_index_count(const struct db *);
const struct db_record *db_index_at(const struct db *, size_t);
int		 index_parse_line(const char *, struct db_record *);
int		 index_format_line(const struct db_record *, char *, size_t);
void		 db_record_clear(struct db_record *);
const char	*db_reason_name(int);
const char	*db_status_name(int);
int		 db_reason_parse(const char *);

/* scan.c */
int		 db_index_find(struct db *, const char *serial,
		    struct db_record *, int *found);
int		 db_index_history(struct db *, const char *serial,
		    struct db_record **, size_t *);

/* serial.c */
int		 db_serial_make(const unsigned char *, size_t,
		    char serial[DB_SERIAL_MAX]);
int		 db_serial_reserve(struct db *, const char *serial,
		    const char *subject, const char *profile, int generation,
		    time_t not_after);
int		 db_serial_void(struct db *, const char *serial);

/* certs.c */
int		 db_cert_serial(X509 *, char [DB_SERIAL_MAX]);
int		 db_cert_put(struct db *, const char *serial, X509 *);
X509		*db_cert_get(const struct db *, const char *serial);
char		*db_cert_file(const struct db *, const char *serial);
int		 db_ca_put(struct db *, int generation, X509 *);
int		 db_ca_exists(const struct db *, int generation);
X509		*db_ca_get(const struct db *, int generation);
int		 db_ca_link_put(struct db *, int generation, const char *kind,
		    X509 *);
X509		*db_ca_link_get(const struct db *, int generation,
		    const char *kind);

/* generations.c */
/* CA generations: ca/gen-N.pem, and ca/gen-N.rollover when a rollover
 * made it (docs/rollover.md). */
enum db_gen_state {
	DB_GEN_ACTIVE = 1, DB_GEN_PENDING, DB_GEN_RETIRED, DB_GEN_CANCELLED
};
struct db_gen {
	int	 gen;
	int	 state;		/* enum db_gen_state */
	int	 recorded;	/* it has a state file (made by a rollover) */
	int	 auto_switch;	/* becomes active by itself at start */
	int	 due;		/* active by time, the switch not yet recorded */
	time_t	 start;		/* its certificate's notBefore */
	time_t	 prepared;
	time_t	 changed;	/* last state change, 0 none */
	char	 key[64];	/* the token key's label */
};
const char	*db_gen_state_name(int);
int		 db_ca_highest(const struct db *);
int		 db_ca_next(const struct db *);
int		 db_ca_active(const struct db *, time_t now, int *due);
int		 db_ca_current(const struct db *);
int		 db_gen_read(const struct db *, int generation, struct db_gen *);
int		 db_gen_unfinished(const struct db *, int generation,
		    struct db_gen *);
int		 db_gen_write(struct db *, const struct db_gen *);
int		 db_gen_status(const struct db *, int generation, time_t now,
		    struct db_gen *);
char		*db_ca_link_path(const struct db *, int generation,
		    const char *kind);
int		 db_gen_prev(const struct db *, int generation);
int		 db_gen_cancelled(const struct db *, int generation);
int		 db_ca_live(const struct db *, time_t now, int *gens,
		    size_t max, size_t *n);

/* audit.c */
int		 db_audit(struct db *, const struct audit_entry *);
int		 db_audit_many(struct db *, const struct audit_entry *, size_t);
void		 audit_add_in(struct audit_entry *, const char *,
		    const void *, size_t);
void		 audit_add_out(struct audit_entry *, const char *,
		    const void *, size_t);
void		 audit_add_in_hash(struct audit_entry *, const char *,
		    const char *sha256);
void		 audit_add_out_hash(struct audit_entry *, const char *,
		    const char *sha256);
int		 db_audit_head(struct db *, unsigned long long *seq,
		    char hash[65]);

/* crlsrc.c */
/*
 * What a CRL needs from the index, read in one streaming pass: for each
 * serial of one CA generation whose last line is R, its entry.  A serial
 * revoked once and later released from hold (or expired, when expired
 * entries are left out) stays known, marked, so that a comparison with
 * the previous CRL can tell a legitimate removal from a lost entry.
 */
enum crl_entry_state { CRLSRC_LISTED = 1, CRLSRC_RELEASED, CRLSRC_EXPIRED };
struct crl_entry {
	long long	 revoked_at;
	long long	 invalidity;	/* 0 none */
	unsigned char	 serial[21];	/* big-endian, no leading zeros */
	unsigned char	 seriallen;
	signed char	 reason;	/* RFC 5280 code, -1 none */
	unsigned char	 state;		/* enum crl_entry_state */
};
struct crlsrc {
	struct crl_entry *v;		/* in index order */
	size_t		  n, cap;
	struct hashtab	  tab;		/* serial -> index into v */
	unsigned long long *bloom;	/* 2 bits a slot: "surely absent" */
	size_t		  listed;	/* entries in state CRLSRC_LISTED */
	size_t		  lines;	/* index lines read */
};
int		 crlsrc_read(const char *path, int generation, time_t now,
		    int keep_expired, struct crlsrc *);
const struct crl_entry *crlsrc_find(const struct crlsrc *,
		    const unsigned char *, size_t);
void		 crlsrc_free(struct crlsrc *);

/* crls.c */
/* crls/gen-N/NUMBER.crl (DER) and NUMBER.pem: the files are the state. */
struct crl_file {
	int	 fd;
	char	*tmp;		/* the temporary file being written */
	char	*dir;
};
int		 db_crl_mark(const struct db *, int generation, unsigned long long);
int		 db_crl_last(const struct db *, int generation,
		    unsigned long long *);
char		*db_crl_path(const struct db *, int generation,
		    unsigned long long, const char *ext);
int		 crl_file_open(struct db *, int generation, struct crl_file *);
int		 crl_file_commit(struct crl_file *, const char *path, int excl);
void		 crl_file_abort(struct crl_file *);

/* select.c */
/* A list's filters; NULL or "" leaves one out.  All given must match. */
struct db_query {
	const char	*status;	/* letters of P, V, R, X */
	const char	*serial;	/* a prefix, any case */
	const char	*subject;	/* text in the subject, any case */
};
int		 db_query_match(const struct db_query *,
		    const struct db_record *);
int		 db_select(const struct db *, const struct db_query *,
		    size_t **, size_t *);

/* index_check.c */
typedef void	(*db_problem_fn)(void *arg, size_t line, const char *why);
int		 db_index_check(const struct db *, db_problem_fn, void *,
		    struct db_record **, size_t *);
/* prev: the serial's state before rec, NULL for its first line. */
typedef void	(*db_line_fn)(void *arg, const struct db_record *prev,
		    const struct db_record *rec);
int		 db_index_walk(const struct db *, db_problem_fn, db_line_fn,
		    void *, struct db_record **, size_t *);
void		 db_records_free(struct db_record *, size_t);

/* cafiles.c */
int		 db_ca_file_gen(const char *);
int		 db_ca_files(const struct db *, char ***, size_t *);
void		 db_ca_files_free(char **, size_t);

/* audit_verify.c */
int		 db_audit_verify(const char *path, long *bad_line);
const char	*db_audit_field(const char *line, const char *key, char *,
		    size_t);
struct audit_row {
	char	seq[32], time[32], operator[64], op[48], result[16];
	char	detail[400];
};
void		 db_audit_row(const char *line, struct audit_row *);
/* A record of audit.log as read back (operator and detail unescaped). */
struct audit_rec {
	unsigned long long	 seq;
	const char		*time, *operator, *op, *result, *in, *out;
	const char		*detail, *prev;
	const char		*hash;		/* SHA-256 of the line */
};
typedef int	(*audit_walk_fn)(void *, const struct audit_rec *);
int		 db_audit_walk(const char *path, audit_walk_fn, void *,
		    long *bad_line);

/* quorum.c */
int		 db_quorum_set(struct db *, const char *qid, int m, int n,
		    const char *const *custodians);
int		 db_quorum_get(const struct db *, char *qid);

/* seals.c */
/* A seal: the CA key's signature over the audit chain at a record. */
struct db_seal {
	unsigned long long	 record;	/* the sealed record */
	char			 time[21];	/* YYYY-MM-DDTHH:MM:SSZ */
	unsigned long long	 session;	/* its session.open record */
	char			 head[65];	/* SHA-256 of that record */
	int			 generation;	/* of the CA that sealed */
	char			 key[41];	/* SHA-1 of its public key */
	unsigned char		*sig;
	size_t			 siglen;
	size_t			 line;		/* in audit.seals */
};
int		 seal_message(const struct db_seal *, char *, size_t);
int		 db_seal_append(struct db *, const struct db_seal *);
int		 db_seals_read(const struct db *, struct db_seal **, size_t *);
void		 db_seals_free(struct db_seal *, size_t);

#endif
