/* SPDX-License-Identifier: ISC */
/*
 * The table of commands: dispatch, --help and (later) the TUI's menu all
 * read it, so a command exists in one place only.
 */
#include <stdio.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/migrate/migrate.h"
#include "ceremony/script/script.h"

const struct cmd cmds[] = {
	{ "init", "--home DIR --module PATH --token LABEL [--ca-name NAME] [--network warn|refuse] [--clock off|confirm]",
	    "create a data directory bound to a module and token", cmd_init },
	{ "token list", "[--home DIR | --module PATH]",
	    "list the module's slots and tokens", cmd_token_list },
	{ "token init", "--label L [--module PATH] [--so-pin-file F | --so-pin-fd N] [--pin-file F | --pin-fd N]",
	    "initialise a token (demo and tests)", cmd_token_init },
	{ "key generate", "--label L --type rsa:3072|rsa:4096|ec:P-256|ec:P-384|ec:P-521 [--home DIR]",
	    "generate a non-extractable key pair on the token", cmd_key_generate },
	{ "key list", "[--home DIR]",
	    "list the key pairs on the token", cmd_key_list },
	{ "key show", "KEY [--home DIR]",
	    "show a key's attributes (KEY: label, id:HEX or pkcs11: URI)", cmd_key_show },
	{ "root create", "--key KEY [--template T] [--home DIR] [--export DIR]",
	    "create the self-signed root certificate with a token key", cmd_root_create },
	{ "csr show", "FILE",
	    "decode a certificate request (PEM or DER) for inspection", cmd_csr_show },
	{ "csr check", "FILE --policy P [--json]",
	    "check a request against a policy: exit 0 accept, 1 reject, 2 unreadable", cmd_csr_check },
	{ "csr create", "--template T --key KEY --out F",
	    "a request for a token key (an issuing CA asking its root)", cmd_csr_create },
	{ "ca install", "--cert F --chain F",
	    "adopt the CA certificate a root signed for a key of this token", cmd_ca_install },
	{ "sign", "--template T (--csr F | --inbox | --resign SERIAL) [--days N] [--clamp] [--preview]",
	    "sign a request (or every request in the inbox) under its policy; --preview: show the certificate, write nothing", cmd_sign },
	{ "db list", "[--status V|R|P|X] [--serial HEX] [--subject TEXT]",
	    "list the certificates in the index", cmd_db_list },
	{ "crl issue", "[--template T] [--generation N]",
	    "sign the next CRL of the active (or a retired) CA generation on the token", cmd_crl_issue },
	{ "crl status", "[--template T]",
	    "each generation's latest CRL, its nextUpdate and when to reissue", cmd_crl_status },
	{ "crl session", "--export DIR [--template T] [--generation N]",
	    "the periodic session: every live generation's CRL, verified, exported, witness report", cmd_crl_session },
	{ "db show", "SERIAL",
	    "a certificate's current state, its history in the index and a summary", cmd_db_show },
	{ "revoke", "SERIAL (--reason R [--invalidity-date T] | --release)",
	    "revoke a certificate (RFC 5280 reason), or lift a certificateHold", cmd_revoke },
	{ "rollover prepare", "[--template T] [--start expiry|now|DATE] [--label L] [--type T] [--manual-switch]",
	    "generate the next root key and certificate with link certificates", cmd_rollover_prepare },
	{ "rollover status", "[--template T]",
	    "every CA generation: state, fingerprint, validity, switch-over", cmd_rollover_status },
	{ "rollover switch", "",
	    "make the pending generation active (from its start)", cmd_rollover_switch },
	{ "rollover cancel", "[--force]",
	    "take back the newest rollover: key destroyed, certificates revoked", cmd_rollover_cancel },
	{ "rollover export", "[--export DIR]",
	    "the next CA certificate (GetNextCACert) and every CA and link certificate", cmd_rollover_export },
	{ "audit show", "[--home DIR]",
	    "print the audit log and check its hash chain", cmd_audit_show },
	{ "tui", "[--home DIR] [--templates DIR] [--witness NAME ...] [--script FILE]",
	    "the terminal UI for the ceremony room (on a terminal)", cmd_tui },
	{ "export p12", "SERIAL [--template T] [--legacy] [--password-fd N]",
	    "a certificate and its chain as a PKCS#12 archive (p12/ and the export directory)", cmd_export_p12 },
	{ "export publish", "DIR",
	    "CA certificates, latest CRLs, PKCS#7 bundle and a token-signed SHA256SUMS into a new DIR", cmd_export_publish },
	{ "export verify", "DIR --ca ROOT.pem",
	    "check a publication bundle: manifest signature, every file's hash, nothing extra (no token)", cmd_export_verify },
	{ "db recover", "",
	    "settle what an interrupted command left: reserved serials recorded issued or void", cmd_db_recover },
	{ "db verify", "",
	    "check index, certificate files, signatures, CRL numbers and the audit chain; name every problem", cmd_db_verify },
	{ "issue", "--generate-key --template T --subject /TYPE=VALUE/... [--san SAN] [--key-type TYPE] [--legacy] [--password-fd N]",
	    "generate a key in software for a subject that cannot, issue its certificate, archive both as PKCS#12", cmd_issue },
	{ "db import-openssl", "INDEX DIR... --ca CA.pem [--crl F]",
	    "move an openssl ca / easy-rsa database (index.txt, crlnumber, certificates) into a new data directory", cmd_db_import_openssl },
	{ "db export-openssl", "DIR",
	    "write index.txt, crlnumber and newcerts/ as openssl ca reads them, into a new DIR", cmd_db_export_openssl },
	{ "audit verify", "[--home DIR]",
	    "check the audit chain and its seals (no token); name the first bad record", cmd_audit_verify },
	{ "audit sessions", "[--home DIR]",
	    "list the sessions of the audit log", cmd_audit_sessions },
	{ "audit transcript", "SESSION [--home DIR]",
	    "a printable transcript of one session, with signature lines", cmd_audit_transcript },
	{ "quorum split", "--m M --n N --custodian NAME ... [--fresh] [--out DIR]",
	    "split the user PIN (or a new random one) into N shares, M needed", cmd_quorum_split },
	{ "quorum reshare", "--m M --n N --custodian NAME ... [--out DIR] --share-file F ...",
	    "with M current shares: a new random PIN and new shares; old ones dead", cmd_quorum_reshare },
	{ "room check", "[--home DIR]",
	    "network interfaces, radios, UTC time against the [room] policy: exit 0 passes, 1 not", cmd_room_check },
	{ "script check", "FILE [--home DIR]",
	    "check a ceremony script completely, without a token: every finding of every step", cmd_script_check },
	{ "script run", "FILE [--yes] [--retry]",
	    "run a checked script step by step, each confirmed; resumes where a stopped run stopped", cmd_script_run },
	{ "script status", "FILE",
	    "where a script's run stands: each step done, failed or still to run", cmd_script_status },
	{ NULL, NULL, NULL, NULL }
};

const struct cmd *
cmd_named(const char *name)
{
	const struct cmd	*c;

	for (c = cmds; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* "  --name ARG   text", the text wrapped at 78 columns under itself. */
static void
usage_opt(const struct opt_doc *d)
{
	char		 head[64];
	const char	*p = d->help, *sp;
	int		 col, w;

	snprintf(head, sizeof(head), "  --%s%s%s", d->opt, d->arg != NULL ?
	    " " : "", d->arg != NULL ? d->arg : "");
	col = printf("%s", head);
	if (col > 25) {
		printf("\n");
		col = 0;
	}
	printf("%*s", 26 - col, "");
	col = 26;
	while (*p != '\0') {
		sp = strchr(p, ' ');
		w = sp != NULL ? (int)(sp - p) : (int)strlen(p);
		if (col > 26 && col + 1 + w > 78) {
			printf("\n%26s", "");
			col = 26;
		} else if (col > 26) {
			printf(" ");
			col++;
		}
		printf("%.*s", w, p);
		col += w;
		p += w;
		while (*p == ' ')
			p++;
	}
	printf("\n");
}

/* The options every command takes, as the command's table explains them. */
static void
usage_common(const char *cmd)
{
	const struct opt_doc	*d;

	for (d = opt_docs; d->opt != NULL; d++)
		if (d->cmd == NULL && (cmd == NULL || opt_doc_find(cmd, d->opt) == d))
			usage_opt(d);
}

void
usage_all(void)
{
	const struct cmd	*c;

	printf("usage: ceremony COMMAND [options]\n\ncommands:\n");
	for (c = cmds; c->name != NULL; c++)
		printf("  %-14s %s\n", c->name, c->help);
	printf("\noptions every command takes:\n");
	usage_common(NULL);
	printf("\n'ceremony COMMAND --help' explains a command's arguments and "
	    "options;\nman ceremony has them all.\n");
}

/* COMMAND --help: its arguments, its own options, then the common ones. */
void
usage_of(const char *name)
{
	const struct cmd	*c;
	const struct opt_doc	*d;
	int			 own = 0;

	if ((c = cmd_named(name)) == NULL)
		return;
	printf("usage: ceremony %s %s\n  %s\n", c->name, c->usage, c->help);
	for (d = opt_docs; d->opt != NULL; d++)
		if (d->cmd != NULL && strcmp(d->cmd, name) == 0) {
			if (own++ == 0)
				printf("\noptions:\n");
			usage_opt(d);
		}
	printf("\noptions every command takes:\n");
	usage_common(name);
}
