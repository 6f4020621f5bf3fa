/* SPDX-License-Identifier: ISC */
/*
 * The table of commands: dispatch, --help and (later) the TUI's menu all
 * read it, so a command exists in one place only.
 */
#include <stdio.h>
#include <string.h>

#include "ceremony/ceremony.h"
#include "ceremony/script.h"

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
	{ "root create", "--template T --key KEY [--home DIR] [--export DIR]",
	    "create the self-signed root certificate with a token key", cmd_root_create },
	{ "csr show", "FILE",
	    "decode a certificate request (PEM or DER) for inspection", cmd_csr_show },
	{ "csr check", "FILE --policy P [--json]",
	    "check a request against a policy: exit 0 accept, 1 reject, 2 unreadable", cmd_csr_check },
	{ "csr create", "--template T --key KEY --out F",
	    "a request for a token key (an issuing CA asking its root)", cmd_csr_create },
	{ "ca install", "--cert F --chain F",
	    "adopt the CA certificate a root signed for a key of this token", cmd_ca_install },
	{ "sign", "--template T (--csr F | --inbox | --resign SERIAL) [--days N] [--clamp]",
	    "sign a request (or every request in the inbox) under its policy", cmd_sign },
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

void
usage_all(void)
{
	const struct cmd	*c;

	printf("usage: ceremony COMMAND [options]\n\ncommands:\n");
	for (c = cmds; c->name != NULL; c++)
		printf("  %-14s %s\n", c->name, c->help);
	printf("\noptions every command takes:\n"
	    "  --home DIR      data directory (default $CEREMONY_HOME, else ./%s)\n"
	    "  --pin-file F    read the user PIN from the first line of F (mode 600)\n"
	    "  --pin-fd N      read the user PIN from descriptor N\n"
	    "                  (without either, the PIN is asked on the terminal)\n"
	    "  --module PATH   PKCS#11 module instead of the data directory's\n"
	    "  --token LABEL   token label instead of the data directory's\n"
	    "  --operator NAME who is at the keyboard (default: login name)\n"
	    "  --witness NAME  who watches (repeated), recorded at login\n"
	    "  --share-file F  a custodian's share instead of the PIN (repeat,\n"
	    "  --share-fd N    M of them; see docs/assurance.md)\n"
	    "  --export DIR    where outputs are exported (default HOME/export)\n"
	    "  --clock-confirmed  the UTC time was checked against a trusted\n"
	    "                  clock ([room] clock = confirm; docs/assurance.md)\n"
	    "\n'ceremony COMMAND --help' shows a command's arguments.\n",
	    DEFAULT_HOME);
}

void
usage_of(const char *name)
{
	const struct cmd	*c;

	for (c = cmds; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			printf("usage: ceremony %s %s\n  %s\n", c->name,
			    c->usage, c->help);
}

