/* sign.c: placeholder until minisign-compatible signing lands. */
#include "toolsync/sign.h"

struct sign_key *sign_key_load(const char *path, struct strbuf *err)
{
	(void)path;
	strbuf_addstr(err, "signing is not built yet");
	return NULL;
}

void sign_key_free(struct sign_key *key)
{
	(void)key;
}

void sign_detached(const struct sign_key *key, const void *data, size_t len,
		   const char *trusted_comment, struct strbuf *out)
{
	(void)key, (void)data, (void)len, (void)trusted_comment, (void)out;
	BUG("sign_detached without a key");
}

void sign_trusted_comment(struct strbuf *out, const char *file_name)
{
	strbuf_addf(out, "file:%s", file_name);
}
