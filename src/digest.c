/* digest.c: SHA-256 (FIPS 180-4) written out here so the cache needs no crypto library (with the
 * x86 SHA instructions when the CPU has them: hashing sources is most of a warm cached run),
 * and the per-run memo of file content hashes shared by the result cache and the PCH store. */
#include "digest.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_X86_SHA 1
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void block(ftl_sha256 *s, const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
    uint32_t e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
    s->h[5] += f;
    s->h[6] += g;
    s->h[7] += h;
}

#ifdef HAVE_X86_SHA
/* The 64 rounds with SHA-NI: each step does four rounds (two sha256rnds2) on four message
 * words; words 16..63 come from sha256msg1 (adds sigma0), the word seven back (alignr) and
 * sha256msg2 (adds sigma1). The state lives as ABEF/CDGH, the instructions' layout. */
__attribute__((target("sha,sse4.1")))
static void blocks_hw(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1);  /* CDAB */
    __m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B); /* EFGH */
    __m128i s0 = _mm_alignr_epi8(t, s1, 8);                                        /* ABEF */
    s1 = _mm_blend_epi16(s1, t, 0xF0);                                             /* CDGH */
    for (; nblocks > 0; nblocks--, p += 64) {
        __m128i save0 = s0, save1 = s1, w[4];
        for (int g = 0; g < 16; g++) {
            __m128i m;
            if (g < 4) {
                m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), swap);
            } else {
                /* w[g & 3] still holds the words of g - 4. */
                m = _mm_sha256msg1_epu32(w[g & 3], w[(g - 3) & 3]);
                m = _mm_add_epi32(m, _mm_alignr_epi8(w[(g - 1) & 3], w[(g - 2) & 3], 4));
                m = _mm_sha256msg2_epu32(m, w[(g - 1) & 3]);
            }
            w[g & 3] = m;
            __m128i x = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&K[4 * g]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, x);
            s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(x, 0x0E));
        }
        s0 = _mm_add_epi32(s0, save0);
        s1 = _mm_add_epi32(s1, save1);
    }
    t = _mm_shuffle_epi32(s0, 0x1B);       /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);      /* DCHG */
    s0 = _mm_blend_epi16(t, s1, 0xF0);     /* DCBA */
    s1 = _mm_alignr_epi8(s1, t, 8);        /* HGFE */
    _mm_storeu_si128((__m128i *)&h[0], s0);
    _mm_storeu_si128((__m128i *)&h[4], s1);
}

/* Whether the CPU has the SHA extensions, asked once per process: CPUID traps to the
 * hypervisor in a virtual machine (microseconds each), and a warm cached run starts thousands
 * of hashes. Written once under pthread_once, read-only afterwards. */
static pthread_once_t sha_probe_once = PTHREAD_ONCE_INIT;
static bool sha_probe_result;

static void sha_probe(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & (1u << 29)))
        return;
    /* SSSE3 and SSE4.1 for the shuffles and blends. */
    sha_probe_result = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 9)) && (c & (1u << 19));
}

static bool cpu_has_sha(void)
{
    pthread_once(&sha_probe_once, sha_probe);
    return sha_probe_result;
}
#endif

static void blocks(ftl_sha256 *s, const unsigned char *p, size_t nblocks)
{
#ifdef HAVE_X86_SHA
    if (s->hw) {
        blocks_hw(s->h, p, nblocks);
        return;
    }
#endif
    for (; nblocks > 0; nblocks--, p += 64)
        block(s, p);
}

void ftl_sha256_init_portable(ftl_sha256 *s)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, iv, sizeof iv);
    s->len = 0;
    s->nbuf = 0;
    s->hw = false;
}

void ftl_sha256_init(ftl_sha256 *s)
{
    ftl_sha256_init_portable(s);
#ifdef HAVE_X86_SHA
    s->hw = cpu_has_sha();
#endif
}

void ftl_sha256_update(ftl_sha256 *s, const void *data, size_t n)
{
    const unsigned char *p = data;
    s->len += n;
    if (s->nbuf) {
        size_t take = 64 - s->nbuf < n ? 64 - s->nbuf : n;
        memcpy(s->buf + s->nbuf, p, take);
        s->nbuf += take;
        p += take;
        n -= take;
        if (s->nbuf < 64)
            return;
        blocks(s, s->buf, 1);
        s->nbuf = 0;
    }
    blocks(s, p, n / 64);
    p += n / 64 * 64;
    n %= 64;
    memcpy(s->buf, p, n);
    s->nbuf = n;
}

void ftl_sha256_final(ftl_sha256 *s, char hex[FTL_HEX_LEN])
{
    uint64_t bits = s->len * 8;
    unsigned char pad[72] = {0x80};
    size_t npad = (s->nbuf < 56 ? 56 : 120) - s->nbuf;
    for (int i = 0; i < 8; i++)
        pad[npad + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
    ftl_sha256_update(s, pad, npad + 8);
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 8; k++)
            hex[i * 8 + k] = digits[(s->h[i] >> (28 - 4 * k)) & 0xf];
    hex[64] = '\0';
}

void ftl_sha256_field(ftl_sha256 *s, const char *str)
{
    char len[32];
    int n = str ? snprintf(len, sizeof len, "%zu:", strlen(str)) : snprintf(len, sizeof len, "-:");
    ftl_sha256_update(s, len, (size_t)n);
    if (str)
        ftl_sha256_update(s, str, strlen(str));
}

void ftl_sha256_hex(const void *data, size_t n, char hex[FTL_HEX_LEN])
{
    ftl_sha256 s;
    ftl_sha256_init(&s);
    ftl_sha256_update(&s, data, n);
    ftl_sha256_final(&s, hex);
}

bool ftl_is_sha256_hex(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return i == 64;
}

/* ---- file hash memo ------------------------------------------------------------------------- */

typedef struct memo_entry {
    char *path;
    bool readable;
    char hex[FTL_HEX_LEN];
    struct memo_entry *next;
} memo_entry;

#define MEMO_BUCKETS 1024

struct ftl_hashmemo {
    pthread_mutex_t lock;
    memo_entry *buckets[MEMO_BUCKETS];
};

ftl_hashmemo *ftl_hashmemo_new(void)
{
    ftl_hashmemo *m = ftl_xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
    return m;
}

void ftl_hashmemo_free(ftl_hashmemo *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < MEMO_BUCKETS; i++) {
        for (memo_entry *e = m->buckets[i], *next; e; e = next) {
            next = e->next;
            free(e->path);
            free(e);
        }
    }
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static size_t bucket_of(const char *path)
{
    uint32_t h = 2166136261u;
    for (const char *p = path; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h % MEMO_BUCKETS;
}

static memo_entry *find(ftl_hashmemo *m, size_t b, const char *path)
{
    for (memo_entry *e = m->buckets[b]; e; e = e->next)
        if (strcmp(e->path, path) == 0)
            return e;
    return NULL;
}

bool ftl_hashmemo_file(ftl_hashmemo *m, const char *path, char hex[FTL_HEX_LEN])
{
    size_t b = bucket_of(path);
    pthread_mutex_lock(&m->lock);
    memo_entry *e = find(m, b, path);
    bool found = e != NULL, readable = e && e->readable;
    if (readable)
        memcpy(hex, e->hex, FTL_HEX_LEN);
    pthread_mutex_unlock(&m->lock);
    if (found)
        return readable;

    /* Read and hash outside the lock; two threads may both do it once, with equal results. */
    size_t len;
    char *text = ftl_read_file(path, &len);
    memo_entry *ne = ftl_xcalloc(1, sizeof *ne);
    ne->path = ftl_xstrdup(path);
    ne->readable = text != NULL;
    if (text)
        ftl_sha256_hex(text, len, ne->hex);
    free(text);
    pthread_mutex_lock(&m->lock);
    e = find(m, b, path);
    if (e) {
        free(ne->path);
        free(ne);
    } else {
        ne->next = m->buckets[b];
        m->buckets[b] = ne;
        e = ne;
    }
    readable = e->readable;
    if (readable)
        memcpy(hex, e->hex, FTL_HEX_LEN);
    pthread_mutex_unlock(&m->lock);
    return readable;
}
