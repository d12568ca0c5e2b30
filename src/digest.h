/* digest.h: SHA-256 content hashes, and a thread-safe per-run memo of file hashes used to
 * validate cached results and precompiled headers against what is on disk now. */
#ifndef FTL_DIGEST_H
#define FTL_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FTL_HEX_LEN 65       /* 64 hex digits and a NUL */

typedef struct ftl_sha256 {
    uint32_t h[8];
    uint64_t len;            /* bytes hashed so far */
    unsigned char buf[64];
    size_t nbuf;
    bool hw;                 /* the CPU's SHA instructions are used */
} ftl_sha256;

/* Uses the x86 SHA extensions when the CPU has them (several times faster). */
void ftl_sha256_init(ftl_sha256 *s);
/* The same digest computed without them (tests compare the two). */
void ftl_sha256_init_portable(ftl_sha256 *s);
void ftl_sha256_update(ftl_sha256 *s, const void *data, size_t n);
/* Writes the digest as 64 lowercase hex digits and a NUL. s must be initialised again to reuse. */
void ftl_sha256_final(ftl_sha256 *s, char hex[FTL_HEX_LEN]);
/* Adds a string with its length in front, so that a sequence of fields hashes unambiguously
 * ("ab","c" differs from "a","bc"); NULL is a distinct value. */
void ftl_sha256_field(ftl_sha256 *s, const char *str);
/* One-shot digest of a buffer. */
void ftl_sha256_hex(const void *data, size_t n, char hex[FTL_HEX_LEN]);
/* True when s is 64 lowercase hex digits. */
bool ftl_is_sha256_hex(const char *s);

/* Content hashes of files, each read once per run: files are assumed not to change while ftlint
 * runs. Safe to use from several threads. */
typedef struct ftl_hashmemo ftl_hashmemo;
ftl_hashmemo *ftl_hashmemo_new(void);       /* free with ftl_hashmemo_free */
void ftl_hashmemo_free(ftl_hashmemo *m);
/* The SHA-256 of the file at path; false when it cannot be read (remembered too). */
bool ftl_hashmemo_file(ftl_hashmemo *m, const char *path, char hex[FTL_HEX_LEN]);

#endif
