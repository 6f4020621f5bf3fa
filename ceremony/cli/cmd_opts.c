/* SPDX-License-Identifier: ISC */
/*
 * What each option of each command means: the table beside the command
 * table (cmds.c).  COMMAND --help, ceremony(1) (ceremony help --man) and
 * the shell completion all read it, and cmd_options() checks it against
 * the options the command really accepts whenever --help is asked, so a
 * new option cannot go undocumented (tests/help.t asks every command).
 */
#include <stdio.h>
#include <string.h>

#include "ceremony/cli/cli.h"

#define REASONS "unspecified, keyCompromise (the key is known or " \
	"suspected stolen; final, and any reason may be raised to it), " \
	"cACompromise, affiliationChanged, superseded, " \
	"cessationOfOperation, certificateHold (temporary: lifted with " \
	"--release or made final with another reason), privilegeWithdrawn, " \
	"aACompromise (RFC 5280; removeFromCRL is for delta CRLs and refused)"
#define KEY_TYPES "rsa:3072, rsa:4096, ec:P-256, ec:P-384 or ec:P-521"

/* cmd NULL: an option every command takes (COMMON_OPTS). */
const struct opt_doc opt_docs[] = {
	{ NULL, "home", "DIR", "the data directory (default $CEREMONY_HOME, "
	    "else ./" DEFAULT_HOME ")" },
	{ NULL, "module", "PATH", "the PKCS#11 module instead of the data "
	    "directory's" },
	{ NULL, "token", "LABEL", "the token label instead of the data "
	    "directory's" },
	{ NULL, "pin-file", "F", "read the user PIN from the first line of F "
	    "(mode 600); without it or --pin-fd, the PIN is asked on the "
	    "terminal" },
	{ NULL, "pin-fd", "N", "read the user PIN from descriptor N" },
	{ NULL, "share-file", "F", "a custodian's share of the PIN instead of "
	    "the PIN (repeated: M of them; see docs/assurance.md)" },
	{ NULL, "share-fd", "N", "a custodian's share read from descriptor N "
	    "(repeated, like --share-file)" },
	{ NULL, "operator", "NAME", "who is at the keyboard, for the audit log "
	    "(default: the login name)" },
	{ NULL, "witness", "NAME", "who watches (repeated, at most 8), "
	    "recorded at login" },
	{ NULL, "export", "DIR", "where outputs are exported (default "
	    "HOME/export)" },
	{ NULL, "templates", "DIR", "look for templates named without a '/' "
	    "in DIR first, then in HOME/templates, ./templates and the "
	    "installed share/ceremony/templates" },
	{ NULL, "clock-confirmed", NULL, "the UTC time was checked against a "
	    "trusted clock ([room] clock = confirm; docs/assurance.md)" },
	{ NULL, "help", NULL, "show the command's arguments and options" },

	{ "init", "home", "DIR", "the new data directory: absent or empty" },
	{ "init", "module", "PATH", "the PKCS#11 module (default: SoftHSM2's)" },
	{ "init", "token", "LABEL", "the token this CA lives on (required)" },
	{ "init", "ca-name", "NAME", "the CA's name shown to the operator "
	    "(default: the token label)" },
	{ "init", "network", "warn|refuse", "what a machine with a network "
	    "does at login: warn, or refuse to log in ([room] network)" },
	{ "init", "clock", "off|confirm", "whether the operator must confirm "
	    "the UTC time before logging in ([room] clock)" },

	{ "token list", "module", "PATH", "the module to list (default: the "
	    "data directory's, else SoftHSM2's)" },
	{ "token init", "label", "L", "the new token's label" },
	{ "token init", "so-pin-file", "F", "read the security officer PIN "
	    "from the first line of F" },
	{ "token init", "so-pin-fd", "N", "read the security officer PIN from "
	    "descriptor N" },

	{ "key generate", "label", "L", "the key pair's CKA_LABEL (unique on "
	    "the token)" },
	{ "key generate", "type", "TYPE", "the key type: " KEY_TYPES },

	{ "root create", "template", "T", "the root profile, a path or a name "
	    "in the template search path (default root-ca)" },
	{ "root create", "key", "KEY", "the token key: its label, id:HEX or a "
	    "pkcs11: URI" },

	{ "csr check", "policy", "P", "the policy profile (a path or a name, "
	    "e.g. policy-subca)" },
	{ "csr check", "json", NULL, "print the verdict and every finding as "
	    "one JSON object" },

	{ "csr create", "template", "T", "a request profile (kind = request), "
	    "a path or a name" },
	{ "csr create", "key", "KEY", "the token key the request is for: "
	    "label, id:HEX or pkcs11: URI" },
	{ "csr create", "out", "F", "where the request is written (PEM; must "
	    "not exist)" },

	{ "ca install", "cert", "F", "the CA certificate the root signed "
	    "(PEM)" },
	{ "ca install", "chain", "F", "the certificates above it up to the "
	    "root (PEM)" },

	{ "sign", "template", "T", "the profile to sign under (its policy is "
	    "enforced), a path or a name" },
	{ "sign", "csr", "F", "the request to sign (PEM or DER)" },
	{ "sign", "inbox", NULL, "sign every acceptable request in "
	    "HOME/requests/ (docs/batch.md)" },
	{ "sign", "resign", "SERIAL", "re-issue the certificate SERIAL under "
	    "the active CA generation (after a rollover)" },
	{ "sign", "days", "N", "a shorter lifetime than the template's (at "
	    "most its max_days)" },
	{ "sign", "sessions", "N", "with --inbox: token sessions signing at "
	    "once, 1 to 16 (default one per core, as the token allows)" },
	{ "sign", "clamp", NULL, "cut a notAfter past the issuer's to the "
	    "issuer's (recorded) instead of refusing" },
	{ "sign", "preview", NULL, "show the certificate it would issue "
	    "(validity, extensions, URLs, issuer generation); no PIN, "
	    "nothing written" },

	{ "db list", "status", "V|R|P|X", "only valid, revoked, reserved "
	    "(pending) or void serials" },
	{ "db list", "serial", "HEX", "only this serial" },
	{ "db list", "subject", "TEXT", "only subjects containing TEXT" },

	{ "crl issue", "template", "T", "the CRL profile (default crl)" },
	{ "crl issue", "generation", "N", "the CRL of a retired CA generation "
	    "N instead of the active one" },
	{ "crl status", "template", "T", "the CRL profile whose lifetime "
	    "decides when to reissue (default crl)" },
	{ "crl status", "generation", "N", "accepted as by every crl command; "
	    "the status always shows every live generation" },
	{ "crl session", "template", "T", "the CRL profile (default crl)" },
	{ "crl session", "generation", "N", "only generation N's CRL" },
	{ "crl session", "export", "DIR", "where the CRLs and the witness "
	    "report go (required)" },

	{ "revoke", "reason", "R", "the RFC 5280 reason: " REASONS },
	{ "revoke", "invalidity-date", "T", "when the key is known or "
	    "suspected to have been compromised (UTC, YYYY-MM-DD[THH:MM:SSZ], "
	    "not in the future)" },
	{ "revoke", "release", NULL, "lift a certificateHold: the serial is "
	    "valid again and leaves the next CRL" },

	{ "rollover prepare", "template", "T", "the root profile of the next "
	    "generation (default root-ca)" },
	{ "rollover prepare", "start", "expiry|now|DATE", "when the new root's "
	    "validity begins (default: when the current root ends)" },
	{ "rollover prepare", "label", "L", "the new key's label (default "
	    "OLDLABEL-genN)" },
	{ "rollover prepare", "type", "TYPE", "the new key's type (default: "
	    "the old key's): " KEY_TYPES },
	{ "rollover prepare", "manual-switch", NULL, "stay pending until "
	    "ceremony rollover switch, instead of switching at the start" },
	{ "rollover status", "template", "T", "the root profile whose "
	    "rollover_overlap says when a rollover is due (default root-ca)" },
	{ "rollover cancel", "force", NULL, "cancel even when the new key has "
	    "signed certificates (they are stranded; counted)" },
	{ "rollover export", "export", "DIR", "where the certificates go "
	    "(default HOME/export)" },

	{ "tui", "script", "FILE", "open on this ceremony script, checked" },

	{ "export p12", "template", "T", "the profile whose p12_iterations "
	    "and p12_min_password apply; it must be the certificate's own" },
	{ "export p12", "legacy", NULL, "3DES and SHA-1 MAC for devices that "
	    "cannot read AES (warned)" },
	{ "export p12", "password-fd", "N", "read the archive's password from "
	    "descriptor N (default: asked twice on the terminal)" },
	{ "export verify", "ca", "ROOT.pem", "the root certificate the "
	    "manifest's signature must chain to" },

	{ "issue", "generate-key", NULL, "generate the key in software "
	    "(required: this command is only for subjects that cannot)" },
	{ "issue", "template", "T", "the end-entity profile (a CA profile is "
	    "refused)" },
	{ "issue", "subject", "/TYPE=VALUE/...", "the subject, e.g. "
	    "/O=Example/CN=ocsp.example.org" },
	{ "issue", "san", "SAN", "subject alternative names, e.g. "
	    "DNS:a.example,DNS:b.example" },
	{ "issue", "key-type", "TYPE", "the key's type (default ec:P-256; the "
	    "policy's key_types decide)" },
	{ "issue", "legacy", NULL, "3DES and SHA-1 MAC in the archive, for "
	    "old devices (warned)" },
	{ "issue", "password-fd", "N", "read the archive's password from "
	    "descriptor N (default: asked twice on the terminal)" },

	{ "db import-openssl", "ca", "CA.pem", "the CA certificate that "
	    "issued the imported certificates" },
	{ "db import-openssl", "crl", "F", "the latest CRL, whose number the "
	    "next one follows" },

	{ "quorum split", "m", "M", "how many shares give the PIN back" },
	{ "quorum split", "n", "N", "how many shares there are (one per "
	    "custodian)" },
	{ "quorum split", "custodian", "NAME", "a custodian, repeated N times "
	    "in share order" },
	{ "quorum split", "out", "DIR", "where the share files go (a new "
	    "folder; default: printed)" },
	{ "quorum split", "fresh", NULL, "set a new random user PIN on the "
	    "token and split that (recommended)" },
	{ "quorum reshare", "m", "M", "how many new shares give the PIN "
	    "back" },
	{ "quorum reshare", "n", "N", "how many new shares there are" },
	{ "quorum reshare", "custodian", "NAME", "a custodian of the new "
	    "shares, repeated N times" },
	{ "quorum reshare", "out", "DIR", "where the new share files go" },

	{ "script run", "yes", NULL, "confirm every step without asking (for "
	    "programs; the audit record says so)" },
	{ "script run", "retry", NULL, "run a failed step again instead of "
	    "stopping there" },
	{ NULL, NULL, NULL, NULL }
};

/* The option's entry for cmd: the command's own, else the common one. */
const struct opt_doc *
opt_doc_find(const char *cmd, const char *opt)
{
	const struct opt_doc	*d, *common = NULL;

	for (d = opt_docs; d->opt != NULL; d++) {
		if (strcmp(d->opt, opt) != 0)
			continue;
		if (d->cmd != NULL && strcmp(d->cmd, cmd) == 0)
			return d;
		if (d->cmd == NULL)
			common = d;
	}
	return common;
}

static int
is_common(const char *opt)
{
	static const struct option	common[] = { COMMON_OPTS };
	size_t				i;

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (strcmp(common[i].name, opt) == 0)
			return 1;
	return 0;
}

static int
is_local(const struct cmd_opt *local, const char *opt)
{
	for (; local != NULL && local->name != NULL; local++)
		if (strcmp(local->name, opt) == 0)
			return 1;
	return 0;
}

/*
 * The table against what the command accepts (its local options and the
 * common ones): every accepted option explained, no explanation of an
 * option it does not take.  1 and a message on the first difference.
 */
int
opt_docs_check(const char *cmd, const struct cmd_opt *local)
{
	const struct opt_doc	*d;
	static const struct option	common[] = { COMMON_OPTS };
	size_t			 i;

	for (i = 0; local != NULL && local[i].name != NULL; i++) {
		d = opt_doc_find(cmd, local[i].name);
		if (d == NULL || d->cmd == NULL || (d->arg != NULL) !=
		    (local[i].has_arg != 0)) {
			err_set("%s --%s is not explained in ceremony/"
			    "cmd_opts.c%s (this is a bug)", cmd, local[i].name,
			    d != NULL && d->cmd != NULL ? " as taking a value "
			    "or not" : "");
			return 1;
		}
	}
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (opt_doc_find(cmd, common[i].name) == NULL) {
			err_set("--%s is not explained in ceremony/cli/cmd_opts.c "
			    "(this is a bug)", common[i].name);
			return 1;
		}
	for (d = opt_docs; d->opt != NULL; d++)
		if (d->cmd != NULL && strcmp(d->cmd, cmd) == 0 &&
		    !is_local(local, d->opt) && !is_common(d->opt)) {
			err_set("ceremony/cli/cmd_opts.c explains %s --%s, which "
			    "%s does not take (this is a bug)", cmd, d->opt,
			    cmd);
			return 1;
		}
	return 0;
}
