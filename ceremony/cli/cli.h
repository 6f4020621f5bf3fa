/* SPDX-License-Identifier: ISC */
/*
 * The command line: the command table, the options every command takes, and one
 * function per command.  Above the core; only ceremony/cli/ and tui/ include it.
 */
#ifndef CEREMONY_CLI_H
#define CEREMONY_CLI_H

#include <getopt.h>

#include "ceremony/ceremony.h"
#include "ceremony/session/session.h"

/* A row of the command table: dispatch, --help and (later) the TUI menu. */
struct cmd {
	const char	*name;		/* "root create" */
	const char	*usage;		/* the arguments */
	const char	*help;		/* one line */
	int		(*fn)(int, char **);
};

/* cmds.c */
extern const struct cmd	cmds[];
const struct cmd *cmd_named(const char *);
void		 usage_all(void);
void		 usage_of(const char *name);

/* cmd_opts.c */
/* What an option means; cmd NULL: every command takes it. */
struct opt_doc {
	const char	*cmd;		/* "sign", NULL */
	const char	*opt;		/* "csr" */
	const char	*arg;		/* "F"; NULL: a flag */
	const char	*help;
};
extern const struct opt_doc opt_docs[];
const struct opt_doc *opt_doc_find(const char *cmd, const char *opt);
struct cmd_opt;
int		 opt_docs_check(const char *cmd, const struct cmd_opt *);

/* cmd_help.c */
int		 help_main(int, char **);

/* opts.c */
/*
 * Every command's getopt_long table starts with these (COMMON_OPTS) and
 * hands codes >= OPT_COMMON to opt_common().
 */
enum {
	OPT_COMMON = 1000,
	OPT_HOME = OPT_COMMON, OPT_MODULE, OPT_TOKEN, OPT_PIN_FILE, OPT_PIN_FD,
	OPT_OPERATOR, OPT_EXPORT, OPT_HELP, OPT_WITNESS, OPT_SHARE_FILE,
	OPT_SHARE_FD, OPT_CLOCK_CONFIRMED, OPT_TEMPLATES,
	OPT_LOCAL = 1100	/* first code for a command's own options */
};
#define COMMON_OPTS \
	{ "home", required_argument, NULL, OPT_HOME }, \
	{ "module", required_argument, NULL, OPT_MODULE }, \
	{ "token", required_argument, NULL, OPT_TOKEN }, \
	{ "pin-file", required_argument, NULL, OPT_PIN_FILE }, \
	{ "pin-fd", required_argument, NULL, OPT_PIN_FD }, \
	{ "operator", required_argument, NULL, OPT_OPERATOR }, \
	{ "export", required_argument, NULL, OPT_EXPORT }, \
	{ "help", no_argument, NULL, OPT_HELP }, \
	{ "witness", required_argument, NULL, OPT_WITNESS }, \
	{ "share-file", required_argument, NULL, OPT_SHARE_FILE }, \
	{ "share-fd", required_argument, NULL, OPT_SHARE_FD }, \
	{ "clock-confirmed", no_argument, NULL, OPT_CLOCK_CONFIRMED }, \
	{ "templates", required_argument, NULL, OPT_TEMPLATES }
int		 opt_common(struct session *, int, const char *, const char *);
int		 opt_no_args(const char *, int, char **);
/* A command's own option: its long name, whether it takes a value. */
/*
 * has_arg CMD_OPT_LIST: repeatable; value is an array of CMD_OPT_LIST_MAX
 * + 1 entries, filled in order and NULL after the last.
 */
struct cmd_opt {
	const char	*name;
	int		 has_arg;
	const char	**value;	/* where the value (or "1") goes */
};
#define CMD_OPT_LIST	2
#define CMD_OPT_LIST_MAX 16
int		 cmd_options(struct session *, const char *, int, char **,
		    const struct cmd_opt *);
int		 cmd_fail(struct session *);

/* cmd_root.c */
void		 print_time(const char *, const ASN1_TIME *);
void		 print_fingerprint(const char *);
int		 cmd_root_create(int, char **);

/* cmd_init.c */
int		 cmd_init(int, char **);

/* cmd_token.c */
int		 cmd_token_list(int, char **);
int		 cmd_token_init(int, char **);

/* cmd_key.c */
int		 cmd_key_generate(int, char **);
int		 cmd_key_list(int, char **);
int		 cmd_key_show(int, char **);

/* cmd_db.c */
int		 cmd_db_list(int, char **);
int		 cmd_db_show(int, char **);

/* cmd_audit.c */
int		 cmd_audit_show(int, char **);
int		 cmd_audit_verify(int, char **);
int		 cmd_audit_sessions(int, char **);
int		 cmd_audit_transcript(int, char **);

/* cmd_csr.c */
int		 cmd_csr_show(int, char **);
int		 cmd_csr_check(int, char **);

/* cmd_sign.c */
int		 cmd_sign(int, char **);

/* cmd_csr_create.c */
int		 cmd_csr_create(int, char **);

/* cmd_ca.c */
int		 cmd_ca_install(int, char **);

/* cmd_rollover.c */
int		 cmd_rollover_prepare(int, char **);
int		 cmd_rollover_status(int, char **);
int		 cmd_rollover_switch(int, char **);
int		 cmd_rollover_cancel(int, char **);
int		 cmd_rollover_export(int, char **);

/* cmd_crl.c */
int		 cmd_crl_issue(int, char **);
int		 cmd_crl_status(int, char **);
int		 cmd_crl_session(int, char **);

/* cmd_revoke.c */
int		 cmd_revoke(int, char **);

/* cmd_tui.c */
int		 cmd_tui(int, char **);

/* cmd_export.c */
void		 p12_legacy_warning(void);
int		 cmd_export_p12(int, char **);
int		 cmd_export_publish(int, char **);
int		 cmd_export_verify(int, char **);

/* cmd_script.c */
int		 cmd_script_check(int, char **);
int		 cmd_script_run(int, char **);
int		 cmd_script_status(int, char **);

/* cmd_recover.c */
int		 cmd_db_recover(int, char **);

/* cmd_dbverify.c */
int		 cmd_db_verify(int, char **);

/* cmd_issue.c */
int		 cmd_issue(int, char **);

/* cmd_dbmove.c */
int		 cmd_db_import_openssl(int, char **);
int		 cmd_db_export_openssl(int, char **);

/* password.c */
int		 password_read(const char *fdarg, long min, struct secret **);

/* cmd_room.c */
int		 cmd_room_check(int, char **);

/* cmd_quorum.c */
int		 cmd_quorum_split(int, char **);
int		 cmd_quorum_reshare(int, char **);

#endif
