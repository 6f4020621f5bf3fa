/* SPDX-License-Identifier: ISC */
/*
 * What the files of db/ share and nobody else needs: the open database,
 * the in-memory index, and the small text helpers (escaping, times) that
 * index.txt and audit.log both use.
 */
#ifndef DB_INT_H
#define DB_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "db/db.h"
#include "db/hashtab.h"

/*
 * The current state of every serial: recs[] in order of first
 * appearance, and db/'s hash table (hashtab.h) mapping a serial to its
 * record, at least twice as many slots as records.
 */
struct db_index {
	struct db_record	*recs;
	size_t			 count;
	size_t			 cap;
	struct hashtab		 tab;
};

struct db {
	char			*home;
	int			 lockfd;
	int			 lockro;	/* shared, nothing written */
	int			 indexfd;	/* index.txt, O_APPEND */
	int			 idx_loaded;	/* idx holds the whole index */
	struct db_config	 cfg;
	struct db_index		 idx;
	int			 audit_known;	/* audit_seq/prev are read */
	unsigned long long	 audit_seq;	/* of the last record */
	char			 audit_prev[65];
};

/* Subdirectories of a data directory, made by db_create. */
extern const char *const db_subdirs[];

/* audit_verify.c */
#define AUDIT_NAME_CHARS "abcdefghijklmnopqrstuvwxyz0123456789._-"
void		 audit_first_prev(char [65]);
#define AUDIT_NFIELDS	9
const char	*audit_fields(const char *, size_t, char *[AUDIT_NFIELDS]);
void		 audit_fields_free(char *[AUDIT_NFIELDS]);
int		 audit_line_whole(const char *, size_t);

/* create.c */
int		 rmtree(const char *);

/* repair.c */
int		 db_repair(struct db *);

/* lock.c */
int		 db_lock(struct db *, int);
void		 db_unlock(struct db *);

/* index.c */
int		 index_parse_raw(const char *, size_t, struct db_record *,
		    const char **, size_t *, char *, size_t);
int		 index_parse(const char *, size_t, struct db_record *,
		    char *, size_t);
size_t		 index_line_max(const struct db_record *);
int		 index_transition(const struct db_record *,
		    const struct db_record *, char *, size_t);

/* index_file.c */
int		 index_open_file(struct db *, int load);
int		 index_line_whole(const char *, size_t);
int		 index_map(int, const char *, char **, size_t *);

/* scan.c */
int		 index_scan_last(int, const char *, const char *,
		    struct db_record *, int *);

/* table.c */
size_t		 table_slot(const struct db_index *, const char *);
struct db_record *table_at(const struct db_index *, size_t);
struct db_record *table_get(const struct db_index *, const char *);
int		 table_reserve(struct db_index *, size_t);
void		 table_put_at(struct db_index *, size_t, struct db_record *);
void		 table_put(struct db_index *, struct db_record *);
void		 db_index_free(struct db_index *);

/* text.c */
size_t		 text_escape(char *, const char *);
size_t		 text_escape_len(const char *);
char		*text_unescape(const char *, size_t, const char **);
int		 time_parse(const char *, size_t, time_t *);
int		 time_format(time_t, char [16]);
int		 serial_valid(const char *, size_t);

/* logfile.c */
int		 read_all(int, char **, size_t *);
/* The last line of an append-only file, which may lack its newline. */
struct tail {
	char	*line;		/* without its newline; NULL: empty file */
	size_t	 len;
	off_t	 at;		/* where it starts */
	int	 open;		/* no newline after it */
};
typedef int	(*tail_whole_fn)(const char *, size_t);
size_t		 tail_start(const char *, size_t);
size_t		 tail_usable(const char *, const char *, size_t,
		    tail_whole_fn);
int		 tail_line(int, const char *, struct tail *);

#endif
